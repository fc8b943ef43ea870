/**
 * Time travel and the audit trail (docs/embedding.md, "Time travel").
 */
import type { Actor, PromiseEngine, WorkflowEvent } from "@workflow-manager/core"

export const history = async (engine: PromiseEngine, actor: Actor, instanceId: string, at: Date) => {
  // #region time-travel
  // The state as of an event sequence, or as of an instant (a Date or an ISO string), rebuilt
  // from the events. Before the instance existed, both fail with StorageError / NotFound.
  const afterCompanyInfo = await engine.stateAt({ actor, instanceId, until: { untilSequence: 4 } })
  const asOf = await engine.stateAt({ actor, instanceId, until: { untilTime: at } })

  // The events themselves, one page at a time: `from` and `to` are sequences (both inclusive,
  // default the whole log), `limit` at most 1000 (the default); `nextFrom` starts the next page.
  const firstPage = await engine.events({ actor, instanceId, limit: 5 }) // { items, nextFrom: 6 }
  const submission = (await engine.events({ actor, instanceId, from: 8, to: 8 })).items
  // #endregion time-travel
  return { afterCompanyInfo, asOf, firstPage, submission }
}

// #region all-events
/** Every event of an instance, page by page. */
export const allEvents = async (
  engine: PromiseEngine,
  actor: Actor,
  instanceId: string,
  limit = 1000
): Promise<Array<WorkflowEvent>> => {
  const all: Array<WorkflowEvent> = []
  let from: number | undefined = 1
  while (from !== undefined) {
    const page = await engine.events({ actor, instanceId, from, limit })
    all.push(...page.items)
    from = page.nextFrom
  }
  return all
}
// #endregion all-events

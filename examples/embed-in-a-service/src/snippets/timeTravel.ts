/**
 * Time travel and the audit trail (docs/embedding.md, "Time travel").
 */
import type { Actor, PromiseEngine } from "@workflow-manager/core"

export const history = async (engine: PromiseEngine, actor: Actor, instanceId: string, at: Date) => {
  // #region time-travel
  // The state as of an event sequence, or as of an instant (a Date or an ISO string), rebuilt
  // from the events. Before the instance existed, both fail with StorageError / NotFound.
  const afterCompanyInfo = await engine.stateAt({ actor, instanceId, until: { untilSequence: 4 } })
  const asOf = await engine.stateAt({ actor, instanceId, until: { untilTime: at } })

  // The events themselves, all or a sequence range (both ends inclusive).
  const all = await engine.events({ actor, instanceId })
  const submission = await engine.events({ actor, instanceId, range: { from: 8, to: 8 } })
  // #endregion time-travel
  return { afterCompanyInfo, asOf, all, submission }
}

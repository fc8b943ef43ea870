/**
 * Checks of a batch of events before it is written: well-formed events of one instance and one
 * tenant the scope covers, with sequences `expectedVersion + 1`, `+ 2`, ... — anything else is a
 * typed error and nothing is sent.
 */
import type { Access, WorkflowEvent } from "@workflow-manager/core"
import { Effect } from "effect"
import { decodeEvent } from "./documents.js"
import { checkCovers, checkInt, invalid } from "./validate.js"

/** A batch that passed the checks. */
export interface Batch {
  readonly events: ReadonlyArray<WorkflowEvent>
  readonly instanceId: string
  readonly tenantId: string
  readonly lastSequence: number
}

/** The largest number of events in one commit. */
export const MAX_BATCH = 1000

export const checkBatch = Effect.fnUntraced(function* (
  operation: string,
  access: Access,
  events: ReadonlyArray<WorkflowEvent>,
  expectedVersion: number
) {
  yield* checkInt(operation, "expected version", expectedVersion, 0, 2_147_483_647)
  if (!Array.isArray(events)) return yield* Effect.fail(invalid(operation, "events must be an array"))
  if (events.length === 0) return yield* Effect.fail(invalid(operation, "a commit records at least one event"))
  if (events.length > MAX_BATCH)
    return yield* Effect.fail(invalid(operation, `a commit records at most ${MAX_BATCH} events`))
  const checked: Array<WorkflowEvent> = []
  for (let n = 0; n < events.length; n++) {
    const event = yield* decodeEvent(operation, events[n])
    const head = checked[0]
    if (head === undefined) yield* checkCovers(operation, access, event.tenantId)
    else if (event.instanceId !== head.instanceId) {
      return yield* Effect.fail(invalid(operation, "a batch holds the events of one instance"))
    } else if (event.tenantId !== head.tenantId) {
      return yield* Effect.fail(invalid(operation, "a batch holds the events of one tenant"))
    }
    if (event.sequence !== expectedVersion + n + 1) {
      return yield* Effect.fail(
        invalid(operation, `event ${n} has sequence ${event.sequence}, expected ${expectedVersion + n + 1}`)
      )
    }
    checked.push(event)
  }
  const head = checked[0] as WorkflowEvent
  return {
    events: checked,
    instanceId: head.instanceId,
    tenantId: head.tenantId,
    lastSequence: expectedVersion + checked.length
  } satisfies Batch
})

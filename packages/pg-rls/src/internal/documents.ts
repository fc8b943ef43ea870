/**
 * The documents the adapter stores — events, state snapshots, index entries — checked against
 * core's schemas and turned into JSON before they are sent, and checked again when read back.
 */
import {
  type Access,
  IndexEntry,
  type IndexEntry as IndexEntryType,
  OutboxMessage,
  type OutboxMessage as OutboxMessageType,
  type StorageError,
  WorkflowEvent,
  type WorkflowEvent as WorkflowEventType,
  WorkflowState,
  type WorkflowState as WorkflowStateType
} from "@workflow-manager/core"
import { Effect } from "effect"
import { checkCovers, checkInt, checkUuid, decodeWith, invalid, toJson } from "./validate.js"

export const decodeEvent = decodeWith(WorkflowEvent, "event")
export const decodeState = decodeWith(WorkflowState, "state")
export const decodeEntry = decodeWith(IndexEntry, "index entry")
export const decodeMessage = decodeWith(OutboxMessage, "outbox message")

/**
 * Checks the messages of a commit: valid messages of the commit's instance and tenant, each id
 * starting with the instance id (as core makes them), each at most `maxBytes` of JSON; `null` when
 * there are none.
 */
export const prepareMessages = Effect.fnUntraced(function* (
  operation: string,
  messages: ReadonlyArray<OutboxMessageType>,
  instanceId: string,
  tenantId: string,
  maxBytes: number
) {
  if (!Array.isArray(messages)) return yield* Effect.fail(invalid(operation, "messages must be an array"))
  if (messages.length === 0) return null
  if (messages.length > 1000) return yield* Effect.fail(invalid(operation, "a commit queues at most 1000 messages"))
  const parts: Array<string> = []
  for (let i = 0; i < messages.length; i++) {
    const message = yield* decodeMessage(operation, messages[i])
    if (message.instanceId !== instanceId || message.tenantId.toLowerCase() !== tenantId.toLowerCase()) {
      return yield* Effect.fail(invalid(operation, `message ${i} belongs to another instance than the commit`))
    }
    if (!message.id.startsWith(`${instanceId}:`)) {
      return yield* Effect.fail(invalid(operation, `message ${i} has an id that does not start with its instance id`))
    }
    parts.push(yield* toJson(operation, `message ${i}`, message, maxBytes))
  }
  return `[${parts.join(",")}]`
})

/** A batch of events ready to send: JSON array text plus what it is about. */
export interface PreparedEvents {
  readonly json: string
  readonly instanceId: string
  readonly tenantId: string
  readonly lastSequence: number
}

/**
 * Checks an append: valid events of one instance and one tenant (a UUID the scope covers), with
 * sequences `expectedVersion + 1`, `+ 2`, ..., each at most `maxBytes` of JSON.
 */
export const prepareEvents = Effect.fnUntraced(function* (
  operation: string,
  access: Access,
  events: ReadonlyArray<WorkflowEventType>,
  expectedVersion: number,
  maxBytes: number
) {
  yield* checkInt(operation, "expected version", expectedVersion, 0, 2_147_483_647)
  if (!Array.isArray(events)) return yield* Effect.fail(invalid(operation, "events must be an array"))
  const parts: Array<string> = []
  let instanceId = ""
  let tenantId = ""
  for (let i = 0; i < events.length; i++) {
    const event = yield* decodeEvent(operation, events[i])
    if (i === 0) {
      instanceId = event.instanceId
      tenantId = yield* checkUuid(operation, "the tenant id of an event", event.tenantId)
      yield* checkCovers(operation, access, tenantId)
    } else if (event.instanceId !== instanceId) {
      return yield* Effect.fail(invalid(operation, "a batch holds the events of one instance"))
    } else if (event.tenantId.toLowerCase() !== tenantId) {
      return yield* Effect.fail(invalid(operation, "a batch holds the events of one tenant"))
    }
    if (event.sequence !== expectedVersion + i + 1) {
      return yield* Effect.fail(
        invalid(operation, `event ${i} has sequence ${event.sequence}, expected ${expectedVersion + i + 1}`)
      )
    }
    parts.push(yield* toJson(operation, `event ${i}`, event, maxBytes))
  }
  return {
    json: `[${parts.join(",")}]`,
    instanceId,
    tenantId,
    lastSequence: expectedVersion + events.length
  } satisfies PreparedEvents
})

/** Checks a state snapshot and returns its JSON. */
export const prepareState = Effect.fnUntraced(function* (
  operation: string,
  access: Access,
  state: WorkflowStateType,
  maxBytes: number
) {
  const decoded = yield* decodeState(operation, state)
  const tenantId = yield* checkUuid(operation, "the tenant id of a state", decoded.tenantId)
  yield* checkCovers(operation, access, tenantId)
  return { decoded, json: yield* toJson(operation, "state", decoded, maxBytes) }
})

/** Checks an index entry and returns its JSON. */
export const prepareEntry = Effect.fnUntraced(function* (
  operation: string,
  access: Access,
  entry: IndexEntryType,
  maxBytes: number
) {
  const decoded = yield* decodeEntry(operation, entry)
  const tenantId = yield* checkUuid(operation, "the tenant id of an index entry", decoded.tenantId)
  yield* checkCovers(operation, access, tenantId)
  return yield* toJson(operation, "index entry", decoded, maxBytes)
})

/** Decodes documents read back; a stored document that no longer matches its schema is `InvalidData`. */
export const decodeAll = <A>(
  operation: string,
  rows: ReadonlyArray<{ readonly doc: unknown }>,
  decode: (operation: string, value: unknown) => Effect.Effect<A, StorageError>
): Effect.Effect<ReadonlyArray<A>, StorageError> => Effect.forEach(rows, (row) => decode(operation, row.doc))

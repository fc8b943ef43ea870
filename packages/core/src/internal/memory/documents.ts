/**
 * The memory store's document checks, the same a database adapter makes: each stored document
 * matches its schema (an event is checked against its own type's member, not the whole union) and
 * fits the size limit.
 */
import { Schema } from "effect"
import { WorkflowEvent } from "../../Event.js"
import { OutboxMessage } from "../../Outbox.js"
import { WorkflowState } from "../../State.js"
import { InvalidData, type StorageError, storageError } from "../../StorageError.js"
import { IndexEntry } from "../../WorkflowIndex.js"

// one member's check, picked by the event's type, instead of trying the union's members in turn
const eventChecks = new Map<unknown, (u: unknown) => boolean>(
  WorkflowEvent.members.map((member) => [member.fields.type.literal, Schema.is(member)])
)

export const isEvent = (u: unknown): boolean =>
  typeof u === "object" && u !== null && (eventChecks.get((u as { type?: unknown }).type)?.(u) ?? false)
export const isState = Schema.is(WorkflowState)
export const isEntry = Schema.is(IndexEntry)
export const isMessage = Schema.is(OutboxMessage)

/** JSON text of a document checked against its schema and `maxBytes`, or the `InvalidData` error. */
export const serializer =
  (maxBytes: number) =>
  (operation: string, what: string, value: unknown, valid: (u: unknown) => boolean): string | StorageError => {
    const bad = (message: string) => storageError(operation, new InvalidData({ message }))
    if (!valid(value)) return bad(`${what} does not match its schema`)
    const json = JSON.stringify(value)
    if (json.length > maxBytes / 3 && Buffer.byteLength(json, "utf8") > maxBytes) {
      return bad(`${what} is ${Buffer.byteLength(json, "utf8")} bytes of JSON, above the limit of ${maxBytes}`)
    }
    return json
  }

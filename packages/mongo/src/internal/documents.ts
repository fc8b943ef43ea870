/**
 * The documents the adapter stores — events, state snapshots, index entries, templates — checked
 * against core's schemas before they are sent (with their keys escaped and their size bounded),
 * and checked again when read back.
 */
import {
  IndexEntry,
  type StorageError,
  Template,
  type Template as TemplateType,
  WorkflowEvent,
  type WorkflowEvent as WorkflowEventType,
  WorkflowState
} from "@workflow-manager/core"
import { Effect, Result, Schema } from "effect"
import { escapeKeys, unescapeKeys } from "./escape.js"
import { invalid } from "./validate.js"

const decodeWith = <S extends Schema.ConstraintDecoder<unknown>>(schema: S, what: string) => {
  const decode = Schema.decodeUnknownResult(schema)
  return (operation: string, value: unknown): Effect.Effect<S["Type"], StorageError> => {
    const result = decode(value)
    return Result.isSuccess(result)
      ? Effect.succeed(result.success)
      : Effect.fail(invalid(operation, `${what}: ${result.failure.message}`, result.failure))
  }
}

export const decodeEvent = decodeWith(WorkflowEvent, "event")
export const decodeState = decodeWith(WorkflowState, "state")
export const decodeEntry = decodeWith(IndexEntry, "index entry")
export const decodeTemplate = decodeWith(Template, "template")

/** The stored form of a checked document: keys escaped, refused above `maxBytes` of JSON. */
export const toStored = (
  operation: string,
  what: string,
  value: unknown,
  maxBytes: number
): Effect.Effect<unknown, StorageError> => {
  const json = JSON.stringify(value)
  if (json.length * 3 > maxBytes) {
    const bytes = Buffer.byteLength(json, "utf8")
    if (bytes > maxBytes) {
      return Effect.fail(invalid(operation, `${what} is ${bytes} bytes of JSON, above the limit of ${maxBytes}`))
    }
  }
  return Effect.succeed(escapeKeys(value))
}

/** A stored event back as a checked event. */
export const readEvent = (operation: string, stored: unknown): Effect.Effect<WorkflowEventType, StorageError> =>
  decodeEvent(operation, unescapeKeys(stored))

/** A stored template back as a checked template. */
export const readTemplate = (operation: string, stored: unknown): Effect.Effect<TemplateType, StorageError> =>
  decodeTemplate(operation, unescapeKeys(stored))

/** JSON with the keys of every object sorted: equal for equal values, whatever their key order. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]])
        )
      : v
  )

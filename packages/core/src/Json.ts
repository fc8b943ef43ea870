/**
 * JSON values: the only data a step, an event or a template may carry, so that every stored shape
 * survives `JSON.stringify` / `JSON.parse` unchanged.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * Any JSON value.
 *
 * @since 0.1.0
 * @category json
 */
export const Json = Schema.Json

/**
 * A JSON value.
 *
 * @since 0.1.0
 * @category json
 */
export type Json = Schema.Json

/**
 * A JSON object (string keys, JSON values).
 *
 * @since 0.1.0
 * @category json
 */
export const JsonObject = Schema.Record(Schema.String, Schema.Json)

/**
 * A JSON object.
 *
 * @since 0.1.0
 * @category json
 */
export type JsonObject = { readonly [key: string]: Json }

/**
 * An ISO-8601 UTC instant such as `2026-11-26T09:30:00.000Z`. Times enter core only through
 * commands and events, never from a clock inside core. (The pattern has the `u` flag so that it is
 * carried into the exported JSON Schema.)
 *
 * @since 0.1.0
 * @category json
 */
export const Instant = Schema.String.check(
  Schema.isPattern(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/u, {
    expected: "an ISO-8601 UTC instant such as 2026-11-26T09:30:00.000Z"
  })
)

/**
 * An ISO-8601 UTC instant.
 *
 * @since 0.1.0
 * @category json
 */
export type Instant = string

/**
 * An identifier: 1 to 200 characters of letters, digits, `.`, `_`, `:` or `-`. (The pattern has the
 * `u` flag so that it is carried into the exported JSON Schema.)
 *
 * @since 0.1.0
 * @category json
 */
export const Identifier = Schema.String.check(
  Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/u, {
    expected: "an identifier (1-200 characters: letters, digits, '.', '_', ':' or '-', not starting with a symbol)"
  })
)

/**
 * What an approver submits when executing an approval step: a decision, an optional comment, and
 * for a delegation the user it is handed to.
 *
 * @since 0.1.0
 */
import { Identifier } from "@workflow-manager/core"
import { Schema } from "effect"

/**
 * The longest comment a decision may carry, in UTF-16 code units.
 *
 * @since 0.1.0
 * @category input
 */
export const MAX_COMMENT_LENGTH = 2000

/**
 * A decision: `approve` (counts towards the quorum), `reject` and `request_changes` (each decides
 * the step at once), `delegate` (hands the approver's decision to the user `to`).
 *
 * @since 0.1.0
 * @category input
 */
export const Decision = Schema.Literals(["approve", "reject", "request_changes", "delegate"])

/**
 * A decision.
 *
 * @since 0.1.0
 * @category input
 */
export type Decision = typeof Decision.Type

const fields = {
  decision: Decision,
  comment: Schema.optionalKey(Schema.String.check(Schema.isMaxLength(MAX_COMMENT_LENGTH))),
  to: Schema.optionalKey(Identifier)
}

const known: ReadonlySet<string> = new Set(Object.keys(fields))

const onlyKnownKeys = Schema.makeFilter<{ readonly [key: string]: unknown }>((input) => {
  const unknown = Object.keys(input).filter((key) => !known.has(key))
  return unknown.length === 0
    ? true
    : unknown.map((key) => ({ path: [key], issue: "is not a field of an approval decision (decision, comment, to)" }))
})

/**
 * The input schema of the approval handler: an object with `decision`, optional `comment` and `to`
 * — any other key (`__proto__` included) is refused, not silently dropped. `to` is required for
 * (and only allowed with) `delegate`, which the handler's `checkInput` enforces together with the
 * comment rule of the step's config.
 *
 * @example
 * ```ts
 * import type { ApprovalInput } from "@workflow-manager/handler-approval"
 *
 * const input: ApprovalInput = { decision: "request_changes", comment: "the EAN list misses the Ghent site" }
 * ```
 *
 * @since 0.1.0
 * @category input
 */
export const ApprovalInput = Schema.Record(Schema.String, Schema.Unknown)
  .check(onlyKnownKeys)
  .pipe(Schema.decodeTo(Schema.Struct(fields)))

/**
 * An approval step's input.
 *
 * @since 0.1.0
 * @category input
 */
export type ApprovalInput = typeof ApprovalInput.Type

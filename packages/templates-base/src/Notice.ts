/**
 * An e-mail notice step (the `notification` handler): queued once per attempt, sent by a worker —
 * the welcome, confirmation, rejection and withdrawal notices of every pack.
 *
 * @since 0.1.0
 */
import { type JsonObject, type Step, TemplateInvalid } from "@workflow-manager/core"
import { guarded } from "./internal/guard.js"

/**
 * An e-mail notice: its step id and name, recipients (`{ role }`, `{ address }` — which may be a
 * `{{steps.…}}` template), subject and text templates, the notification key (default: the step id)
 * and what comes next (`"$end"` for a closing notice).
 *
 * @since 0.1.0
 * @category steps
 */
export interface Notice {
  readonly id: string
  readonly name: string
  readonly to: ReadonlyArray<JsonObject>
  readonly subject: string
  readonly text: string
  readonly key?: string
  readonly next?: string
}

const isString = (u: unknown): u is string => typeof u === "string"

/**
 * An e-mail notification step.
 *
 * @example
 * ```ts
 * import { emailNotice } from "@workflow-manager/templates-base"
 *
 * const refusal = emailNotice({
 *   id: "refusal-notice",
 *   name: "Refusal notice",
 *   to: [{ role: "market_ops" }, { address: "{{steps.contacts.data.contacts.0.email}}" }],
 *   subject: "Application {{instance.id}} refused",
 *   text: "The application was not accepted.",
 *   next: "$end"
 * })
 * ```
 *
 * @throws TemplateInvalid when a field is missing or of the wrong type (the notification handler
 * checks the rest when the template is validated)
 *
 * @since 0.1.0
 * @category steps
 */
export const emailNotice = (notice: Notice): Step => {
  return guarded("emailNotice", () => {
    const given = (typeof notice === "object" && notice !== null ? notice : {}) as Partial<Notice>
    const { id, name, to, subject, text, key, next } = given
    if (
      !isString(id) ||
      !isString(name) ||
      !Array.isArray(to) ||
      !isString(subject) ||
      !isString(text) ||
      (key !== undefined && !isString(key)) ||
      (next !== undefined && !isString(next))
    ) {
      throw new TemplateInvalid({
        templateId: "(notice)",
        issues: [{ path: "notice", message: "must be { id, name, to: [...], subject, text, key?, next? } (strings)" }]
      })
    }
    return {
      id,
      type: "notification",
      name,
      config: { channel: "email", key: key ?? id, to: [...to], subject, text },
      ...(next === undefined ? {} : { next })
    }
  })
}

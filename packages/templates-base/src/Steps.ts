/**
 * Step builders the base templates use and role packs reuse: an approval step with its routes (a
 * request for changes back to a step, a rejection to a notice) and a call to the operator's register.
 *
 * @since 0.1.0
 */
import type { Deadline, JsonObject, Step } from "@workflow-manager/core"
import { approvalRoutes } from "@workflow-manager/handler-approval"
import type { RegisterApi } from "./BaseConfig.js"

/**
 * An approval step (the `approval` handler): who decides (`roles`, optionally only `users`), how
 * many distinct approvers (`quorum`), four-eyes on, which steps' data it approves (default: every
 * other step holding data), where a request for changes and a rejection go, and what comes next.
 *
 * @example
 * ```ts
 * import { approvalStep } from "@workflow-manager/templates-base"
 *
 * const dsoApproval = approvalStep({
 *   id: "dso-approval",
 *   name: "DSO approval of the delivery points",
 *   roles: ["market_ops"],
 *   quorum: 1,
 *   changesRequested: "delivery-points",
 *   rejected: "rejection-notice"
 * })
 * ```
 *
 * @since 0.1.0
 * @category steps
 */
export const approvalStep = (options: {
  readonly id: string
  readonly name: string
  readonly roles: ReadonlyArray<string>
  readonly users?: ReadonlyArray<string>
  readonly quorum: number
  readonly approves?: ReadonlyArray<string>
  readonly changesRequested: string
  readonly rejected: string
  readonly next?: string
  readonly deadlines?: ReadonlyArray<Deadline>
}): Step => ({
  id: options.id,
  type: "approval",
  name: options.name,
  config: {
    approverRoles: [...options.roles],
    ...(options.users === undefined ? {} : { approvers: [...options.users] }),
    quorum: options.quorum,
    ...(options.approves === undefined ? {} : { approves: [...options.approves] }),
    fourEyes: true
  },
  routes: approvalRoutes({ changesRequested: options.changesRequested, rejected: options.rejected }),
  ...(options.next === undefined ? {} : { next: options.next }),
  compensation: { strategy: "handler" },
  ...(options.deadlines === undefined ? {} : { deadlines: options.deadlines })
})

/**
 * A POST to the operator's register (the `api-call` handler): `<register.url><path>` with `body`,
 * the secret as `Authorization` when configured, the response fields mapped into the step's data,
 * retried by the engine, and — with `undo` — a DELETE of `<register.url><undo>` on rollback.
 *
 * @example
 * ```ts
 * import { registerCall } from "@workflow-manager/templates-base"
 *
 * const entry = registerCall({
 *   id: "activation",
 *   name: "Entry in the register",
 *   register: { url: "https://register.tso.example/api" },
 *   path: "/registrations",
 *   body: { onboarding: "{{instance.id}}", company: "{{step.company}}" },
 *   response: { registrationId: "/id" }
 * })
 * ```
 *
 * @since 0.1.0
 * @category steps
 */
export const registerCall = (options: {
  readonly id: string
  readonly name: string
  readonly register: RegisterApi
  readonly path: string
  readonly body: JsonObject
  readonly response: Readonly<Record<string, string>>
  readonly undo?: string
}): Step => {
  const headers: { readonly headers?: JsonObject } =
    options.register.secret === undefined ? {} : { headers: { authorization: { secret: options.register.secret } } }
  return {
    id: options.id,
    type: "api-call",
    name: options.name,
    config: {
      method: "POST",
      url: `${options.register.url}${options.path}`,
      ...headers,
      body: options.body,
      response: { ...options.response },
      ...(options.undo === undefined
        ? {}
        : { compensate: { method: "DELETE", url: `${options.register.url}${options.undo}`, ...headers } })
    },
    retry: { maxAttempts: 5, initialDelayMs: 60_000 },
    ...(options.undo === undefined ? {} : { compensation: { strategy: "handler" } })
  }
}

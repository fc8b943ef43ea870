/**
 * The generic Portfolio Management template — the later life of a participant — as **one template
 * with routes**: a change request names the kind of change (add or remove points, change
 * designations, update contacts, renew the guarantee) and routes to the step that collects it;
 * every kind then goes through the operator's approval and is applied in the register. One
 * template keeps one history per change and one place for the approval rules; a role pack removes
 * the kinds it does not have (see `changeRoutes`).
 *
 * An instance links to the onboarding it follows through its metadata (`followsMetadata`).
 *
 * @since 0.1.0
 */
import { type JsonObject, type Route, type Step, type Template, TemplateInvalid } from "@workflow-manager/core"
import { approvalRoutes } from "@workflow-manager/handler-approval"
import { Schema } from "effect"
import { type BaseConfig, checkBaseConfig, RegisterApi } from "./BaseConfig.js"
import type { Extension } from "./extendTemplate.js"
import { baseContactServices, contactField, guaranteeFields, pointField } from "./Fields.js"
import { guarded } from "./internal/guard.js"
import { emailNotice } from "./Notice.js"
import { approvalStep, registerCall } from "./Steps.js"

/**
 * The id of the Portfolio Management template.
 *
 * @since 0.1.0
 * @category templates
 */
export const PORTFOLIO_MANAGEMENT = "portfolio-management"

/**
 * The ids of the Portfolio Management steps, for role packs' changes.
 *
 * @since 0.1.0
 * @category templates
 */
export const portfolioSteps = {
  request: "change-request",
  points: "points",
  designations: "designations",
  contacts: "contacts",
  guarantee: "guarantee",
  review: "change-review",
  apply: "apply",
  applyPoints: "apply-points",
  applyDesignations: "apply-designations",
  applyContacts: "apply-contacts",
  applyGuarantee: "apply-guarantee",
  confirmation: "confirmation",
  rejectionNotice: "rejection-notice"
} as const

const s = portfolioSteps

/**
 * The kinds of change of the base template and the step each routes to.
 *
 * @since 0.1.0
 * @category templates
 */
export const baseChanges: Readonly<Record<string, string>> = {
  "add-points": s.points,
  "remove-points": s.points,
  "change-designations": s.designations,
  "update-contacts": s.contacts,
  "renew-guarantee": s.guarantee
}

/**
 * The kinds of change of the base template and the register call that applies each (see
 * {@link changeCall} and {@link applyRoutes}).
 *
 * @since 0.1.0
 * @category templates
 */
export const baseApplies: Readonly<Record<string, string>> = {
  "add-points": s.applyPoints,
  "remove-points": s.applyPoints,
  "change-designations": s.applyDesignations,
  "update-contacts": s.applyContacts,
  "renew-guarantee": s.applyGuarantee
}

const invalid = (path: string, message: string) =>
  new TemplateInvalid({ templateId: PORTFOLIO_MANAGEMENT, issues: [{ path, message }] })

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const isRegister = (u: unknown): u is RegisterApi => {
  try {
    return Schema.is(RegisterApi)(u)
  } catch {
    return false
  }
}

/**
 * A register call that applies one kind of change: a POST to `<register.url>/changes` with the
 * change request and `data` — the `{{step.…}}` variables of the steps that collected this kind's
 * data, which ran whenever the approval routed here (see {@link applyRoutes}) — then the
 * confirmation notice. The register answers `{ id, status }`, kept as `changeId` and `status`.
 *
 * One call per kind, because the api-call handler refuses a variable of a step that did not run
 * (`{{step.designations}} is not set`), and because a step that ran in an earlier round (before a
 * request for changes switched the kind) must not be sent: each call reads only its kind's steps.
 *
 * @example
 * ```ts
 * import { changeCall } from "@workflow-manager/templates-base"
 *
 * const applyTopUp = changeCall(
 *   { url: "https://register.tso.example/api" },
 *   { id: "apply-top-up", name: "Apply the top-up", data: { topUp: "{{step.guarantee-top-up}}" } }
 * )
 * ```
 *
 * @throws TemplateInvalid when `register` is not a register API setting or `options` are malformed
 *
 * @since 0.1.0
 * @category steps
 */
export const changeCall = (
  register: RegisterApi,
  options: { readonly id: string; readonly name: string; readonly data: JsonObject }
): Step => {
  return guarded("changeCall", () => {
    if (!isRegister(register)) throw invalid("register", "is not a register API setting ({ url, secret? })")
    if (!isRecord(options) || typeof options.id !== "string" || typeof options.name !== "string") {
      throw invalid("options", "must be { id, name, data } with string id and name")
    }
    if (!isRecord(options.data) || Object.hasOwn(options.data, "__proto__")) {
      throw invalid(`${options.id}.data`, "must be a JSON object of body fields")
    }
    return {
      ...registerCall({
        id: options.id,
        name: options.name,
        register,
        path: "/changes",
        body: {
          change: "{{instance.id}}",
          tenant: "{{instance.tenantId}}",
          marketRole: "{{instance.marketRole}}",
          request: `{{step.${s.request}}}`,
          ...options.data
        },
        response: { changeId: "/id", status: "/status" }
      }),
      next: s.confirmation
    }
  })
}

/**
 * The routes of the operator's change review: an approved change goes to the register call of its
 * kind (`applies`: kind → call step id; kinds not listed go to the review's `next`, the base's
 * `apply`, which sends the change request alone), a request for changes back to the change
 * request, a rejection to the rejection notice. A role pack that adds, removes or re-routes kinds
 * patches the review's routes with this.
 *
 * @example
 * ```ts
 * import { applyRoutes, baseApplies } from "@workflow-manager/templates-base"
 *
 * const routes = applyRoutes({ ...baseApplies, "top-up-guarantee": "apply-top-up" })
 * ```
 *
 * @throws TemplateInvalid when `applies` is not a record of step ids
 *
 * @since 0.1.0
 * @category templates
 */
export const applyRoutes = (applies: Readonly<Record<string, string>>): ReadonlyArray<Route> => {
  return guarded("applyRoutes", () => {
    if (!isRecord(applies)) throw invalid("applies", "must be a record of kind of change → step id")
    const byStep = new Map<string, Array<string>>()
    for (const [change, to] of Object.entries(applies)) {
      if (typeof to !== "string") throw invalid(`applies.${change.slice(0, 100)}`, "must be a step id")
      byStep.set(to, [...(byStep.get(to) ?? []), change])
    }
    return [
      ...[...byStep].map(([to, changes]) => ({
        when: {
          all: [
            { op: "eq" as const, field: "outcome", value: "approved" },
            changes.length === 1
              ? { op: "eq" as const, step: s.request, field: "change", value: changes[0] as string }
              : { op: "in" as const, step: s.request, field: "change", value: changes }
          ]
        },
        to
      })),
      ...approvalRoutes({ changesRequested: s.request, rejected: s.rejectionNotice })
    ]
  })
}

/**
 * A register call of a role pack's portfolio: its step id and name, and the body fields it sends
 * beside the change request (see {@link changeCall}).
 *
 * @since 0.1.0
 * @category templates
 */
export interface ChangeCall {
  readonly id: string
  readonly name: string
  readonly data: JsonObject
}

const baseCalls: ReadonlyArray<string> = [s.applyPoints, s.applyDesignations, s.applyContacts, s.applyGuarantee]

/**
 * The extension changes that make the base portfolio's register calls follow a role pack's kinds
 * of change: `applies` maps each kind to the call that applies it; `calls` are the pack's own calls
 * (one with a base call's id replaces it, e.g. to send a step under another name). Base calls no
 * kind uses are removed (with the form steps a pack removes, their calls must go too), the pack's
 * calls go after `apply`, and the review routes each approved kind to its call (`applyRoutes`).
 * Kinds not in `applies` use `apply`, which sends the change request alone.
 *
 * @example
 * ```ts
 * import { applyCalls, portfolioSteps as s } from "@workflow-manager/templates-base"
 *
 * // a pack without designations or guarantee, with an installation change
 * const changes = applyCalls(
 *   { url: "https://register.tso.example/api" },
 *   {
 *     applies: { "update-contacts": s.applyContacts, "modify-installation": "apply-installation" },
 *     calls: [{ id: "apply-installation", name: "Apply the installation change", data: { installation: "{{step.installation}}" } }]
 *   }
 * )
 * ```
 *
 * @throws TemplateInvalid when `register`, `applies` or `calls` are malformed
 *
 * @since 0.1.0
 * @category templates
 */
export const applyCalls = (
  register: RegisterApi,
  options: { readonly applies: Readonly<Record<string, string>>; readonly calls?: ReadonlyArray<ChangeCall> }
): Extension["changes"] => {
  return guarded("applyCalls", () => {
    if (!isRecord(options)) throw invalid("options", "must be { applies, calls? }")
    const calls = options.calls ?? []
    if (!Array.isArray(calls) || calls.length > 100) throw invalid("calls", "must be a list of at most 100 calls")
    const routes = applyRoutes(options.applies)
    const built = calls.map((call: ChangeCall) => changeCall(register, call))
    const used = new Set(Object.values(options.applies))
    const own = new Set(built.map((step) => step.id))
    return [
      ...baseCalls.filter((id) => !used.has(id) && !own.has(id)).map((stepId) => ({ op: "remove" as const, stepId })),
      ...built
        .filter((step) => baseCalls.includes(step.id))
        .map((step) => ({ op: "replace" as const, stepId: step.id, step })),
      ...(built.some((step) => !baseCalls.includes(step.id))
        ? [{ op: "insertAfter" as const, after: s.apply, steps: built.filter((step) => !baseCalls.includes(step.id)) }]
        : []),
      { op: "patch" as const, stepId: s.review, routes }
    ]
  })
}

/**
 * The routes of the change request: one per kind of change, to the step that collects it.
 *
 * @example
 * ```ts
 * import { changeRoutes } from "@workflow-manager/templates-base"
 *
 * const routes = changeRoutes({ "add-points": "points", "update-contacts": "contacts" })
 * ```
 *
 * @since 0.1.0
 * @category templates
 */
export const changeRoutes = (changes: Readonly<Record<string, string>>): ReadonlyArray<Route> =>
  Object.entries(changes).map(([change, to]) => ({ when: { op: "eq", field: "change", value: change }, to }))

/**
 * The Portfolio Management template for a configuration. The guarantee step's deadlines count
 * from the expiry date the change request gives (`guaranteeExpiresOn`): a notice when the renewal
 * is not proven `guaranteeRenewalLead` before it, another at expiry.
 *
 * @example
 * ```ts
 * import { BaseConfig, portfolioManagement } from "@workflow-manager/templates-base"
 * import { Schema } from "effect"
 *
 * const config = Schema.decodeUnknownSync(BaseConfig)({ register: { url: "https://register.tso.example/api" } })
 * const template = portfolioManagement(config)
 * ```
 *
 * @throws TemplateInvalid when `config` is not a base configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const portfolioManagement = (given: BaseConfig): Template => {
  const config = checkBaseConfig(given)
  return {
    schemaVersion: 1,
    id: PORTFOLIO_MANAGEMENT,
    version: 1,
    name: "Portfolio management",
    description:
      "A change to an active participant's portfolio: points, designations, contacts or guarantee, " +
      "approved by the operator and applied in its register.",
    steps: [
      {
        id: s.request,
        type: "form",
        name: "Change request",
        config: {
          title: "Change request",
          fields: {
            change: { type: "enum", label: "Change", values: Object.keys(baseChanges), required: true },
            effectiveFrom: { type: "date", label: "Effective from", required: true },
            guaranteeExpiresOn: {
              type: "date",
              label: "Expiry of the guarantee to renew",
              help: "for a guarantee renewal: its deadlines count from this date"
            },
            reason: { type: "string", label: "Reason", max: 2000 }
          }
        },
        routes: changeRoutes(baseChanges)
      },
      {
        id: s.points,
        type: "form",
        name: "Add or remove points",
        config: {
          title: "Points",
          fields: { points: { type: "array", label: "Points", required: true, min: 1, max: 500, item: pointField } }
        },
        next: s.review
      },
      {
        id: s.designations,
        type: "form",
        name: "Change designations",
        config: {
          title: "Designations per access point",
          fields: {
            designations: {
              type: "array",
              label: "Designations",
              required: true,
              min: 1,
              max: 500,
              item: {
                type: "object",
                fields: {
                  ean: { type: "string", label: "Access point EAN-GSRN", required: true, validator: "ean-gsrn:BE" },
                  brpEic: { type: "string", label: "BRP (EIC)", validator: "eic:X" },
                  supplierEic: { type: "string", label: "Supplier (EIC)", validator: "eic:X" },
                  firstMonth: { type: "date", label: "First month", required: true },
                  lastMonth: { type: "date", label: "Last month" }
                }
              }
            }
          }
        },
        next: s.review
      },
      {
        id: s.contacts,
        type: "form",
        name: "Update contacts",
        config: {
          title: "Contacts",
          fields: {
            contacts: {
              type: "array",
              label: "Contacts",
              required: true,
              min: 1,
              max: config.maxContacts,
              item: contactField(baseContactServices, config.languages)
            }
          }
        },
        next: s.review
      },
      {
        id: s.guarantee,
        type: "form",
        name: "Renew the guarantee",
        config: { title: "Renewed financial guarantee", fields: guaranteeFields },
        deadlines: [
          {
            id: "renewal-due",
            from: { step: s.request, path: "guaranteeExpiresOn" },
            offset: `-${config.guaranteeRenewalLead}`,
            escalation: {
              kind: "notify",
              topic: "guarantee-renewal-due",
              payload: { lead: config.guaranteeRenewalLead }
            }
          },
          {
            id: "guarantee-expired",
            from: { step: s.request, path: "guaranteeExpiresOn" },
            offset: "P0D",
            escalation: { kind: "notify", topic: "guarantee-expired" }
          }
        ],
        next: s.review
      },
      {
        ...approvalStep({
          id: s.review,
          name: "Operator approval",
          roles: config.operatorRoles,
          quorum: config.changeQuorum,
          changesRequested: s.request,
          rejected: s.rejectionNotice,
          next: s.apply
        }),
        routes: applyRoutes(baseApplies)
      },
      changeCall(config.register, { id: s.apply, name: "Apply in the register", data: {} }),
      changeCall(config.register, {
        id: s.applyPoints,
        name: "Apply the points in the register",
        data: { points: `{{step.${s.points}}}` }
      }),
      changeCall(config.register, {
        id: s.applyDesignations,
        name: "Apply the designations in the register",
        data: { designations: `{{step.${s.designations}}}` }
      }),
      changeCall(config.register, {
        id: s.applyContacts,
        name: "Apply the contacts in the register",
        data: { contacts: `{{step.${s.contacts}}}` }
      }),
      changeCall(config.register, {
        id: s.applyGuarantee,
        name: "Apply the renewed guarantee in the register",
        data: { guarantee: `{{step.${s.guarantee}}}` }
      }),
      emailNotice({
        id: s.confirmation,
        name: "Confirmation",
        to: config.operatorRoles.map((role) => ({ role })),
        subject: "Portfolio change {{steps.change-request.data.change}} applied ({{instance.marketRole}})",
        // one of several register calls applied it: the notice reads only the change request
        text:
          "Change {{instance.id}} ({{steps.change-request.data.change}}, effective " +
          "{{steps.change-request.data.effectiveFrom}}) is applied in the register.",
        next: "$end"
      }),
      emailNotice({
        id: s.rejectionNotice,
        name: "Rejection notice",
        to: config.operatorRoles.map((role) => ({ role })),
        subject: "Portfolio change {{instance.id}} rejected",
        text: "The change {{steps.change-request.data.change}} was not accepted.",
        next: "$end"
      })
    ]
  }
}

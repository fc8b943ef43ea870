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
import type { Route, Template } from "@workflow-manager/core"
import { type BaseConfig, checkBaseConfig } from "./BaseConfig.js"
import { baseContactServices, contactField, guaranteeFields, pointField } from "./Fields.js"
import { emailNotice } from "./internal/notice.js"
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
      approvalStep({
        id: s.review,
        name: "Operator approval",
        roles: config.operatorRoles,
        quorum: config.changeQuorum,
        changesRequested: s.request,
        rejected: s.rejectionNotice,
        next: s.apply
      }),
      registerCall({
        id: s.apply,
        name: "Apply in the register",
        register: config.register,
        path: "/changes",
        body: {
          change: "{{instance.id}}",
          tenant: "{{instance.tenantId}}",
          marketRole: "{{instance.marketRole}}",
          request: "{{step.change-request}}"
        },
        response: { changeId: "/id", status: "/status" }
      }),
      emailNotice({
        id: s.confirmation,
        name: "Confirmation",
        to: config.operatorRoles.map((role) => ({ role })),
        subject: "Portfolio change {{steps.change-request.data.change}} applied ({{instance.marketRole}})",
        text:
          "Change {{instance.id}} ({{steps.change-request.data.change}}, effective " +
          "{{steps.change-request.data.effectiveFrom}}) is applied: {{steps.apply.data.changeId}}.",
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

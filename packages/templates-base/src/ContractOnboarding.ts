/**
 * The generic Contract Onboarding template: company identification → contacts → role-specific
 * data → financial security → technical / IT prerequisites → contract signature → a notification
 * to the operator → the operator's approval (a quorum of distinct approvers, four-eyes) →
 * activation (the entry in the operator's register, an API call undone by a rollback) → a welcome
 * notification. A rejection routes to a notice to the applicant; a request for changes back to the
 * company identification. Role packs extend it through `extendTemplate`.
 *
 * @since 0.1.0
 */
import type { Template } from "@workflow-manager/core"
import { type BaseConfig, checkBaseConfig } from "./BaseConfig.js"
import { baseContactServices, companyFields, contactField, guaranteeFields } from "./Fields.js"
import { emailNotice } from "./Notice.js"
import { approvalStep, registerCall } from "./Steps.js"

/**
 * The id of the Contract Onboarding template.
 *
 * @since 0.1.0
 * @category templates
 */
export const CONTRACT_ONBOARDING = "contract-onboarding"

/**
 * The ids of the Contract Onboarding steps, for role packs' changes.
 *
 * @since 0.1.0
 * @category templates
 */
export const onboardingSteps = {
  company: "company",
  contacts: "contacts",
  roleData: "role-data",
  financialSecurity: "financial-security",
  technical: "technical",
  contract: "contract",
  applicationReceived: "application-received",
  review: "review",
  activation: "activation",
  welcome: "welcome",
  rejectionNotice: "rejection-notice"
} as const

const s = onboardingSteps

/** The applicant's first contact, who receives the notices. */
const applicant = "{{steps.contacts.data.contacts.0.email}}"

/**
 * The Contract Onboarding template for a configuration.
 *
 * @example
 * ```ts
 * import { contractOnboarding, BaseConfig } from "@workflow-manager/templates-base"
 * import { Schema } from "effect"
 *
 * const config = Schema.decodeUnknownSync(BaseConfig)({ register: { url: "https://register.tso.example/api" } })
 * const template = contractOnboarding(config) // steps: company, contacts, role-data, ...
 * ```
 *
 * @throws TemplateInvalid when `config` is not a base configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const contractOnboarding = (given: BaseConfig): Template => {
  const config = checkBaseConfig(given)
  return {
    schemaVersion: 1,
    id: CONTRACT_ONBOARDING,
    version: 1,
    name: "Contract onboarding",
    description:
      "A market participant's contract onboarding at the operator: identification, contacts, role data, " +
      "financial security, IT prerequisites, contract signature, the operator's approval and activation.",
    steps: [
      {
        id: s.company,
        type: "form",
        name: "Company identification",
        config: { title: "Company identification", fields: companyFields }
      },
      {
        id: s.contacts,
        type: "form",
        name: "Contacts",
        config: {
          title: "Contacts per service",
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
        }
      },
      {
        id: s.roleData,
        type: "form",
        name: "Role-specific data",
        description: "What the market role needs (access points, delivery points, units, ...): role packs add it.",
        config: {
          title: "Role-specific data",
          fields: {
            requestedStart: { type: "date", label: "Requested start date", required: true },
            remarks: { type: "string", label: "Remarks", max: 2000 }
          }
        }
      },
      {
        id: s.financialSecurity,
        type: "form",
        name: "Financial security",
        config: { title: "Financial security", fields: guaranteeFields }
      },
      {
        id: s.technical,
        type: "form",
        name: "Technical / IT prerequisites",
        config: {
          title: "Technical and IT prerequisites",
          fields: {
            itContact: {
              type: "string",
              label: "IT contact e-mail",
              required: true,
              max: 254,
              pattern: "^[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}$",
              patternMessage: "is not an e-mail address"
            },
            certificateThumbprint: {
              type: "string",
              label: "B2B certificate SHA-256 thumbprint",
              pattern: "^[0-9A-F]{64}$",
              patternMessage: "is not a SHA-256 thumbprint (64 hexadecimal capitals)"
            },
            testsPassed: { type: "boolean", label: "Connectivity tests passed", required: true }
          }
        }
      },
      {
        id: s.contract,
        type: "form",
        name: "Contract signature",
        config: {
          title: "Contract signature",
          fields: {
            contractReference: { type: "string", label: "Contract reference", required: true, min: 1, max: 100 },
            signatory: { type: "string", label: "Signatory (name)", required: true, min: 2, max: 200 },
            signatoryFunction: { type: "string", label: "Signatory's function", required: true, min: 2, max: 100 },
            signedOn: { type: "date", label: "Signed on", required: true },
            terms: {
              type: "enum",
              label: "The general terms and conditions",
              values: ["accepted"],
              required: true
            }
          }
        }
      },
      emailNotice({
        id: s.applicationReceived,
        name: "Notify the operator",
        to: config.operatorRoles.map((role) => ({ role })),
        subject: "Application to review: {{steps.company.data.legalName}} ({{instance.marketRole}})",
        text:
          "{{steps.company.data.legalName}} ({{steps.company.data.vat}}) completed its {{instance.marketRole}} " +
          "application {{instance.id}}; it awaits your approval."
      }),
      approvalStep({
        id: s.review,
        name: "Operator approval",
        roles: config.operatorRoles,
        quorum: config.approvalQuorum,
        changesRequested: s.company,
        rejected: s.rejectionNotice,
        next: s.activation
      }),
      registerCall({
        id: s.activation,
        name: "Activation (register entry)",
        register: config.register,
        path: "/registrations",
        body: {
          onboarding: "{{instance.id}}",
          tenant: "{{instance.tenantId}}",
          marketRole: "{{instance.marketRole}}",
          company: "{{step.company}}",
          roleData: "{{step.role-data}}"
        },
        response: { registrationId: "/id", status: "/status" },
        undo: "/registrations/{{output.registrationId}}"
      }),
      emailNotice({
        id: s.welcome,
        name: "Welcome notice",
        to: [{ address: applicant }],
        subject: "Your {{instance.marketRole}} contract is active",
        text:
          "{{steps.company.data.legalName}} is registered as {{instance.marketRole}} " +
          "(registration {{steps.activation.data.registrationId}}).",
        next: "$end"
      }),
      emailNotice({
        id: s.rejectionNotice,
        name: "Rejection notice",
        to: [{ address: applicant }],
        subject: "Your {{instance.marketRole}} application {{instance.id}} was not accepted",
        text: "The operator did not accept the application of {{steps.company.data.legalName}}.",
        next: "$end"
      })
    ]
  }
}

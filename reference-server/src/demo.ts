/**
 * The demo data's definitions: Belgian market participants with valid identifiers (enterprise/VAT
 * number mod 97, EIC check character, EAN-GSRN mod 10 — see docs/reference-server.md), one user per
 * role, the demo password, and a small onboarding template built from the handler plugins
 * (company → portfolio → approval → contract) that the end-to-end tests drive as well.
 *
 * @since 0.1.0
 */
import type { Template } from "@workflow-manager/core"
import { approvalRoutes } from "@workflow-manager/handler-approval"

/**
 * The password of every demo account (printed at start; never use the demo data in production).
 *
 * @since 0.1.0
 * @category demo
 */
export const DEMO_PASSWORD = "demo-password-2026"

/**
 * A demo participant.
 *
 * @since 0.1.0
 * @category demo
 */
export interface DemoParticipant {
  readonly key: string
  readonly companyName: string
  readonly vatNumber: string
  readonly eic: string
  readonly marketRoles: ReadonlyArray<string>
}

/**
 * The demo participants (fictitious companies; the identifiers pass their checks).
 *
 * @since 0.1.0
 * @category demo
 */
export const DEMO_PARTICIPANTS: ReadonlyArray<DemoParticipant> = [
  {
    key: "engie",
    companyName: "Electrabel Demo NV",
    vatNumber: "BE0403170701",
    eic: "22XENGIE-BE----P",
    marketRoles: ["BRP", "ACH"]
  },
  {
    key: "luminus",
    companyName: "Luminus Demo NV",
    vatNumber: "BE0471811661",
    eic: "22XLUMINUS-----I",
    marketRoles: ["BRP", "BSP"]
  },
  {
    key: "coopwind",
    companyName: "Coöperatieve Wind Demo CV",
    vatNumber: "BE0476388378",
    eic: "22XCOOPWIND----7",
    marketRoles: ["BSP"]
  }
]

/**
 * A demo account: `tenant` is a participant's key, or `operator`.
 *
 * @since 0.1.0
 * @category demo
 */
export interface DemoUser {
  readonly email: string
  readonly role: string
  readonly tenant: string
  readonly displayName: string
}

/**
 * One user per role (the operator's and the first participant's), and a second participant's
 * admin and user, so that isolation can be tried by hand.
 *
 * @since 0.1.0
 * @category demo
 */
export const DEMO_USERS: ReadonlyArray<DemoUser> = [
  { email: "ops@elia.example", role: "market_ops", tenant: "operator", displayName: "Marie Peeters (market ops)" },
  { email: "admin@electrabel.example", role: "tenant_admin", tenant: "engie", displayName: "Jan Janssens" },
  { email: "user@electrabel.example", role: "tenant_user", tenant: "engie", displayName: "Sofie Maes" },
  { email: "approver@electrabel.example", role: "approver", tenant: "engie", displayName: "Luc Claes" },
  { email: "admin@luminus.example", role: "tenant_admin", tenant: "luminus", displayName: "Lotte Wouters" },
  { email: "user@luminus.example", role: "tenant_user", tenant: "luminus", displayName: "Pieter Dubois" }
]

/**
 * The id of the demo onboarding template.
 *
 * @since 0.1.0
 * @category demo
 */
export const DEMO_TEMPLATE_ID = "demo-onboarding"

/**
 * A small onboarding template over the four-step shape of the seed's sequence 1: company info,
 * portfolio, an approval by the participant's approver or the operator, the contract.
 *
 * @since 0.1.0
 * @category demo
 */
export const demoTemplate: Template = {
  schemaVersion: 1,
  id: DEMO_TEMPLATE_ID,
  version: 1,
  name: "Demo contract onboarding",
  description: "Company info, portfolio, approval, contract — the shape of the seed's sequence 1",
  marketRole: "BRP",
  steps: [
    {
      id: "company-info",
      type: "form",
      name: "Company information",
      config: {
        fields: {
          companyName: { type: "string", label: "Legal name", required: true, min: 2, max: 200 },
          vatNumber: { type: "string", label: "Enterprise / VAT number", required: true, validator: "be-vat" },
          eic: { type: "string", label: "EIC party code", required: true, validator: "eic:X" }
        }
      }
    },
    {
      id: "portfolio",
      type: "form",
      name: "Portfolio",
      config: {
        fields: {
          accessPoints: {
            type: "array",
            label: "Access points (EAN-GSRN)",
            min: 1,
            max: 50,
            item: { type: "string", validator: "ean-gsrn:BE" }
          }
        }
      }
    },
    {
      id: "approval",
      type: "approval",
      name: "Approval",
      config: { approverRoles: ["approver", "market_ops"], approves: ["company-info", "portfolio"] },
      routes: approvalRoutes({ changesRequested: "company-info", rejected: "$end" }),
      next: "contract"
    },
    {
      id: "contract",
      type: "form",
      name: "Contract",
      config: {
        fields: {
          contractReference: { type: "string", label: "Contract reference", required: true, min: 1, max: 100 },
          signatory: { type: "string", label: "Signatory", required: true, min: 2, max: 200 }
        }
      }
    }
  ]
}

/**
 * Valid inputs of the demo template's form steps for a participant.
 *
 * @since 0.1.0
 * @category demo
 */
export const demoInputs = (participant: Pick<DemoParticipant, "companyName" | "vatNumber" | "eic">) => ({
  "company-info": { companyName: participant.companyName, vatNumber: participant.vatNumber, eic: participant.eic },
  portfolio: { accessPoints: ["541448965001060702", "541449500000012346"] },
  approval: { decision: "approve", comment: "documents checked" },
  contract: { contractReference: "BRP-2026-001", signatory: "Jan Janssens" }
})

/**
 * The id of the demo welcome template.
 *
 * @since 0.1.0
 * @category demo
 */
export const DEMO_WELCOME_ID = "demo-welcome"

/**
 * A participant's contact, then two notices the worker sends by itself — an e-mail to the contact
 * and to `market_ops`, and an event to the `crm-events` webhook endpoint — then a follow-up. The
 * demo data leaves one at its notices: on a first start the worker sends them (to the log, unless
 * SMTP and the endpoint are configured), so the demo shows notifications happen.
 *
 * @since 0.1.0
 * @category demo
 */
export const demoWelcomeTemplate: Template = {
  schemaVersion: 1,
  id: DEMO_WELCOME_ID,
  version: 1,
  name: "Demo welcome notices",
  description: "A contact address, then a welcome e-mail and a CRM event sent by the worker, then a follow-up",
  marketRole: "BRP",
  steps: [
    {
      id: "contact",
      type: "form",
      name: "Contact",
      config: {
        fields: {
          name: { type: "string", label: "Contact name", required: true, min: 2, max: 200 },
          email: {
            type: "string",
            label: "Contact e-mail",
            required: true,
            max: 254,
            pattern: "^[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}$",
            patternMessage: "is not an e-mail address"
          }
        }
      }
    },
    {
      id: "welcome",
      type: "notification",
      name: "Welcome e-mail",
      config: {
        channel: "email",
        key: "welcome",
        to: [{ address: "{{steps.contact.data.email}}" }, { role: "market_ops" }],
        subject: "Welcome, {{steps.contact.data.name}}",
        text: "Your onboarding {{instance.id}} has started; the operator's market operations team is in copy."
      }
    },
    {
      id: "crm-event",
      type: "notification",
      name: "CRM event",
      config: {
        channel: "webhook",
        key: "crm-event",
        endpoint: "crm-events",
        body: { event: "participant-welcomed", instance: "{{instance.id}}", tenant: "{{instance.tenantId}}" }
      }
    },
    {
      id: "follow-up",
      type: "form",
      name: "Follow-up",
      config: { fields: { notes: { type: "string", label: "Notes", max: 2000 } } }
    }
  ]
}

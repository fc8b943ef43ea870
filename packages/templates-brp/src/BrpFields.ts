/**
 * The BRP's own form fields: contact services, the (at most 5) nomination recipients, the proof
 * of solvency, the nomination channel, and the guarantee's accepted ratings.
 *
 * @since 0.1.0
 */
import type { JsonObject } from "@workflow-manager/core"
import { emailField } from "@workflow-manager/templates-base"

/**
 * The services a BRP's contact can be for.
 *
 * @since 0.1.0
 * @category fields
 */
export const brpContactServices: ReadonlyArray<string> = [
  "management",
  "contract",
  "invoicing",
  "nominations",
  "settlement",
  "operations",
  "technical"
]

/**
 * The up to 5 services (desks) that receive the nomination e-mails.
 *
 * @since 0.1.0
 * @category fields
 */
export const nominationRecipientsField: JsonObject = {
  type: "array",
  label: "Services receiving nomination e-mails",
  required: true,
  min: 1,
  max: 5,
  item: {
    type: "object",
    fields: {
      service: { type: "string", label: "Service / desk", required: true, min: 1, max: 100 },
      email: emailField("E-mail", true)
    }
  }
}

/**
 * The proof of solvency the solvency check decides on.
 *
 * @since 0.1.0
 * @category fields
 */
export const solvencyProofField: JsonObject = {
  type: "object",
  label: "Proof of solvency",
  required: true,
  fields: {
    kind: {
      type: "enum",
      label: "Kind",
      values: ["annual-accounts", "bank-statement", "parent-company-guarantee", "credit-rating"],
      required: true
    },
    documentRef: { type: "string", label: "Document reference", required: true, min: 1, max: 200 },
    issuedOn: { type: "date", label: "Issued on", required: true }
  }
}

/**
 * How the BRP sends its nominations: XML over the certificate-secured B2B interface, or the web
 * interface.
 *
 * @since 0.1.0
 * @category fields
 */
export const nominationChannelField: JsonObject = {
  type: "enum",
  label: "Nomination channel",
  values: ["b2b-xml", "web"],
  required: true
}

/**
 * The guarantee's `issuerRating` restricted to `ratings` (a `configure` patch).
 *
 * @since 0.1.0
 * @category fields
 */
export const ratedIssuer = (ratings: ReadonlyArray<string>): JsonObject => ({
  fields: {
    issuer: { required: true },
    issuerRating: {
      type: "enum",
      label: "Issuing bank's long-term rating (at least BBB / Baa2)",
      values: [...ratings],
      required: true,
      max: null
    }
  }
})

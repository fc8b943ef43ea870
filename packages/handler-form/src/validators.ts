/**
 * `@workflow-manager/handler-form/validators` — the identifier checks alone, as plain functions
 * with no dependency at all, for a browser to show the same messages as the server.
 *
 * @packageDocumentation
 */
export {
  checkBelgianEnterpriseNumber,
  formatBelgianEnterpriseNumber,
  formatBelgianVat
} from "./BelgianEnterpriseNumber.js"
export { checkEanGsrn } from "./EanGsrn.js"
export { checkEic, type EicType, eicTypes } from "./Eic.js"
export { checkIban, formatIban } from "./Iban.js"

/**
 * Named validators: what a field's `validator: "<name>"` runs after the built-in checks. A validator
 * says which field types it applies to, returns a message for a wrong value, and may give the
 * canonical form the step records (`BE 0476.388.378` → `BE0476388378`). The defaults are the
 * energy-market identifiers; `makeFormHandler({ validators })` adds or replaces some.
 *
 * @since 0.1.0
 */
import type { Json } from "@workflow-manager/core"
import {
  checkBelgianEnterpriseNumber,
  formatBelgianEnterpriseNumber,
  formatBelgianVat
} from "./BelgianEnterpriseNumber.js"
import { checkEanGsrn } from "./EanGsrn.js"
import { checkEic, type EicType, eicTypes } from "./Eic.js"
import type { FieldType } from "./FormConfig.js"
import { checkIban, formatIban } from "./Iban.js"

/**
 * A named validator.
 *
 * @since 0.1.0
 * @category validators
 */
export interface FormValidator {
  /** What it accepts, for documentation and UIs. */
  readonly description: string
  /** The field types it may be put on (a template putting it elsewhere is `TemplateInvalid`). */
  readonly types: ReadonlyArray<FieldType>
  /** `undefined` when the value is right, otherwise a message (`"fails its check digits"`). */
  readonly check: (value: Json) => string | undefined
  /** The canonical form of a right value (default: the value as given). */
  readonly normalise?: (value: Json) => Json
}

/**
 * A validator of `string` fields from plain functions on strings.
 *
 * @example
 * ```ts
 * import { makeFormHandler, stringValidator } from "@workflow-manager/handler-form"
 *
 * const postcode = stringValidator(
 *   "a Belgian postcode (4 digits, 1000-9992)",
 *   (value) => (/^[1-9]\d{3}$/.test(value) ? undefined : "is not a Belgian postcode")
 * )
 * const handler = makeFormHandler({ validators: { "be-postcode": postcode } })
 * ```
 *
 * @since 0.1.0
 * @category validators
 */
export const stringValidator = (
  description: string,
  check: (value: string) => string | undefined,
  normalise?: (value: string) => string | undefined
): FormValidator => ({
  description,
  types: ["string"],
  check: (value) => (typeof value === "string" ? check(value) : "must be a string"),
  ...(normalise === undefined
    ? {}
    : { normalise: (value: Json) => (typeof value === "string" ? (normalise(value) ?? value) : value) })
})

const eicValidator = (type?: EicType): FormValidator =>
  stringValidator(type === undefined ? "an ENTSO-E EIC of any type" : `an ENTSO-E EIC of type ${type}`, (value) =>
    checkEic(value, type)
  )

/**
 * The energy-market validators:
 *
 * | name | accepts | records |
 * | --- | --- | --- |
 * | `be-vat` | a Belgian enterprise/VAT number: optional `BE`, 10 digits (first 0 or 1), mod 97; spaces and dots allowed | `BE0476388378` |
 * | `be-enterprise` | the same | `0476.388.378` |
 * | `eic` | an EIC of any type (X, Y, Z, W, T, V, A), with its check character | as given |
 * | `eic:X` … `eic:A` | an EIC of that type | as given |
 * | `ean-gsrn` | an EAN-GSRN-18 (GS1 mod 10) | as given |
 * | `ean-gsrn:BE` | the same, starting with 5414 | as given |
 * | `iban` | an IBAN of a registry country, its length, mod 97 (and the national check for BE); spaces allowed | without spaces |
 * | `iban:BE` | the same, Belgian only | without spaces |
 *
 * @since 0.1.0
 * @category validators
 */
export const defaultValidators: Readonly<Record<string, FormValidator>> = {
  "be-vat": stringValidator(
    "a Belgian enterprise or VAT number, recorded as BE + 10 digits",
    checkBelgianEnterpriseNumber,
    formatBelgianVat
  ),
  "be-enterprise": stringValidator(
    "a Belgian enterprise or VAT number, recorded as 0123.456.789",
    checkBelgianEnterpriseNumber,
    formatBelgianEnterpriseNumber
  ),
  eic: eicValidator(),
  ...Object.fromEntries(eicTypes.map((type) => [`eic:${type}`, eicValidator(type)])),
  "ean-gsrn": stringValidator("an EAN-GSRN-18 (GS1 mod 10)", (value) => checkEanGsrn(value)),
  "ean-gsrn:BE": stringValidator("a Belgian EAN-GSRN-18 (5414…, GS1 mod 10)", (value) => checkEanGsrn(value, "5414")),
  iban: stringValidator("an IBAN (ISO 13616), recorded without spaces", (value) => checkIban(value), formatIban),
  "iban:BE": stringValidator(
    "a Belgian IBAN (ISO 13616 and the national check), recorded without spaces",
    (value) => checkIban(value, "BE"),
    formatIban
  )
}

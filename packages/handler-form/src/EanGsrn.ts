/**
 * The EAN-GSRN-18 of an access or metering point: 18 digits, the last a GS1 mod 10 check digit
 * (weights 3, 1, 3, ... from the rightmost of the 17 data digits). Belgian points start with
 * `5414`. A pure function with no imports, so a browser shows the same messages as the server.
 *
 * @since 0.1.0
 */

/**
 * Checks an EAN-GSRN-18, optionally requiring a prefix (`"5414"` for Belgian points): `undefined`
 * when valid, otherwise a message.
 *
 * @example
 * ```ts
 * import { checkEanGsrn } from "@workflow-manager/handler-form"
 *
 * checkEanGsrn("541448965001060702") // undefined
 * checkEanGsrn("541448965001060702", "5415") // "does not start with 5415"
 * ```
 *
 * @since 0.1.0
 * @category validators
 */
export const checkEanGsrn = (code: string, prefix?: string): string | undefined => {
  if (typeof code !== "string") return "must be a string"
  if (!/^\d{18}$/.test(code)) return "is not an EAN-GSRN (18 digits, e.g. 541448965001060702)"
  if (prefix !== undefined && (typeof prefix !== "string" || !code.startsWith(prefix)))
    return `does not start with ${String(prefix).slice(0, 18)}`
  let sum = 0
  for (let i = 16; i >= 0; i--) sum += Number(code[i]) * ((16 - i) % 2 === 0 ? 3 : 1)
  return Number(code[17]) === (10 - (sum % 10)) % 10 ? undefined : "fails its GS1 check digit: a typo?"
}

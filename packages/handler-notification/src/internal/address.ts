/**
 * E-mail addresses and header text, checked strictly: a plain `local@domain` address (dot-atom local
 * part of at most 64 characters, a domain of letters, digits and hyphens with at least one dot, 254
 * characters in all) — no display names, quoted local parts, IP literals, commas, angle brackets,
 * spaces or line breaks; and header text without CR, LF or other control characters, so nothing a
 * template or a step's data holds can add a header or a recipient.
 */

const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
const ADDRESS = new RegExp(`^(${ATOM}(?:\\.${ATOM})*)@(${LABEL}(?:\\.${LABEL})+)$`, "u")

/** The longest address accepted. */
export const MAX_ADDRESS_LENGTH = 254

/** Why an address is refused, or undefined when it is a plain `local@domain` address. */
export const addressProblem = (address: unknown): string | undefined => {
  if (typeof address !== "string") return "an e-mail address must be a string"
  if (/[\r\n]/u.test(address)) return "an e-mail address may not contain CR or LF"
  if (address.length > MAX_ADDRESS_LENGTH) return `an e-mail address has at most ${MAX_ADDRESS_LENGTH} characters`
  const match = ADDRESS.exec(address)
  if (match === null) return `"${address}" is not a plain e-mail address (local@domain)`
  if ((match[1] as string).length > 64) return "the local part of an e-mail address has at most 64 characters"
  return undefined
}

// C0 controls except TAB, and DEL: CR and LF end a header; the others have no place in one
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused
const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F]/u

/** Why a header value (a subject) is refused, or undefined. */
export const headerProblem = (text: string): string | undefined =>
  /[\r\n]/u.test(text)
    ? "may not contain CR or LF (header injection)"
    : CONTROL.test(text)
      ? "may not contain control characters"
      : undefined

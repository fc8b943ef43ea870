/**
 * The `Message-ID` of a notification, derived from its outbox message id so that a receiver sees
 * the same id on every redelivery and can drop the copies: every character outside
 * `[A-Za-z0-9_-]` is written `=XX` (its UTF-8 bytes in hex), which keeps the id readable
 * (`wf-1=3Anotify=3A3=3A1=3Anotification`) and valid as an RFC 5322 dot-atom; an id longer than 200
 * characters once encoded becomes `sha256-<hex of the id>`.
 */
import { createHash } from "node:crypto"

const SAFE = /^[A-Za-z0-9_-]$/u

/** The local part derived from an outbox message id. */
export const messageIdLocalPart = (id: string): string => {
  let out = ""
  for (const char of id) {
    if (SAFE.test(char)) out += char
    else for (const byte of Buffer.from(char, "utf8")) out += `=${byte.toString(16).toUpperCase().padStart(2, "0")}`
    if (out.length > 200) return `sha256-${createHash("sha256").update(id, "utf8").digest("hex")}`
  }
  return out
}

/** `<local@domain>`. */
export const messageIdOf = (id: string, domain: string): string => `<${messageIdLocalPart(id)}@${domain}>`

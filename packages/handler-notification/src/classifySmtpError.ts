/**
 * The one place where nodemailer's failures become a {@link NotificationError}.
 *
 * Checked in this order:
 *
 * | nodemailer error | reason |
 * | --- | --- |
 * | `EAUTH`, `ENOAUTH`: refused or missing credentials, whatever the reply code | `Misconfigured` |
 * | an SMTP reply `4xx` (`responseCode` 400–499: greylisting, mailbox busy, 451 local error) | `Unavailable` |
 * | an SMTP reply `5xx` (`responseCode` 500–599: no such user, message refused) | `Rejected` |
 * | `ECONFIG`, `EREQUIRETLS`, `ETLS`, `EOAUTH2` | `Misconfigured` |
 * | `ETIMEDOUT`, `EABORT` (the send was interrupted at its time bound) | `Timeout` |
 * | `EENVELOPE` without a reply code (an address nodemailer refuses) | `InvalidMessage` |
 * | `ECONNECTION`, `ESOCKET`, `EDNS`, `EPROTOCOL`, anything else | `Unavailable` |
 *
 * @since 0.1.0
 */
import { type NotificationError, notificationError } from "./NotificationError.js"

const MISCONFIGURED = new Set(["EAUTH", "ENOAUTH", "ECONFIG", "EREQUIRETLS", "ETLS", "EOAUTH2"])
const TIMEOUT = new Set(["ETIMEDOUT", "EABORT"])

const field = (error: unknown, key: string): unknown =>
  typeof error === "object" && error !== null && key in error ? (error as Record<string, unknown>)[key] : undefined

/**
 * Classifies a nodemailer error (or anything thrown while sending).
 *
 * @example
 * ```ts
 * import { classifySmtpError } from "@workflow-manager/handler-notification"
 *
 * classifySmtpError(Object.assign(new Error("451 try later"), { code: "EMESSAGE", responseCode: 451 })).reason
 * // "Unavailable"
 * ```
 *
 * @since 0.1.0
 * @category transports
 */
export const classifySmtpError = (error: unknown): NotificationError => {
  const responseCode = field(error, "responseCode")
  const rawCode = field(error, "code")
  const code = typeof rawCode === "string" ? rawCode : undefined
  const rawMessage = field(error, "message")
  const message = (typeof rawMessage === "string" && rawMessage.length > 0 ? rawMessage : String(error)).slice(0, 500)
  // refused credentials are the deployment's problem, whatever the reply code: retried until fixed
  if (code === "EAUTH" || code === "ENOAUTH") return notificationError("Misconfigured", message, code)
  if (typeof responseCode === "number" && Number.isInteger(responseCode)) {
    if (responseCode >= 400 && responseCode < 500)
      return notificationError("Unavailable", message, String(responseCode))
    if (responseCode >= 500 && responseCode < 600) return notificationError("Rejected", message, String(responseCode))
  }
  if (code !== undefined && MISCONFIGURED.has(code)) return notificationError("Misconfigured", message, code)
  if (code !== undefined && TIMEOUT.has(code)) return notificationError("Timeout", message, code)
  if (code === "EENVELOPE") return notificationError("InvalidMessage", message, code)
  return notificationError("Unavailable", message, code)
}

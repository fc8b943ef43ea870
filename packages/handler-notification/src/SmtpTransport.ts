/**
 * The e-mail transport: SMTP through nodemailer. Each notification is one message to all its
 * recipients, with a `Message-ID` derived from the outbox message id — the same on every
 * redelivery, so a receiver can drop a copy sent again after a crash or a lost lease. A send is
 * bounded by `timeoutMs` and aborted (nodemailer's `signal`) when the deliverer interrupts it.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import nodemailer from "nodemailer"
import { classifySmtpError } from "./classifySmtpError.js"
import { addressProblem, headerProblem } from "./internal/address.js"
import { messageIdOf } from "./internal/messageId.js"
import type { Notification } from "./Notification.js"
import { InvalidTransportConfig, notificationError } from "./NotificationError.js"
import type { NotificationTransport } from "./NotificationTransport.js"

/**
 * Options of {@link smtpTransport}: the sender, the SMTP server, and bounds. The server fields are
 * handed to nodemailer's SMTP transport as they are.
 *
 * @since 0.1.0
 * @category transports
 */
export interface SmtpTransportOptions {
  /** The sender: a plain address (`noreply@tso.example`) or `Display Name <noreply@tso.example>`. */
  readonly from: string
  readonly host: string
  readonly port: number
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  readonly secure?: boolean
  /** Refuse to send unless STARTTLS succeeds. */
  readonly requireTLS?: boolean
  /** Never use STARTTLS (a loopback test server). */
  readonly ignoreTLS?: boolean
  readonly auth?: { readonly user: string; readonly pass: string }
  readonly tls?: { readonly rejectUnauthorized?: boolean; readonly servername?: string }
  /** The name this client greets with (EHLO); default nodemailer's (the host name). */
  readonly name?: string
  /** The bound of a whole send, connection to the server's reply (ms, default 30 000). */
  readonly timeoutMs?: number
  /** The domain of the `Message-ID` (default the sender's domain). */
  readonly messageIdDomain?: string
  /** The channel it serves (default `email`). */
  readonly channel?: string
}

const parseFrom = (from: unknown): { readonly address: string; readonly text: string } | string => {
  if (typeof from !== "string") return "from must be a string"
  const problem = headerProblem(from)
  if (problem !== undefined) return `from ${problem}`
  const named = /^([^<>"]{0,200})<([^<>]+)>$/u.exec(from.trim())
  const address = named === null ? from.trim() : (named[2] as string)
  const bad = addressProblem(address)
  return bad === undefined ? { address, text: from.trim() } : `from: ${bad}`
}

const positive = (value: unknown, name: string, problems: Array<string>, fallback: number): number => {
  if (value === undefined) return fallback
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    problems.push(`${name} must be a positive integer`)
    return fallback
  }
  return value
}

const checkMessage = (message: Notification): string | undefined => {
  if (typeof message !== "object" || message === null) return "the message must be an object"
  if (!Array.isArray(message.to) || message.to.length === 0) return "an e-mail needs at least one recipient"
  for (const address of message.to) {
    const problem = addressProblem(address)
    if (problem !== undefined) return problem
  }
  if (typeof message.subject !== "string") return "an e-mail needs a subject"
  const subject = headerProblem(message.subject)
  if (subject !== undefined) return `the subject ${subject}`
  if (typeof message.text !== "string" && typeof message.html !== "string") return "an e-mail needs a text or html body"
  return undefined
}

/**
 * An SMTP transport for the `email` channel.
 *
 * @throws InvalidTransportConfig when `from`, `host`, `port` or a bound is unusable.
 *
 * @example
 * ```ts
 * import { smtpTransport } from "@workflow-manager/handler-notification"
 *
 * const email = smtpTransport({
 *   from: "Workflow Manager <noreply@tso.example>",
 *   host: "smtp.tso.example",
 *   port: 587,
 *   requireTLS: true,
 *   auth: { user: "workflow", pass: process.env.SMTP_PASSWORD ?? "" }
 * })
 * ```
 *
 * @since 0.1.0
 * @category transports
 */
export const smtpTransport = (options: SmtpTransportOptions): NotificationTransport => {
  const problems: Array<string> = []
  if (typeof options !== "object" || options === null) {
    throw new InvalidTransportConfig({ transport: "smtpTransport", problems: ["options must be an object"] })
  }
  const from = parseFrom(options.from)
  if (typeof from === "string") problems.push(from)
  if (typeof options.host !== "string" || options.host.length === 0 || /[\s/]/u.test(options.host)) {
    problems.push("host must be a host name or an IP address")
  }
  if (
    typeof options.port !== "number" ||
    !Number.isInteger(options.port) ||
    options.port < 1 ||
    options.port > 65_535
  ) {
    problems.push("port must be 1 to 65535")
  }
  const timeoutMs = positive(options.timeoutMs, "timeoutMs", problems, 30_000)
  const domain =
    options.messageIdDomain ??
    (typeof from === "string" ? "invalid" : from.address.slice(from.address.indexOf("@") + 1))
  if (typeof domain !== "string" || !/^[A-Za-z0-9.-]{1,253}$/u.test(domain)) {
    problems.push("messageIdDomain must be a domain name")
  }
  const channel = options.channel ?? "email"
  if (typeof channel !== "string" || channel.length === 0) problems.push("channel must be a name")
  if (problems.length > 0 || typeof from === "string") {
    throw new InvalidTransportConfig({ transport: "smtpTransport", problems })
  }
  const mailer = nodemailer.createTransport({
    host: options.host,
    port: options.port,
    ...(options.secure === undefined ? {} : { secure: options.secure }),
    ...(options.requireTLS === undefined ? {} : { requireTLS: options.requireTLS }),
    ...(options.ignoreTLS === undefined ? {} : { ignoreTLS: options.ignoreTLS }),
    ...(options.auth === undefined ? {} : { auth: { user: options.auth.user, pass: options.auth.pass } }),
    ...(options.tls === undefined ? {} : { tls: { ...options.tls } }),
    ...(options.name === undefined ? {} : { name: options.name }),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true
  })
  return {
    channel,
    send: (message, { idempotencyKey }) => {
      const problem = checkMessage(message)
      if (problem !== undefined) return Effect.fail(notificationError("InvalidMessage", problem))
      return Effect.tryPromise({
        try: (signal) =>
          mailer.sendMail({
            from: from.text,
            to: [...message.to],
            subject: message.subject as string,
            ...(message.text === undefined ? {} : { text: message.text }),
            ...(message.html === undefined ? {} : { html: message.html }),
            messageId: messageIdOf(idempotencyKey, domain),
            disableFileAccess: true,
            disableUrlAccess: true,
            signal
          }),
        catch: classifySmtpError
      }).pipe(
        Effect.timeoutOrElse({
          duration: timeoutMs,
          orElse: () =>
            Effect.fail(
              notificationError("Timeout", `the SMTP server did not accept the message within ${timeoutMs} ms`)
            )
        }),
        Effect.asVoid
      )
    }
  }
}

/**
 * The webhook transport: a JSON `POST` to one of the deployer's **named endpoints**. A template
 * names the endpoint (`endpoint: "crm-events"`); the URL, the signing secret and any extra headers
 * are the deployer's, never a template's or a step's data, so no workflow can make the system call
 * an address of its choosing.
 *
 * Every request carries `Idempotency-Key` (the outbox message id, the same on every redelivery)
 * and, when the endpoint has a secret, `X-Signature-Timestamp` (Unix seconds) and
 * `X-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`. Redirects are not followed.
 * The whole exchange is bounded by `timeoutMs` and at most `maxResponseBytes` of the response are
 * read. A 2xx is delivered; 408, 429 and 5xx are retried; a 3xx or any other 4xx is dead.
 *
 * @since 0.1.0
 */
import { createHmac } from "node:crypto"
import { Effect } from "effect"
import type { Notification } from "./Notification.js"
import { InvalidTransportConfig, type NotificationError, notificationError } from "./NotificationError.js"
import type { NotificationTransport } from "./NotificationTransport.js"

/**
 * A deployer's webhook endpoint.
 *
 * @since 0.1.0
 * @category transports
 */
export interface WebhookEndpoint {
  /** An `http:` or `https:` URL. */
  readonly url: string
  /** The HMAC-SHA256 signing secret (at least 16 characters); no signature without it. */
  readonly secret?: string
  /** Extra headers (e.g. an API key); they may not replace the ones this transport sets. */
  readonly headers?: { readonly [name: string]: string }
}

/**
 * Options of {@link webhookTransport}.
 *
 * @since 0.1.0
 * @category transports
 */
export interface WebhookTransportOptions {
  /** The endpoints by name. */
  readonly endpoints: { readonly [name: string]: WebhookEndpoint }
  /** The bound of one request, connection to the end of the response (ms, default 10 000). */
  readonly timeoutMs?: number
  /** The most response bytes read (default 65 536); the rest is discarded. */
  readonly maxResponseBytes?: number
  /** The channel it serves (default `webhook`). */
  readonly channel?: string
}

const RESERVED = new Set([
  "content-type",
  "content-length",
  "idempotency-key",
  "x-signature",
  "x-signature-timestamp",
  "host"
])
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/u

interface Target {
  readonly url: URL
  readonly secret: string | undefined
  readonly headers: ReadonlyArray<readonly [string, string]>
}

const checkEndpoint = (name: string, endpoint: unknown, problems: Array<string>): Target | undefined => {
  const where = `endpoints.${name}`
  if (typeof endpoint !== "object" || endpoint === null) {
    problems.push(`${where} must be an object with a url`)
    return undefined
  }
  const { url, secret, headers } = endpoint as Partial<WebhookEndpoint>
  let parsed: URL | undefined
  try {
    parsed = typeof url === "string" ? new URL(url) : undefined
  } catch {
    parsed = undefined
  }
  if (parsed === undefined || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
    problems.push(`${where}.url must be an http: or https: URL`)
  }
  if (secret !== undefined && (typeof secret !== "string" || secret.length < 16)) {
    problems.push(`${where}.secret must be a string of at least 16 characters`)
  }
  const extra: Array<readonly [string, string]> = []
  if (headers !== undefined) {
    if (typeof headers !== "object" || headers === null) problems.push(`${where}.headers must be an object`)
    else {
      for (const [header, value] of Object.entries(headers)) {
        if (!TOKEN.test(header)) problems.push(`${where}.headers: "${header}" is not a header name`)
        else if (RESERVED.has(header.toLowerCase()))
          problems.push(`${where}.headers: ${header} is set by the transport`)
        else if (typeof value !== "string" || /[\r\n\0]/u.test(value)) {
          problems.push(`${where}.headers.${header} must be a string without CR, LF or NUL`)
        } else extra.push([header, value])
      }
    }
  }
  return parsed === undefined ? undefined : { url: parsed, secret: secret as string | undefined, headers: extra }
}

/** Reads at most `max` bytes of a body, then stops reading (the rest is discarded). */
const readCapped = async (response: Response, max: number): Promise<string> => {
  const reader = response.body?.getReader()
  if (reader === undefined) return ""
  const chunks: Array<Uint8Array> = []
  let size = 0
  try {
    // bounded: stops at `max` bytes or at the end of the body (the request's signal bounds the time)
    while (size < max) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.byteLength
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
  return Buffer.concat(chunks).subarray(0, max).toString("utf8")
}

const classifyStatus = (status: number, text: string): NotificationError | undefined => {
  if (status >= 200 && status < 300) return undefined
  const message = `the endpoint answered ${status}${text.length > 0 ? `: ${text.slice(0, 200)}` : ""}`
  if (status === 408 || status === 429 || status >= 500)
    return notificationError("Unavailable", message, String(status))
  return notificationError("Rejected", message, String(status))
}

const classifyFetchError = (error: unknown, timeoutMs: number): NotificationError => {
  const name = typeof error === "object" && error !== null ? (error as { name?: unknown }).name : undefined
  if (name === "TimeoutError" || name === "AbortError") {
    return notificationError("Timeout", `the endpoint did not answer within ${timeoutMs} ms`)
  }
  const cause =
    typeof error === "object" && error !== null ? (error as { cause?: { code?: unknown } }).cause : undefined
  const code = typeof cause?.code === "string" ? cause.code : undefined
  return notificationError(
    "Unavailable",
    `the request failed: ${error instanceof Error ? error.message : String(error)}`,
    code
  )
}

/**
 * The signature headers of a body: `X-Signature-Timestamp` and `X-Signature` (`sha256=` + the hex
 * HMAC-SHA256 of `"<timestamp>.<body>"` under `secret`). A receiver recomputes it and refuses a
 * timestamp older than a few minutes.
 *
 * @example
 * ```ts
 * import { signWebhook } from "@workflow-manager/handler-notification"
 *
 * const headers = signWebhook("a-secret-of-16-chars", '{"event":"approved"}', 1764590400)
 * // { "X-Signature-Timestamp": "1764590400", "X-Signature": "sha256=…" }
 * ```
 *
 * @since 0.1.0
 * @category transports
 */
export const signWebhook = (
  secret: string,
  body: string,
  timestamp: number
): { readonly "X-Signature-Timestamp": string; readonly "X-Signature": string } => ({
  "X-Signature-Timestamp": String(timestamp),
  "X-Signature": `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex")}`
})

/**
 * A webhook transport for the `webhook` channel, over the deployer's named endpoints.
 *
 * @throws InvalidTransportConfig when an endpoint's URL, secret or headers are unusable.
 *
 * @example
 * ```ts
 * import { webhookTransport } from "@workflow-manager/handler-notification"
 *
 * const webhook = webhookTransport({
 *   endpoints: {
 *     "crm-events": { url: "https://crm.tso.example/hooks/workflow", secret: process.env.CRM_HOOK_SECRET ?? "" }
 *   },
 *   timeoutMs: 5_000
 * })
 * ```
 *
 * @since 0.1.0
 * @category transports
 */
export const webhookTransport = (options: WebhookTransportOptions): NotificationTransport => {
  const problems: Array<string> = []
  if (typeof options !== "object" || options === null) {
    throw new InvalidTransportConfig({ transport: "webhookTransport", problems: ["options must be an object"] })
  }
  const targets = new Map<string, Target>()
  if (typeof options.endpoints !== "object" || options.endpoints === null) problems.push("endpoints must be an object")
  else {
    for (const [name, endpoint] of Object.entries(options.endpoints)) {
      const target = checkEndpoint(name, endpoint, problems)
      if (target !== undefined) targets.set(name, target)
    }
  }
  const bound = (value: unknown, name: string, fallback: number) => {
    if (value === undefined) return fallback
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1)
      problems.push(`${name} must be a positive integer`)
    return typeof value === "number" ? value : fallback
  }
  const timeoutMs = bound(options.timeoutMs, "timeoutMs", 10_000)
  const maxResponseBytes = bound(options.maxResponseBytes, "maxResponseBytes", 65_536)
  const channel = options.channel ?? "webhook"
  if (typeof channel !== "string" || channel.length === 0) problems.push("channel must be a name")
  if (problems.length > 0) throw new InvalidTransportConfig({ transport: "webhookTransport", problems })

  const request = (message: Notification, target: Target, idempotencyKey: string) =>
    Effect.tryPromise({
      try: async (signal) => {
        const body = JSON.stringify(message.body ?? null)
        const headers = new Headers(target.headers.map(([k, v]) => [k, v]))
        headers.set("content-type", "application/json")
        headers.set("idempotency-key", idempotencyKey)
        if (target.secret !== undefined) {
          for (const [k, v] of Object.entries(signWebhook(target.secret, body, Math.floor(Date.now() / 1000)))) {
            headers.set(k, v)
          }
        }
        const response = await fetch(target.url, {
          method: "POST",
          headers,
          body,
          redirect: "manual",
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
        })
        const text = await readCapped(response, maxResponseBytes)
        return classifyStatus(response.status, text)
      },
      catch: (error) => classifyFetchError(error, timeoutMs)
    }).pipe(Effect.flatMap((error) => (error === undefined ? Effect.void : Effect.fail(error))))

  return {
    channel,
    send: (message, { idempotencyKey }) => {
      const name = typeof message === "object" && message !== null ? message.endpoint : undefined
      const target = typeof name === "string" ? targets.get(name) : undefined
      if (target === undefined) {
        return Effect.fail(
          notificationError("Misconfigured", `no webhook endpoint named ${JSON.stringify(name ?? null)}`)
        )
      }
      if (typeof idempotencyKey !== "string" || !/^[\x21-\x7E]{1,600}$/u.test(idempotencyKey)) {
        return Effect.fail(
          notificationError("InvalidMessage", "the idempotency key must be 1 to 600 visible ASCII characters")
        )
      }
      return request(message, target, idempotencyKey)
    }
  }
}

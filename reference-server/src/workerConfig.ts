/**
 * The worker's configuration, read from the environment with the server's (see `.env.example` and
 * docs/operations.md): whether the server runs it in process (`WM_WORKER`), its name, bounds and
 * lease, its metrics endpoint, and the notification transports — SMTP (`WM_SMTP_URL`), the
 * deployer's webhook endpoints (`WM_WEBHOOK_<NAME>_URL`), and the log for channels without a
 * transport outside production (`WM_NOTIFY_LOG`). A malformed value is a {@link ConfigError}.
 *
 * @since 0.1.0
 */
import { hostname } from "node:os"
import { ConfigError, flag, integer, text } from "./configValues.ts"

/**
 * An SMTP server: where e-mails go, as whom, and how TLS is used.
 *
 * @since 0.1.0
 * @category config
 */
export interface SmtpConfig {
  readonly host: string
  readonly port: number
  /** `smtps://`: TLS from the start. */
  readonly secure: boolean
  /** Plain SMTP without STARTTLS: only for a server on loopback (a local relay, a test server). */
  readonly ignoreTLS: boolean
  /** Refuse to send unless STARTTLS succeeds (the default for a server that is not on loopback). */
  readonly requireTLS: boolean
  readonly auth: { readonly user: string; readonly pass: string } | undefined
  /** The sender (`WM_SMTP_FROM`). */
  readonly from: string
}

/**
 * A deployer's webhook endpoint, named by templates (`endpoint: "crm-events"`).
 *
 * @since 0.1.0
 * @category config
 */
export interface WebhookConfig {
  readonly url: string
  /** Signs each request (`X-Signature`) when set (at least 16 characters). */
  readonly secret: string | undefined
}

/**
 * How notifications leave the system.
 *
 * @since 0.1.0
 * @category config
 */
export interface NotificationSettings {
  /** Mean pause between two delivery passes, in ms. */
  readonly everyMs: number
  /** The `email` channel's server (`undefined`: no SMTP). */
  readonly smtp: SmtpConfig | undefined
  /** The `webhook` channel's endpoints, by name. */
  readonly webhooks: Readonly<Record<string, WebhookConfig>>
  /** A channel without a transport writes its notifications to the log (default: outside production). */
  readonly logUnsent: boolean
}

/**
 * The worker's settings.
 *
 * @since 0.1.0
 * @category config
 */
export interface WorkerConfig {
  /** The server runs the worker in process (`WM_WORKER`); the worker command ignores it. */
  readonly enabled: boolean
  /** Unique among running workers: the owner of its claims, `system:<name>` in the events it records. */
  readonly name: string
  readonly concurrency: number
  readonly pollMs: number
  readonly leaseMs: number
  readonly batch: number
  readonly drainMs: number
  /** The worker command's metrics endpoint (`/metrics`, `/healthz`). */
  readonly metricsHost: string
  readonly metricsPort: number
  /** The bearer token the server's `/metrics` asks for (`undefined`: open outside production, off in it). */
  readonly metricsToken: string | undefined
  readonly notifications: NotificationSettings
}

const WORKER_NAME = /^[A-Za-z0-9._:-]{1,100}$/
const WEBHOOK_URL = /^WM_WEBHOOK_([A-Z0-9][A-Z0-9_]{0,98})_URL$/
const WEBHOOK_SECRET = /^WM_WEBHOOK_([A-Z0-9][A-Z0-9_]{0,98})_SECRET$/
const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|\[::1\])$/i

/** This process's default worker name: the host name and the process id. */
const defaultName = (): string => `${hostname()}-${process.pid}`.replace(/[^A-Za-z0-9._:-]/g, "-").slice(0, 100)

const smtpOf = (env: NodeJS.ProcessEnv): SmtpConfig | undefined => {
  const raw = text(env, "WM_SMTP_URL")
  const from = text(env, "WM_SMTP_FROM")
  if (raw === undefined) {
    if (from !== undefined) throw new ConfigError("WM_SMTP_FROM", "means nothing without WM_SMTP_URL")
    return undefined
  }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError("WM_SMTP_URL", "is not a URL (smtp://[user:password@]host[:port])")
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    throw new ConfigError("WM_SMTP_URL", `expected smtp:// or smtps://, got ${url.protocol.slice(0, 20)}//`)
  }
  if (url.hostname === "" || (url.pathname !== "" && url.pathname !== "/") || url.search !== "" || url.hash !== "") {
    throw new ConfigError("WM_SMTP_URL", "must be smtp://[user:password@]host[:port], nothing after the port")
  }
  if (from === undefined) throw new ConfigError("WM_SMTP_FROM", "is needed with WM_SMTP_URL (the sender's address)")
  const secure = url.protocol === "smtps:"
  const loopback = LOOPBACK.test(url.hostname)
  const startTls = text(env, "WM_SMTP_STARTTLS")?.toLowerCase() ?? "required"
  if (startTls !== "required" && startTls !== "optional") {
    throw new ConfigError("WM_SMTP_STARTTLS", `expected required or optional, got "${startTls.slice(0, 40)}"`)
  }
  const user = decodeURIComponent(url.username)
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port === "" ? (secure ? 465 : 25) : Number(url.port),
    secure,
    ignoreTLS: !secure && loopback,
    requireTLS: !secure && !loopback && startTls === "required",
    auth: user === "" ? undefined : { user, pass: decodeURIComponent(url.password) },
    from
  }
}

/** `WM_WEBHOOK_CRM_EVENTS_URL` → the endpoint `crm-events`. */
const endpointName = (name: string): string => name.toLowerCase().replaceAll("_", "-")

const webhooksOf = (env: NodeJS.ProcessEnv): Record<string, WebhookConfig> => {
  const endpoints: Record<string, WebhookConfig> = {}
  const named = new Set<string>()
  for (const variable of Object.keys(env).sort()) {
    const match = WEBHOOK_URL.exec(variable)
    const raw = text(env, variable)
    if (match === null || raw === undefined) continue
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      throw new ConfigError(variable, "is not a URL")
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new ConfigError(variable, `expected an http:// or https:// URL, got ${url.protocol.slice(0, 20)}//`)
    }
    const name = match[1] as string
    const secretVariable = `WM_WEBHOOK_${name}_SECRET`
    const secret = text(env, secretVariable)
    if (secret !== undefined && secret.length < 16)
      throw new ConfigError(secretVariable, "must be at least 16 characters")
    endpoints[endpointName(name)] = { url: raw, secret }
    named.add(name)
  }
  for (const variable of Object.keys(env)) {
    const match = WEBHOOK_SECRET.exec(variable)
    if (match !== null && text(env, variable) !== undefined && !named.has(match[1] as string)) {
      throw new ConfigError(variable, `has no WM_WEBHOOK_${match[1]}_URL`)
    }
  }
  return endpoints
}

/**
 * Reads the worker's settings.
 *
 * @example
 * ```ts
 * import { loadWorkerConfig } from "./workerConfig.ts"
 *
 * const worker = loadWorkerConfig({ WM_WORKER_CONCURRENCY: "8", WM_SMTP_URL: "smtp://127.0.0.1:2525", WM_SMTP_FROM: "noreply@tso.example" })
 * ```
 *
 * @since 0.1.0
 * @category config
 */
export const loadWorkerConfig = (env: NodeJS.ProcessEnv, options: { readonly production: boolean }): WorkerConfig => {
  const name = text(env, "WM_WORKER_NAME") ?? defaultName()
  if (!WORKER_NAME.test(name)) {
    throw new ConfigError("WM_WORKER_NAME", "must be 1 to 100 letters, digits, '.', '_', ':' or '-'")
  }
  const metricsToken = text(env, "WM_METRICS_TOKEN")
  if (metricsToken !== undefined && metricsToken.length < 16) {
    throw new ConfigError("WM_METRICS_TOKEN", "must be at least 16 characters")
  }
  return {
    enabled: flag(env, "WM_WORKER", true),
    name,
    concurrency: integer(env, "WM_WORKER_CONCURRENCY", 4, 1, 64),
    pollMs: integer(env, "WM_WORKER_POLL_MS", 1000, 10, 3_600_000),
    leaseMs: integer(env, "WM_WORKER_LEASE_MS", 60_000, 1000, 86_400_000),
    batch: integer(env, "WM_WORKER_BATCH", 50, 1, 500),
    drainMs: integer(env, "WM_WORKER_DRAIN_MS", 30_000, 0, 600_000),
    metricsHost: text(env, "WM_WORKER_METRICS_HOST") ?? "127.0.0.1",
    metricsPort: integer(env, "WM_WORKER_METRICS_PORT", 9464, 0, 65_535),
    metricsToken,
    notifications: {
      everyMs: integer(env, "WM_NOTIFY_INTERVAL_MS", 2000, 100, 3_600_000),
      smtp: smtpOf(env),
      webhooks: webhooksOf(env),
      logUnsent: flag(env, "WM_NOTIFY_LOG", !options.production)
    }
  }
}

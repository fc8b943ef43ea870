/**
 * How the server's notifications leave it: the transports the configuration names — SMTP for the
 * `email` channel (`WM_SMTP_URL`), the deployer's endpoints for `webhook` (`WM_WEBHOOK_<NAME>_URL`)
 * — and, for a channel without one, the **log transport** when `WM_NOTIFY_LOG` is on (the default
 * outside production): the notification is written as one structured log line and counts as
 * delivered, so that the demo shows its notifications without a mail server. The worker's
 * `notifications` task delivers the outbox through them, recipients by role resolved by the users
 * directory.
 *
 * @since 0.1.0
 */
import { type OutboxService, systemAccess } from "@workflow-manager/core"
import {
  deliverNotifications,
  InvalidTransportConfig,
  type NotificationTransport,
  type Recipients,
  smtpTransport,
  webhookTransport
} from "@workflow-manager/handler-notification"
import type { WorkerLog, WorkerTask } from "@workflow-manager/worker"
import { Effect } from "effect"
import { ConfigError } from "./configValues.ts"
import type { NotificationSettings } from "./workerConfig.ts"

/** The channels the server knows; a deployer's own channel needs its own transport (code). */
const CHANNELS = ["email", "webhook"] as const

const MAX_TEXT = 2000

/**
 * A transport that writes each notification to the log instead of sending it.
 *
 * @example
 * ```ts
 * import { jsonLog } from "@workflow-manager/worker"
 * import { logTransport } from "./notifications.ts"
 *
 * const email = logTransport("email", jsonLog())
 * ```
 *
 * @since 0.1.0
 * @category notifications
 */
export const logTransport = (channel: string, log: WorkerLog): NotificationTransport => ({
  channel,
  send: (message, { idempotencyKey }) =>
    Effect.sync(() =>
      log("info", `notification (${channel}, written to the log: no ${channel} transport is configured)`, {
        component: "notifications",
        channel,
        idempotencyKey,
        tenantId: message.tenantId,
        instanceId: message.instanceId,
        stepId: message.stepId,
        attempt: message.attempt,
        to: message.to,
        ...(message.endpoint === undefined ? {} : { endpoint: message.endpoint }),
        ...(message.subject === undefined ? {} : { subject: message.subject }),
        ...(message.text === undefined ? {} : { text: message.text.slice(0, MAX_TEXT) }),
        ...(message.body === undefined ? {} : { body: message.body })
      })
    )
})

const invalid = (variable: string, error: unknown): never => {
  if (error instanceof InvalidTransportConfig) throw new ConfigError(variable, error.problems.join("; "))
  throw error
}

/**
 * The transports of a configuration: SMTP and webhooks where configured, the log for the other
 * channels when `logUnsent` is on.
 *
 * @throws ConfigError when a transport refuses its settings.
 *
 * @example
 * ```ts
 * import { jsonLog } from "@workflow-manager/worker"
 * import { notificationTransports } from "./notifications.ts"
 *
 * const transports = notificationTransports(config.worker.notifications, jsonLog())
 * ```
 *
 * @since 0.1.0
 * @category notifications
 */
export const notificationTransports = (
  settings: NotificationSettings,
  log: WorkerLog
): ReadonlyArray<NotificationTransport> => {
  const transports: Array<NotificationTransport> = []
  const smtp = settings.smtp
  if (smtp !== undefined) {
    try {
      transports.push(
        smtpTransport({
          from: smtp.from,
          host: smtp.host,
          port: smtp.port,
          secure: smtp.secure,
          ignoreTLS: smtp.ignoreTLS,
          requireTLS: smtp.requireTLS,
          ...(smtp.auth === undefined ? {} : { auth: smtp.auth })
        })
      )
    } catch (error) {
      invalid(
        error instanceof InvalidTransportConfig && error.problems.every((p) => p.startsWith("from"))
          ? "WM_SMTP_FROM"
          : "WM_SMTP_URL",
        error
      )
    }
  }
  const endpoints = Object.entries(settings.webhooks)
  if (endpoints.length > 0) {
    try {
      transports.push(
        webhookTransport({
          endpoints: Object.fromEntries(
            endpoints.map(([name, endpoint]) => [
              name,
              { url: endpoint.url, ...(endpoint.secret === undefined ? {} : { secret: endpoint.secret }) }
            ])
          )
        })
      )
    } catch (error) {
      invalid("WM_WEBHOOK_*", error)
    }
  }
  if (settings.logUnsent) {
    for (const channel of CHANNELS) {
      if (!transports.some((t) => t.channel === channel)) transports.push(logTransport(channel, log))
    }
  }
  return transports
}

/**
 * The worker task that delivers the outbox's notifications: one bounded pass every `everyMs`.
 *
 * @example
 * ```ts
 * import { notificationTask } from "./notifications.ts"
 *
 * const task = notificationTask({ outbox: storage.services.outbox, transports, recipients, owner: "w-1", limit: 50, leaseMs: 60_000, everyMs: 2_000 })
 * ```
 *
 * @since 0.1.0
 * @category notifications
 */
export const notificationTask = (options: {
  readonly outbox: OutboxService
  readonly transports: ReadonlyArray<NotificationTransport>
  readonly recipients: Recipients
  /** The worker's name: the claims' owner. */
  readonly owner: string
  readonly limit: number
  readonly leaseMs: number
  readonly everyMs: number
}): WorkerTask => ({
  name: "notifications",
  everyMs: options.everyMs,
  pass: deliverNotifications({
    outbox: options.outbox,
    access: systemAccess(options.owner),
    transports: options.transports,
    recipients: options.recipients,
    owner: options.owner,
    limit: options.limit,
    leaseMs: options.leaseMs
  })
})

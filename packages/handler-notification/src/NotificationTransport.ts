/**
 * The transport port: how a notification leaves the system on one channel. The package ships
 * {@link smtpTransport} (`email`) and {@link webhookTransport} (`webhook`); a deployer adds a
 * channel (Slack, SMS, a ticketing system) by passing its own object to `deliverNotifications`.
 *
 * Guide for transport authors: `send` must be idempotent under `idempotencyKey` (the outbox
 * message id — the same for every redelivery of one message), or pass it on to a receiver that
 * dedupes on it; it must bound its own time (the deliverer also interrupts it when the claim's
 * lease is about to end, through the Effect's interruption — honour it, e.g. with an
 * `AbortSignal`); and it reports failures as a {@link NotificationError} whose reason says whether
 * retrying may help. Never throw.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { Notification } from "./Notification.js"
import type { NotificationError } from "./NotificationError.js"

/**
 * A transport for one channel.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { NotificationTransport } from "@workflow-manager/handler-notification"
 *
 * const console: NotificationTransport = {
 *   channel: "console",
 *   send: (message, { idempotencyKey }) => Effect.sync(() => globalThis.console.log(idempotencyKey, message.text))
 * }
 * ```
 *
 * @since 0.1.0
 * @category transports
 */
export interface NotificationTransport {
  readonly channel: string
  readonly send: (
    message: Notification,
    options: { readonly idempotencyKey: string }
  ) => Effect.Effect<void, NotificationError>
}

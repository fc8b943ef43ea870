/**
 * What a notification step queues and what a transport sends. The step renders its templates and
 * queues one outbox message of kind {@link NOTIFICATION_KIND} whose payload is a
 * {@link NotificationPayload} (recipients by role still unresolved); the deliverer decodes it,
 * resolves the roles and hands a {@link Notification} to the channel's transport.
 *
 * @since 0.1.0
 */
import { Identifier, Json } from "@workflow-manager/core"
import { Schema } from "effect"
import { ChannelName } from "./NotificationConfig.js"

/**
 * The outbox message kind of notifications.
 *
 * @since 0.1.0
 * @category payload
 */
export const NOTIFICATION_KIND = "notification"

/**
 * The payload of a queued notification (stored shape, `schemaVersion` 1): the rendered message,
 * recipients by role unresolved and by address rendered and checked.
 *
 * @since 0.1.0
 * @category payload
 */
export const NotificationPayload = Schema.Struct({
  schemaVersion: Schema.Literal(1),
  channel: ChannelName,
  stepId: Identifier,
  to: Schema.optionalKey(
    Schema.Array(
      Schema.Struct({
        role: Schema.optionalKey(Schema.String.check(Schema.isMaxLength(100))),
        address: Schema.optionalKey(Schema.String.check(Schema.isMaxLength(500)))
      })
    ).check(Schema.isMaxLength(50))
  ),
  subject: Schema.optionalKey(Schema.String.check(Schema.isMaxLength(998))),
  text: Schema.optionalKey(Schema.String),
  html: Schema.optionalKey(Schema.String),
  endpoint: Schema.optionalKey(Schema.String.check(Schema.isMaxLength(100))),
  body: Schema.optionalKey(Json)
})

/**
 * A queued notification's payload.
 *
 * @since 0.1.0
 * @category payload
 */
export type NotificationPayload = typeof NotificationPayload.Type

/**
 * What a transport sends: the rendered message, its recipients' addresses (roles resolved,
 * duplicates removed), and where it comes from. `id` is the outbox message id — stable across
 * redeliveries, the key a receiver dedupes on.
 *
 * @since 0.1.0
 * @category payload
 */
export interface Notification {
  readonly id: string
  readonly tenantId: string
  readonly instanceId: string
  readonly stepId: string
  readonly channel: string
  /** The delivery attempt (1 for the first claim of the message). */
  readonly attempt: number
  readonly to: ReadonlyArray<string>
  readonly subject?: string
  readonly text?: string
  readonly html?: string
  readonly endpoint?: string
  readonly body?: Json
}

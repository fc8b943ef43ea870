/**
 * The one error of the notification ports (transports and the recipients directory). Its
 * `reason` is a closed union, and it decides what the deliverer does with the message:
 *
 * | reason | meaning | retryable |
 * | --- | --- | --- |
 * | `Unavailable` | the peer could not be reached, or answered "try later" (SMTP 4xx, HTTP 5xx, 408, 429) | yes |
 * | `Timeout` | the peer did not answer within the bound | yes |
 * | `Misconfigured` | the deployment is wrong (no transport for the channel, unknown endpoint, refused credentials, no directory) — retried, so fixing the configuration delivers | yes |
 * | `Rejected` | the peer refused this message for good (SMTP 5xx, HTTP 4xx other than 408/429, a redirect) | no |
 * | `InvalidMessage` | the message cannot be sent (malformed payload, bad address, no recipient) | no |
 *
 * A retryable failure is retried with capped exponential backoff until the deliverer's
 * `maxAttempts`; a non-retryable one makes the message dead at once.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * Why a notification could not be delivered.
 *
 * @since 0.1.0
 * @category errors
 */
export const NotificationErrorReason = Schema.Literals([
  "Unavailable",
  "Timeout",
  "Misconfigured",
  "Rejected",
  "InvalidMessage"
])

/**
 * A reason of {@link NotificationError}.
 *
 * @since 0.1.0
 * @category errors
 */
export type NotificationErrorReason = typeof NotificationErrorReason.Type

/**
 * A failed delivery (or recipients lookup): the reason, a message, and the peer's code when it
 * gave one (an SMTP reply code, an HTTP status).
 *
 * @since 0.1.0
 * @category errors
 */
export class NotificationError extends Schema.TaggedError<NotificationError>(
  "@workflow-manager/handler-notification/NotificationError"
)("NotificationError", {
  reason: NotificationErrorReason,
  message: Schema.String,
  code: Schema.optionalKey(Schema.String)
}) {
  /** Whether another attempt may succeed. @since 0.1.0 */
  get isRetryable(): boolean {
    return this.reason !== "Rejected" && this.reason !== "InvalidMessage"
  }
}

/**
 * Builds a {@link NotificationError}.
 *
 * @since 0.1.0
 * @category errors
 */
export const notificationError = (reason: NotificationErrorReason, message: string, code?: string): NotificationError =>
  new NotificationError(code === undefined ? { reason, message } : { reason, message, code })

/**
 * A transport or directory built with a configuration that cannot work (a missing `from`, an
 * endpoint URL that is not http(s), a header with a line break). Thrown by the constructors, at
 * startup, with every problem listed.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidTransportConfig extends Schema.TaggedError<InvalidTransportConfig>(
  "@workflow-manager/handler-notification/InvalidTransportConfig"
)("InvalidTransportConfig", {
  transport: Schema.String,
  problems: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `${this.transport}: ${this.problems.join("; ")}`
  }
}

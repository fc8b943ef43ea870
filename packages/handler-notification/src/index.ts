/**
 * `@workflow-manager/handler-notification` — the `notification` step handler of Workflow Manager:
 * e-mail (SMTP) and webhook channels, message templates with variables from the instance,
 * recipients by role or address, queued through the outbox once per attempt and delivered by
 * {@link deliverNotifications} through transports (a small port: add your own channels).
 *
 * @packageDocumentation
 */
export { classifySmtpError } from "./classifySmtpError.js"
export {
  type DeliveryOptions,
  type DeliveryReport,
  deliverNotifications,
  InvalidDeliveryOptions
} from "./DeliverNotifications.js"
export { NOTIFICATION_KIND, type Notification, NotificationPayload } from "./Notification.js"
export { ChannelName, NotificationConfig, Recipient } from "./NotificationConfig.js"
export {
  InvalidTransportConfig,
  NotificationError,
  NotificationErrorReason,
  notificationError
} from "./NotificationError.js"
export { notificationHandler } from "./NotificationHandler.js"
export type { NotificationTransport } from "./NotificationTransport.js"
export { type Recipients, staticRecipients } from "./Recipients.js"
export { type SmtpTransportOptions, smtpTransport } from "./SmtpTransport.js"
export {
  signWebhook,
  type WebhookEndpoint,
  type WebhookTransportOptions,
  webhookTransport
} from "./WebhookTransport.js"

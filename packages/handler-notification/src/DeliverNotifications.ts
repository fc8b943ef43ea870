/**
 * Delivery: one bounded pass over the outbox. It claims up to `limit` notification messages under
 * a lease of `leaseMs`, sends each through its channel's transport, and completes it — or fails it
 * with a retry time (capped exponential backoff with jitter, core's {@link retryDelay}), or dead
 * when the failure is not retryable or the message has had `maxAttempts` claims. A worker calls it
 * in its loop.
 *
 * At-least-once, never twice on purpose: a send is cut off (interrupted, its socket closed) before
 * the claim's lease ends, so a second deliverer claims the message only after the first one has
 * given up; a claim taken over anyway (a paused process, clock skew) makes the late `complete` or
 * `fail` a `Conflict`, counted as `lost` and not as a failure of the message. What a crash between
 * "sent" and "completed" leaves — one more send of the same message — carries the same outbox id
 * (`Message-ID`, `Idempotency-Key`) for the receiver to drop.
 *
 * @since 0.1.0
 */
import {
  type Access,
  type ClaimedMessage,
  type OutboxService,
  type RetryPolicy,
  retryDelay,
  type StorageError,
  storageError,
  Unavailable
} from "@workflow-manager/core"
import { Clock, Effect, Random, Result, Schema } from "effect"
import { addressProblem } from "./internal/address.js"
import { NOTIFICATION_KIND, type Notification, NotificationPayload } from "./Notification.js"
import { type NotificationError, notificationError } from "./NotificationError.js"
import type { NotificationTransport } from "./NotificationTransport.js"
import type { Recipients } from "./Recipients.js"

/**
 * Options of {@link deliverNotifications}.
 *
 * @since 0.1.0
 * @category delivery
 */
export interface DeliveryOptions {
  /** The outbox port (core's memory storage, pg-rls, ...). */
  readonly outbox: OutboxService
  /** The scope it delivers for: `systemAccess("notifier")` for every tenant, or one tenant's. */
  readonly access: Access
  /** One transport per channel. */
  readonly transports: ReadonlyArray<NotificationTransport>
  /** The directory that resolves recipients by role; without it a message to a role waits (`Misconfigured`). */
  readonly recipients?: Recipients
  /** This deliverer's name (1 to 200 characters), the claims' owner. */
  readonly owner: string
  /** The most messages claimed in this pass (1 to 500). */
  readonly limit: number
  /** The lease of the claims (1 000 ms to 1 day); every send ends before it does. */
  readonly leaseMs: number
  /** The instant of the pass (default the Effect clock). */
  readonly now?: string
  /** Retries: `maxAttempts` claims in all (default 10), then the backoff of core's `RetryPolicy` (default 30 s × 2ⁿ, capped at 1 h, jitter 0.2). */
  readonly retry?: Partial<RetryPolicy>
  /** How many messages are sent at once (1 to 64, default 4). */
  readonly concurrency?: number
}

/**
 * What a pass did.
 *
 * @since 0.1.0
 * @category delivery
 */
export interface DeliveryReport {
  /** Messages claimed. */
  readonly claimed: number
  /** Sent and completed. */
  readonly delivered: number
  /** Failed, available again at their retry time. */
  readonly retried: number
  /** Failed for good (not retryable, or out of attempts). */
  readonly dead: number
  /** Claims another deliverer took over before this one recorded the outcome. */
  readonly lost: number
  /** Not sent because the lease was about to end; claimed again when it has. */
  readonly expired: number
  /** Outcomes the outbox failed to record (not a `Conflict`); the message is claimed again after its lease. */
  readonly unrecorded: number
  /** The first such storage failure. */
  readonly storageError?: StorageError
}

/**
 * Options that cannot work (a limit of 0, a missing outbox, two transports for one channel).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidDeliveryOptions extends Schema.TaggedError<InvalidDeliveryOptions>(
  "@workflow-manager/handler-notification/InvalidDeliveryOptions"
)("InvalidDeliveryOptions", { problems: Schema.Array(Schema.String) }) {
  override get message(): string {
    return `deliverNotifications: ${this.problems.join("; ")}`
  }
}

const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 10,
  initialDelayMs: 30_000,
  backoffFactor: 2,
  maxDelayMs: 3_600_000,
  jitter: 0.2
}
const MAX_RECIPIENTS = 100

const isInt = (value: unknown, min: number, max: number): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= min && value <= max

interface Checked {
  readonly options: DeliveryOptions
  readonly transports: ReadonlyMap<string, NotificationTransport>
  readonly retry: RetryPolicy
  readonly concurrency: number
}

const checkOptions = (options: DeliveryOptions): Checked | InvalidDeliveryOptions => {
  if (typeof options !== "object" || options === null)
    return new InvalidDeliveryOptions({ problems: ["options must be an object"] })
  const problems: Array<string> = []
  const { outbox, access, transports, owner, limit, leaseMs, now, retry, concurrency } = options
  if (
    typeof outbox !== "object" ||
    outbox === null ||
    typeof outbox.claim !== "function" ||
    typeof outbox.complete !== "function" ||
    typeof outbox.fail !== "function"
  ) {
    problems.push("outbox must be an OutboxService (claim, complete, fail)")
  }
  if (typeof access !== "object" || access === null || !["Tenant", "Operator", "System"].includes(access._tag)) {
    problems.push("access must be an Access (systemAccess(...), tenantAccess(...))")
  }
  const byChannel = new Map<string, NotificationTransport>()
  if (!Array.isArray(transports)) problems.push("transports must be an array")
  else {
    for (const [i, t] of transports.entries()) {
      if (typeof t !== "object" || t === null || typeof t.channel !== "string" || typeof t.send !== "function") {
        problems.push(`transports[${i}] must have a channel and a send function`)
      } else if (byChannel.has(t.channel)) problems.push(`two transports for the channel ${t.channel}`)
      else byChannel.set(t.channel, t)
    }
  }
  if (options.recipients !== undefined && typeof options.recipients?.resolve !== "function") {
    problems.push("recipients must have a resolve function")
  }
  if (typeof owner !== "string" || owner.length < 1 || owner.length > 200)
    problems.push("owner must be 1 to 200 characters")
  if (!isInt(limit, 1, 500)) problems.push("limit must be an integer from 1 to 500")
  if (!isInt(leaseMs, 1000, 86_400_000)) problems.push("leaseMs must be an integer from 1000 to 86400000")
  if (now !== undefined && (typeof now !== "string" || Number.isNaN(Date.parse(now)))) {
    problems.push("now must be an ISO-8601 instant")
  }
  const policy = { ...DEFAULT_RETRY, ...(typeof retry === "object" && retry !== null ? retry : {}) }
  if (retry !== undefined && (typeof retry !== "object" || retry === null)) problems.push("retry must be an object")
  if (!isInt(policy.maxAttempts, 1, 100)) problems.push("retry.maxAttempts must be an integer from 1 to 100")
  for (const key of ["initialDelayMs", "maxDelayMs"] as const) {
    if (!isInt(policy[key], 0, 30 * 86_400_000)) problems.push(`retry.${key} must be an integer from 0 to 30 days`)
  }
  if (typeof policy.backoffFactor !== "number" || !(policy.backoffFactor >= 1 && policy.backoffFactor <= 100)) {
    problems.push("retry.backoffFactor must be from 1 to 100")
  }
  if (typeof policy.jitter !== "number" || !(policy.jitter >= 0 && policy.jitter <= 1))
    problems.push("retry.jitter must be from 0 to 1")
  if (concurrency !== undefined && !isInt(concurrency, 1, 64))
    problems.push("concurrency must be an integer from 1 to 64")
  return problems.length > 0
    ? new InvalidDeliveryOptions({ problems })
    : { options, transports: byChannel, retry: policy, concurrency: concurrency ?? 4 }
}

/** The recipients' addresses: roles resolved, each address checked, duplicates removed. */
const addressesOf = (
  payload: NotificationPayload,
  message: ClaimedMessage,
  recipients: Recipients | undefined
): Effect.Effect<ReadonlyArray<string>, NotificationError> =>
  Effect.gen(function* () {
    const seen = new Map<string, string>()
    for (const recipient of payload.to ?? []) {
      let found: ReadonlyArray<string>
      const role = recipient.role
      if (role === undefined) found = [recipient.address ?? ""]
      else if (recipients === undefined) {
        return yield* Effect.fail(
          notificationError("Misconfigured", `no recipients directory to resolve the role ${role}`)
        )
      } else {
        found = yield* recipients.resolve(role, {
          tenantId: message.tenantId,
          instanceId: message.instanceId
        })
        if (!Array.isArray(found)) {
          return yield* Effect.fail(
            notificationError("Misconfigured", `the directory's answer for ${role} is not a list`)
          )
        }
      }
      for (const address of found) {
        const problem = addressProblem(address)
        if (problem !== undefined) {
          return yield* Effect.fail(
            notificationError(
              role === undefined ? "InvalidMessage" : "Misconfigured",
              `${problem}${role === undefined ? "" : ` (role ${role})`}`
            )
          )
        }
        if (!seen.has(address.toLowerCase())) seen.set(address.toLowerCase(), address)
      }
    }
    if (seen.size > MAX_RECIPIENTS) {
      return yield* Effect.fail(notificationError("InvalidMessage", `more than ${MAX_RECIPIENTS} recipients`))
    }
    if ((payload.to ?? []).length > 0 && seen.size === 0) {
      return yield* Effect.fail(notificationError("InvalidMessage", "no recipient: nobody holds the roles named"))
    }
    return [...seen.values()]
  })

/** Builds what the transport sends from a claimed message. */
const notificationOf = (
  message: ClaimedMessage,
  checked: Checked
): Effect.Effect<
  { readonly transport: NotificationTransport; readonly notification: Notification },
  NotificationError
> =>
  Effect.gen(function* () {
    const decoded = Schema.decodeUnknownResult(NotificationPayload)(message.payload)
    if (Result.isFailure(decoded)) {
      return yield* Effect.fail(
        notificationError("InvalidMessage", "the payload is not a notification (schemaVersion 1)")
      )
    }
    const payload = decoded.success
    const transport = checked.transports.get(payload.channel)
    if (transport === undefined) {
      return yield* Effect.fail(notificationError("Misconfigured", `no transport for the channel ${payload.channel}`))
    }
    const to = yield* addressesOf(payload, message, checked.options.recipients)
    const { schemaVersion: _, to: __, ...rest } = payload
    return {
      transport,
      notification: {
        ...rest,
        id: message.id,
        tenantId: message.tenantId,
        instanceId: message.instanceId,
        attempt: message.attempt,
        to
      }
    }
  })

type Outcome = "delivered" | "retried" | "dead" | "lost" | "expired" | { readonly unrecorded: StorageError }

/** Runs an outbox call; an adapter that throws instead of failing is an `Unavailable` storage error, not a crash. */
const guard = <A>(operation: string, call: () => Effect.Effect<A, StorageError>): Effect.Effect<A, StorageError> =>
  Effect.suspend(call).pipe(
    Effect.catchDefect((defect) =>
      Effect.fail(
        storageError(operation, new Unavailable({ message: `the outbox threw: ${String(defect).slice(0, 300)}` }))
      )
    )
  )

const describe = (error: NotificationError): string =>
  `${error.reason}${error.code === undefined ? "" : ` ${error.code}`}: ${error.message}`.slice(0, 1000)

/**
 * Delivers queued notifications: one bounded pass, returning what it did. Per-message failures
 * are recorded on the message (retry time or dead), never failures of the pass; the pass fails
 * only on unusable options or when the claim itself fails.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { makeMemoryStorage, Outbox, systemAccess } from "@workflow-manager/core"
 * import { deliverNotifications, smtpTransport, staticRecipients } from "@workflow-manager/handler-notification"
 *
 * const storage = makeMemoryStorage()
 * const email = smtpTransport({ from: "noreply@tso.example", host: "127.0.0.1", port: 2525, ignoreTLS: true })
 * const pass = Effect.gen(function* () {
 *   const outbox = yield* Outbox
 *   return yield* deliverNotifications({
 *     outbox,
 *     access: systemAccess("notifier"),
 *     transports: [email],
 *     recipients: staticRecipients({ market_ops: ["market-ops@tso.example"] }),
 *     owner: "notifier-1",
 *     limit: 50,
 *     leaseMs: 60_000
 *   })
 * }).pipe(Effect.provide(storage.layer))
 * // const { delivered, retried, dead } = await Effect.runPromise(pass)
 * ```
 *
 * @since 0.1.0
 * @category delivery
 */
export const deliverNotifications = (
  options: DeliveryOptions
): Effect.Effect<DeliveryReport, StorageError | InvalidDeliveryOptions> =>
  Effect.gen(function* () {
    const checked = checkOptions(options)
    if (checked instanceof InvalidDeliveryOptions) return yield* Effect.fail(checked)
    const { outbox, access, owner, limit, leaseMs } = checked.options
    const started = yield* Clock.currentTimeMillis
    const nowMs = checked.options.now === undefined ? started : Date.parse(checked.options.now)
    const claims = yield* guard("Outbox.claim", () =>
      outbox.claim(access, { owner, now: new Date(nowMs).toISOString(), leaseMs, limit, kinds: [NOTIFICATION_KIND] })
    )
    // every send ends this long before the lease does
    const deadline = started + leaseMs - Math.min(2000, Math.floor(leaseMs / 5))

    const record = (
      operation: string,
      effect: () => Effect.Effect<void, StorageError>,
      outcome: Outcome
    ): Effect.Effect<Outcome> =>
      guard(operation, effect).pipe(
        Effect.as(outcome),
        Effect.catch((error: StorageError) =>
          Effect.succeed<Outcome>(error.reason._tag === "Conflict" ? "lost" : { unrecorded: error })
        )
      )

    const deliverOne = (message: ClaimedMessage): Effect.Effect<Outcome> =>
      Effect.gen(function* () {
        const ref = { id: message.id, owner: message.owner, attempt: message.attempt }
        const remaining = deadline - (yield* Clock.currentTimeMillis)
        if (remaining <= 0) return "expired" as const
        const sent = yield* notificationOf(message, checked).pipe(
          Effect.flatMap(({ transport, notification }) =>
            transport.send(notification, { idempotencyKey: message.id }).pipe(
              Effect.timeoutOrElse({
                duration: remaining,
                orElse: () =>
                  Effect.fail(notificationError("Timeout", "the send was cut off before the claim's lease ends"))
              })
            )
          ),
          Effect.catchDefect((defect) =>
            Effect.fail(notificationError("Unavailable", `the transport crashed: ${String(defect).slice(0, 300)}`))
          ),
          Effect.result
        )
        if (sent._tag === "Success")
          return yield* record("Outbox.complete", () => outbox.complete(access, ref), "delivered")
        const error = sent.failure
        if (!error.isRetryable || message.attempt >= checked.retry.maxAttempts) {
          return yield* record("Outbox.fail", () => outbox.fail(access, ref, { error: describe(error) }), "dead")
        }
        const delay = retryDelay(checked.retry, message.attempt, yield* Random.next)
        const elapsed = (yield* Clock.currentTimeMillis) - started
        const retryAt = new Date(nowMs + elapsed + delay).toISOString()
        return yield* record(
          "Outbox.fail",
          () => outbox.fail(access, ref, { error: describe(error), retryAt }),
          "retried"
        )
      })

    const outcomes = yield* Effect.forEach(claims, deliverOne, { concurrency: checked.concurrency })
    const count = (o: Outcome) => outcomes.filter((x) => x === o).length
    const unrecorded = outcomes.flatMap((o) => (typeof o === "object" ? [o.unrecorded] : []))
    const first = unrecorded[0]
    return {
      claimed: claims.length,
      delivered: count("delivered"),
      retried: count("retried"),
      dead: count("dead"),
      lost: count("lost"),
      expired: count("expired"),
      unrecorded: unrecorded.length,
      ...(first === undefined ? {} : { storageError: first })
    } satisfies DeliveryReport
  })

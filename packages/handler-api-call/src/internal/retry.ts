/**
 * Retry within one step attempt: capped exponential backoff with jitter (core's `retryDelay`, the
 * draw from Effect's `Random`), `Retry-After` honoured up to the cap, only for retryable failures.
 * Delays are wall-clock (like the request timeouts), so a test clock driving the engine does not
 * stall the network.
 */
import { retryDelay } from "@workflow-manager/core"
import { Effect, Random } from "effect"
import { ApiCallError } from "../ApiCallError.js"

export interface Backoff {
  readonly maxAttempts: number
  readonly initialDelayMs: number
  readonly maxDelayMs: number
  readonly jitter: number
}

/** Sleeps on a real timer; interruption clears it. */
export const wallClockSleep = (ms: number): Effect.Effect<void> =>
  ms <= 0
    ? Effect.void
    : Effect.callback<void>((resume) => {
        const timer = setTimeout(() => resume(Effect.void), ms)
        return Effect.sync(() => clearTimeout(timer))
      })

/** The delay before try `tried + 1`: the server's `Retry-After` when it gave one, else the backoff; both capped. */
export const delayAfter = (backoff: Backoff, tried: number, error: ApiCallError, random: number): number =>
  error.retryAfterMs !== undefined
    ? Math.min(Math.max(0, error.retryAfterMs), backoff.maxDelayMs)
    : retryDelay(
        {
          maxAttempts: backoff.maxAttempts,
          initialDelayMs: backoff.initialDelayMs,
          maxDelayMs: backoff.maxDelayMs,
          backoffFactor: 2,
          jitter: backoff.jitter
        },
        tried,
        random
      )

/** Runs `once` up to `maxAttempts` times while it fails with a retryable error. */
export const withRetries = <A>(
  once: Effect.Effect<A, ApiCallError>,
  backoff: Backoff
): Effect.Effect<A, ApiCallError> =>
  Effect.gen(function* () {
    // bounded: at most maxAttempts tries
    for (let tried = 1; ; tried++) {
      const result = yield* Effect.result(once)
      if (result._tag === "Success") return result.success
      const error = result.failure
      if (!error.isRetryable || tried >= backoff.maxAttempts) {
        return yield* tried > 1
          ? new ApiCallError({
              reason: error.reason,
              message: `${error.message} (after ${tried} tries)`,
              ...(error.status === undefined ? {} : { status: error.status })
            })
          : Effect.fail(error)
      }
      yield* wallClockSleep(delayAfter(backoff, tried, error, yield* Random.next))
    }
  })

/** `Retry-After` in milliseconds (delta seconds, or an HTTP date relative to the response's `Date`). */
export const retryAfterMs = (headers: Readonly<Record<string, string>>): number | undefined => {
  const value = headers["retry-after"]?.trim()
  if (value === undefined || value === "") return undefined
  if (/^\d{1,9}$/.test(value)) return Number(value) * 1000
  const at = Date.parse(value)
  if (Number.isNaN(at)) return undefined
  const now =
    headers.date !== undefined && !Number.isNaN(Date.parse(headers.date)) ? Date.parse(headers.date) : Date.now()
  return Math.max(0, at - now)
}

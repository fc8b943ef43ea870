/**
 * Backoff, purely: how long to wait before the engine runs a failed automatic or deferred step
 * again, from the step's {@link RetryPolicy} and a random draw (the engine draws it from Effect's
 * `Random`, so a seeded test sees the same delays every run).
 *
 * @since 0.1.0
 */
import type { RetryPolicy } from "./Template.js"

/**
 * The delay in milliseconds after failed attempt `attempt` (1-based): `initialDelayMs` (default
 * 1 000) × `backoffFactor` (default 2) ^ (attempt − 1), capped at `maxDelayMs` (default 1 h), less
 * `jitter` (default 0.2) × `random` of it, where `random` is in [0, 1).
 *
 * @example
 * ```ts
 * import { retryDelay } from "@workflow-manager/core"
 *
 * retryDelay({ maxAttempts: 5, initialDelayMs: 1000, backoffFactor: 2, jitter: 0 }, 3, 0.5) // 4000
 * ```
 *
 * @since 0.1.0
 * @category retries
 */
export const retryDelay = (policy: RetryPolicy, attempt: number, random: number): number => {
  const initial = policy.initialDelayMs ?? 1000
  const factor = policy.backoffFactor ?? 2
  const cap = policy.maxDelayMs ?? 3_600_000
  const exponential = Math.min(cap, initial * factor ** Math.max(0, attempt - 1))
  const jitter = policy.jitter ?? 0.2
  return Math.max(0, Math.round(exponential * (1 - jitter * Math.min(Math.max(random, 0), 1))))
}

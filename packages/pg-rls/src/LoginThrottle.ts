/**
 * Sign-in throttling kept in PostgreSQL, so that every process of a server (and a restarted one)
 * counts the same attempts: per account (the e-mail address, registered or not) and per client
 * address, in fixed windows. {@link takeLoginAttempt} takes an attempt before the password is
 * checked — atomically, so concurrent guesses cannot overshoot a limit — and
 * {@link loginSucceeded} clears the account's count after a successful sign-in. Both run as
 * `workflow_app` through the database functions `wm_login_attempt` and `wm_login_succeeded`
 * (migration 0004); the table itself is out of the application's reach, and holds SHA-256 digests
 * of the keys, never an address someone typed.
 *
 * @since 0.1.0
 */
import type { StorageError } from "@workflow-manager/core"
import { Effect } from "effect"
import { attempt } from "./internal/query.js"
import { invalid } from "./internal/validate.js"
import type { PgClient } from "./PgClient.js"
import { anonymous, withTenant } from "./Scope.js"

/**
 * Who tries to sign in: the account (an e-mail address, trimmed and lower-cased by the database)
 * and the client's address (an IP address, or any text that identifies the client).
 *
 * @since 0.1.0
 * @category throttling
 */
export interface LoginAttempt {
  /** 1 to 1024 characters. */
  readonly account: string
  /** 1 to 1024 characters. */
  readonly address: string
}

/**
 * The attempts allowed per window, per account and per client address.
 *
 * @since 0.1.0
 * @category throttling
 */
export interface LoginThrottleLimits {
  /** Attempts per account per window (1 to 1,000,000). */
  readonly perAccount: number
  /** Attempts per client address per window (1 to 1,000,000). */
  readonly perAddress: number
  /** The window's length in seconds (1 to 604,800). */
  readonly windowSeconds: number
}

/**
 * The answer of {@link takeLoginAttempt}: allowed (the attempt is counted), or refused with the
 * seconds until the window that refused it ends.
 *
 * @since 0.1.0
 * @category throttling
 */
export type LoginAttemptDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number }

const isKey = (value: unknown): value is string =>
  typeof value === "string" && value.length >= 1 && value.length <= 1024 && !value.includes("\u0000")

const isLimit = (value: unknown, max: number): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= max

const checkAttempt = (operation: string, login: LoginAttempt): Effect.Effect<LoginAttempt, StorageError> => {
  const account: unknown = typeof login === "object" && login !== null ? login.account : undefined
  const address: unknown = typeof login === "object" && login !== null ? login.address : undefined
  return isKey(account) && isKey(address)
    ? Effect.succeed({ account, address })
    : Effect.fail(invalid(operation, "account and address must be 1 to 1024 characters without NUL"))
}

const checkLimits = (
  operation: string,
  limits: LoginThrottleLimits
): Effect.Effect<LoginThrottleLimits, StorageError> =>
  typeof limits === "object" &&
  limits !== null &&
  isLimit(limits.perAccount, 1_000_000) &&
  isLimit(limits.perAddress, 1_000_000) &&
  isLimit(limits.windowSeconds, 604_800)
    ? Effect.succeed(limits)
    : Effect.fail(
        invalid(
          operation,
          "perAccount and perAddress must be integers from 1 to 1000000, windowSeconds an integer from 1 to 604800"
        )
      )

/**
 * Takes one sign-in attempt for an account and a client address: refused when either has used
 * its limit in the current window, counted otherwise. Call it before checking the password, and
 * {@link loginSucceeded} when the password was right.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { takeLoginAttempt } from "@workflow-manager/pg-rls"
 *
 * const decision = await Effect.runPromise(
 *   takeLoginAttempt(client, { account: "ann@example.be", address: "192.0.2.7" },
 *     { perAccount: 10, perAddress: 100, windowSeconds: 900 })
 * )
 * if (!decision.allowed) console.log(`retry in ${decision.retryAfterSeconds} s`)
 * ```
 *
 * @since 0.1.0
 * @category throttling
 */
export const takeLoginAttempt = (
  client: PgClient,
  login: LoginAttempt,
  limits: LoginThrottleLimits
): Effect.Effect<LoginAttemptDecision, StorageError> =>
  Effect.gen(function* () {
    const operation = "takeLoginAttempt"
    const { account, address } = yield* checkAttempt(operation, login)
    const { perAccount, perAddress, windowSeconds } = yield* checkLimits(operation, limits)
    const rows = yield* attempt(operation, () =>
      withTenant(client, anonymous, (tx) =>
        tx.query<{ allowed: boolean; retry_after: number }>(
          "select allowed, retry_after from wm_login_attempt($1, $2, $3, $4, $5)",
          [account, address, perAccount, perAddress, windowSeconds]
        )
      )
    )
    // fail closed: anything but an explicit `allowed` refuses
    const row = rows[0]
    return row?.allowed === true
      ? { allowed: true as const }
      : { allowed: false as const, retryAfterSeconds: Math.max(1, Number(row?.retry_after) || 1) }
  })

/**
 * Records a successful sign-in: clears the account's count and gives the client address back the
 * attempt {@link takeLoginAttempt} took.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { loginSucceeded } from "@workflow-manager/pg-rls"
 *
 * await Effect.runPromise(loginSucceeded(client, { account: "ann@example.be", address: "192.0.2.7" }))
 * ```
 *
 * @since 0.1.0
 * @category throttling
 */
export const loginSucceeded = (client: PgClient, login: LoginAttempt): Effect.Effect<void, StorageError> =>
  Effect.gen(function* () {
    const operation = "loginSucceeded"
    const { account, address } = yield* checkAttempt(operation, login)
    yield* attempt(operation, () =>
      withTenant(client, anonymous, (tx) => tx.query("select wm_login_succeeded($1, $2)", [account, address]))
    )
  })

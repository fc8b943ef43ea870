/**
 * The one error of the auth module. Its `code` is the GraphQL `extensions.code` the server
 * answers with; its message is safe to show to the client (it never says whether an account
 * exists, nor anything about another tenant).
 *
 * @since 0.1.0
 */

/**
 * What went wrong:
 *
 * - `UNAUTHENTICATED` — no token, a bad, forged or expired token, a disabled or deleted user, or a
 *   failed sign-in (unknown address, wrong password, missing organisation: one answer for all);
 * - `FORBIDDEN` — the actor's role does not grant the operation;
 * - `THROTTLED` — too many sign-in attempts for the account or the client address
 *   (`retryAfterSeconds` says when to try again);
 * - `BAD_USER_INPUT` — a malformed argument (not an e-mail address, an oversized password, ...);
 * - `UNAVAILABLE` — the database could not be reached: nothing was decided, try again.
 *
 * @since 0.1.0
 * @category errors
 */
export type AuthErrorCode = "UNAUTHENTICATED" | "FORBIDDEN" | "THROTTLED" | "BAD_USER_INPUT" | "UNAVAILABLE"

/**
 * A refused sign-in, token or operation.
 *
 * @example
 * ```ts
 * import { AuthError } from "./AuthError.ts"
 *
 * throw new AuthError("FORBIDDEN", "a tenant_admin may not give the role market_ops")
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class AuthError extends Error {
  readonly code: AuthErrorCode
  /** For `THROTTLED`: seconds until the window that refused the attempt ends. */
  readonly retryAfterSeconds: number | undefined

  constructor(
    code: AuthErrorCode,
    message: string,
    options: { readonly retryAfterSeconds?: number; readonly cause?: unknown } = {}
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = "AuthError"
    this.code = code
    this.retryAfterSeconds = options.retryAfterSeconds
  }
}

/** The one answer of every failed sign-in and every refused token. */
export const SIGN_IN_FAILED =
  "sign-in failed: the e-mail address, the password or the organisation is wrong (an address registered with several organisations must name its organisation)"

export const TOKEN_REFUSED = "a valid access token is required (Authorization: Bearer <token>)"

/**
 * Access tokens: compact JWS signed with `jose`, one algorithm pinned by the configuration, `iss`,
 * `aud`, `exp`, `iat`, `sub` and `tid` (the tenant) required, no older than the configured
 * lifetime. Claims: `sub` the user id, `tid` the tenant id, `role`, `permissions`, `jti`.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { createRemoteJWKSet, type JWTPayload, jwtVerify, SignJWT } from "jose"
import type { AuthConfig } from "./AuthConfig.ts"

/**
 * What a verified token says (to be checked against the stored user).
 *
 * @since 0.1.0
 * @category tokens
 */
export interface TokenSubject {
  readonly userId: string
  readonly tenantId: string
}

/**
 * The claims of a token this server issues.
 *
 * @since 0.1.0
 * @category tokens
 */
export interface TokenClaims extends TokenSubject {
  readonly role: string
  readonly permissions: ReadonlyArray<string>
}

/** Largest token accepted (characters). */
export const MAX_TOKEN_LENGTH = 8192

const COMPACT_JWS = /^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const CLOCK_TOLERANCE_SECONDS = 5

/**
 * Signs a token for `claims`; `undefined` when this server does not sign (JWKS mode).
 *
 * @since 0.1.0
 * @category tokens
 */
export const makeSigner = (
  config: AuthConfig
): ((claims: TokenClaims) => Promise<{ readonly token: string; readonly expiresAt: Date }>) | undefined => {
  const keys = config.keys
  if (keys.kind === "jwks") return undefined
  const key = keys.kind === "secret" ? keys.secret : keys.privateKey
  return async (claims) => {
    const now = Math.floor(Date.now() / 1000)
    const expiresAt = now + config.tokenTtlSeconds
    const token = await new SignJWT({
      tid: claims.tenantId,
      role: claims.role,
      permissions: [...claims.permissions]
    })
      .setProtectedHeader({ alg: keys.algorithm, typ: "JWT", kid: keys.keyId })
      .setSubject(claims.userId)
      .setIssuer(config.issuer)
      .setAudience(config.audience)
      .setIssuedAt(now)
      .setExpirationTime(expiresAt)
      .setJti(randomUUID())
      .sign(key)
    return { token, expiresAt: new Date(expiresAt * 1000) }
  }
}

/**
 * Verifies a token: resolves with its subject, or `undefined` for any token that is not valid
 * (malformed, forged, another algorithm, expired, too old, another issuer or audience, a claim
 * missing or malformed).
 *
 * @since 0.1.0
 * @category tokens
 */
export const makeVerifier = (config: AuthConfig): ((token: string) => Promise<TokenSubject | undefined>) => {
  const keys = config.keys
  const key =
    keys.kind === "jwks"
      ? createRemoteJWKSet(keys.url, { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 600_000 })
      : keys.kind === "secret"
        ? keys.secret
        : keys.publicKey
  const options = {
    algorithms: [keys.algorithm],
    issuer: config.issuer,
    audience: config.audience,
    requiredClaims: ["exp", "iat", "sub", "tid"],
    maxTokenAge: config.tokenTtlSeconds + CLOCK_TOLERANCE_SECONDS,
    clockTolerance: CLOCK_TOLERANCE_SECONDS
  }
  return async (token) => {
    if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) return undefined
    let payload: JWTPayload
    try {
      // (two overloads: a key, or a key resolver)
      payload =
        typeof key === "function"
          ? (await jwtVerify(token, key, options)).payload
          : (await jwtVerify(token, key, options)).payload
    } catch {
      return undefined
    }
    const { sub, tid } = payload
    if (typeof sub !== "string" || !UUID.test(sub) || typeof tid !== "string" || !UUID.test(tid)) return undefined
    return { userId: sub.toLowerCase(), tenantId: tid.toLowerCase() }
  }
}

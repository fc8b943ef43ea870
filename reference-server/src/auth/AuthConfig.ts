/**
 * The auth module's configuration, read from the environment. One source of keys, pinned to one
 * algorithm:
 *
 * - `AUTH_JWT_SECRET` (at least 32 bytes) — HS256;
 * - `AUTH_JWT_PRIVATE_KEY` (a PKCS#8 PEM) — RS256 for an RSA key of 2048 bits or more, ES256 for a
 *   P-256 key, EdDSA for an Ed25519 key;
 * - `AUTH_JWKS_URL` — tokens issued elsewhere (a gateway, an identity provider), verified against
 *   its key set with the algorithm `AUTH_JWT_ALGORITHM` (default RS256); sign-in is then that
 *   issuer's, not this server's;
 * - none of them, with a data folder (the embedded default) — an ES256 key generated once and kept
 *   in `<dataDir>/auth/jwt-signing-key.pem` (mode 0600), with a printed warning.
 *
 * @since 0.1.0
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto"
import { mkdir, readFile, stat, writeFile } from "node:fs/promises"
import { join } from "node:path"
import type { LoginThrottleLimits } from "@workflow-manager/pg-rls"
import { calculateJwkThumbprint, exportJWK } from "jose"

/**
 * An asymmetric algorithm the server accepts.
 *
 * @since 0.1.0
 * @category config
 */
export type AsymmetricAlgorithm = "RS256" | "ES256" | "EdDSA"

/**
 * Where tokens come from and how they are checked.
 *
 * - `secret` — HS256 with a shared secret: this server signs and verifies;
 * - `keyPair` — this server signs with the private key and verifies with its public key;
 * - `jwks` — another issuer signs; this server verifies against the key set at `url` and does not
 *   sign in users itself.
 *
 * @since 0.1.0
 * @category config
 */
export type AuthKeys =
  | { readonly kind: "secret"; readonly algorithm: "HS256"; readonly secret: Uint8Array; readonly keyId: string }
  | {
      readonly kind: "keyPair"
      readonly algorithm: AsymmetricAlgorithm
      readonly privateKey: KeyObject
      readonly publicKey: KeyObject
      readonly keyId: string
      /** The generated key's file on the embedded default. */
      readonly file?: string
    }
  | { readonly kind: "jwks"; readonly algorithm: AsymmetricAlgorithm; readonly url: URL }

/**
 * The auth module's configuration.
 *
 * @since 0.1.0
 * @category config
 */
export interface AuthConfig {
  /** `iss` of the tokens issued and required of the tokens accepted (`AUTH_JWT_ISSUER`). */
  readonly issuer: string
  /** `aud` of the tokens issued and required of the tokens accepted (`AUTH_JWT_AUDIENCE`). */
  readonly audience: string
  /** Lifetime of a token, 60 to 900 seconds (`AUTH_TOKEN_TTL_SECONDS`, default 900); older tokens are refused too. */
  readonly tokenTtlSeconds: number
  readonly keys: AuthKeys
  /** Sign-in attempts per account and per client address per window (`AUTH_THROTTLE_*`). */
  readonly throttle: LoginThrottleLimits
  /** How long `authenticate` may reuse a user it read (`AUTH_USER_CACHE_MS`, default 0: read every time). */
  readonly userCacheMs: number
  /** What the operator should know (e.g. the generated key); also printed by {@link loadAuthConfig}. */
  readonly warnings: ReadonlyArray<string>
}

/**
 * A malformed or missing setting; the message names the variable.
 *
 * @since 0.1.0
 * @category config
 */
export class AuthConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "AuthConfigError"
  }
}

const DEFAULT_ISSUER = "workflow-manager-reference-server"
const DEFAULT_AUDIENCE = "workflow-manager"
const KEY_FILE = "jwt-signing-key.pem"
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"])

const text = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const value: unknown = env[name]
  return typeof value !== "string" || value.trim() === "" ? undefined : value.trim()
}

/**
 * Checks a configuration built in code (not read by {@link loadAuthConfig}); throws
 * {@link AuthConfigError} naming the first bad field.
 *
 * @since 0.1.0
 * @category config
 */
export const checkAuthConfig = (config: AuthConfig): AuthConfig => {
  const bad = (field: string, rule: string) => new AuthConfigError(`AuthConfig.${field} must be ${rule}`)
  const isInt = (v: unknown, min: number, max: number) =>
    typeof v === "number" && Number.isInteger(v) && v >= min && v <= max
  if (typeof config !== "object" || config === null) throw bad("", "an object")
  for (const field of ["issuer", "audience"] as const) {
    const value: unknown = config[field]
    if (typeof value !== "string" || value.length === 0 || value.length > 200) throw bad(field, "1 to 200 characters")
  }
  if (!isInt(config.tokenTtlSeconds, 1, 900)) throw bad("tokenTtlSeconds", "an integer from 1 to 900")
  if (!isInt(config.userCacheMs, 0, 60_000)) throw bad("userCacheMs", "an integer from 0 to 60000")
  const t: Partial<LoginThrottleLimits> =
    typeof config.throttle === "object" && config.throttle !== null ? config.throttle : {}
  if (!isInt(t.perAccount, 1, 1_000_000) || !isInt(t.perAddress, 1, 1_000_000) || !isInt(t.windowSeconds, 1, 604_800)) {
    throw bad("throttle", "{ perAccount, perAddress (1 to 1000000), windowSeconds (1 to 604800) }")
  }
  const keys: Partial<AuthKeys> = typeof config.keys === "object" && config.keys !== null ? config.keys : {}
  const asymmetric = (algorithm: unknown) => algorithm === "RS256" || algorithm === "ES256" || algorithm === "EdDSA"
  const valid =
    (keys.kind === "secret" &&
      keys.algorithm === "HS256" &&
      keys.secret instanceof Uint8Array &&
      keys.secret.length >= 32) ||
    (keys.kind === "keyPair" &&
      asymmetric(keys.algorithm) &&
      keys.privateKey?.type === "private" &&
      keys.publicKey?.type === "public") ||
    (keys.kind === "jwks" && asymmetric(keys.algorithm) && keys.url instanceof URL)
  if (!valid) {
    throw bad("keys", "an HS256 secret of 32+ bytes, an RS256/ES256/EdDSA key pair, or a JWKS URL with its algorithm")
  }
  return config
}

const integer = (env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number => {
  const value = text(env, name)
  if (value === undefined) return fallback
  const parsed = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN
  if (!(parsed >= min && parsed <= max)) throw new AuthConfigError(`${name} must be an integer from ${min} to ${max}`)
  return parsed
}

const claimText = (env: NodeJS.ProcessEnv, name: string, fallback: string): string => {
  const value = text(env, name) ?? fallback
  if (value.length > 200 || !/^[\x20-\x7e]+$/.test(value)) {
    throw new AuthConfigError(`${name} must be at most 200 printable ASCII characters`)
  }
  return value
}

const algorithmOf = (key: KeyObject, variable: string): AsymmetricAlgorithm => {
  const details = key.asymmetricKeyDetails ?? {}
  if (key.asymmetricKeyType === "rsa" && (details.modulusLength ?? 0) >= 2048) return "RS256"
  if (key.asymmetricKeyType === "ec" && details.namedCurve === "prime256v1") return "ES256"
  if (key.asymmetricKeyType === "ed25519") return "EdDSA"
  throw new AuthConfigError(`${variable} must be an RSA key of 2048 bits or more, a P-256 key or an Ed25519 key`)
}

const keyIdOf = async (publicKey: KeyObject): Promise<string> => calculateJwkThumbprint(await exportJWK(publicKey))

const keyPair = async (pem: string, variable: string, file?: string): Promise<AuthKeys> => {
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey({ key: pem, format: "pem" })
  } catch {
    throw new AuthConfigError(`${variable} must be a private key in PEM (PKCS#8)`)
  }
  if (privateKey.type !== "private") throw new AuthConfigError(`${variable} must be a private key`)
  const algorithm = algorithmOf(privateKey, variable)
  const publicKey = createPublicKey(privateKey)
  return {
    kind: "keyPair",
    algorithm,
    privateKey,
    publicKey,
    keyId: await keyIdOf(publicKey),
    ...(file === undefined ? {} : { file })
  }
}

const pinnedAlgorithm = (env: NodeJS.ProcessEnv): AsymmetricAlgorithm => {
  const value = text(env, "AUTH_JWT_ALGORITHM") ?? "RS256"
  if (value !== "RS256" && value !== "ES256" && value !== "EdDSA") {
    throw new AuthConfigError("AUTH_JWT_ALGORITHM must be RS256, ES256 or EdDSA (the algorithm of the JWKS keys)")
  }
  return value
}

const jwksUrl = (value: string): URL => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new AuthConfigError("AUTH_JWKS_URL must be a URL")
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
    throw new AuthConfigError("AUTH_JWKS_URL must be an https URL (http only on loopback)")
  }
  if (url.username !== "" || url.password !== "") throw new AuthConfigError("AUTH_JWKS_URL must not hold credentials")
  return url
}

/** The embedded default's key: read from the data folder, or generated there once. */
const dataDirKey = async (dataDir: string): Promise<AuthKeys> => {
  const folder = join(dataDir, "auth")
  const file = join(folder, KEY_FILE)
  await mkdir(folder, { recursive: true, mode: 0o700 })
  const exists = await stat(file).then(
    () => true,
    (error: { code?: unknown }) => {
      if (error.code === "ENOENT") return false
      throw error
    }
  )
  if (!exists) {
    const pem = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" })
    try {
      // "wx": never overwrite a key another process wrote first
      await writeFile(file, pem, { mode: 0o600, flag: "wx" })
    } catch (error) {
      if ((error as { code?: unknown }).code !== "EEXIST") throw error
    }
  }
  const mode = (await stat(file)).mode & 0o777
  if ((mode & 0o077) !== 0) {
    throw new AuthConfigError(
      `${file} is readable by others (mode ${mode.toString(8)}): run chmod 600 on it, or set AUTH_JWT_PRIVATE_KEY`
    )
  }
  return keyPair(await readFile(file, "utf8"), file, file)
}

/**
 * Reads the auth configuration from the environment. With no key configured and a `dataDir`, the
 * embedded default's key is generated once in `<dataDir>/auth/jwt-signing-key.pem` (mode 0600) and
 * a warning is printed (through `warn`, default stderr).
 *
 * @example
 * ```ts
 * import { loadAuthConfig } from "./AuthConfig.ts"
 *
 * const config = await loadAuthConfig(process.env, { dataDir: "./data" })
 * ```
 *
 * @since 0.1.0
 * @category config
 */
export const loadAuthConfig = async (
  env: NodeJS.ProcessEnv,
  defaults: { readonly dataDir?: string | undefined; readonly warn?: (message: string) => void }
): Promise<AuthConfig> => {
  if (typeof env !== "object" || env === null)
    throw new AuthConfigError("loadAuthConfig takes the environment (an object)")
  const warn =
    typeof defaults?.warn === "function"
      ? defaults.warn
      : (message: string) => process.stderr.write(`warning: ${message}\n`)
  const dataDir = typeof defaults?.dataDir === "string" && defaults.dataDir !== "" ? defaults.dataDir : undefined
  const secret = text(env, "AUTH_JWT_SECRET")
  const privateKey = text(env, "AUTH_JWT_PRIVATE_KEY")
  const jwks = text(env, "AUTH_JWKS_URL")
  const given = [secret, privateKey, jwks].filter((v) => v !== undefined).length
  if (given > 1) {
    throw new AuthConfigError("set only one of AUTH_JWT_SECRET, AUTH_JWT_PRIVATE_KEY and AUTH_JWKS_URL")
  }
  const warnings: Array<string> = []
  let keys: AuthKeys
  if (secret !== undefined) {
    const bytes = new TextEncoder().encode(secret)
    if (bytes.length < 32) throw new AuthConfigError("AUTH_JWT_SECRET must be at least 32 bytes (HS256)")
    keys = { kind: "secret", algorithm: "HS256", secret: bytes, keyId: "hs256" }
  } else if (privateKey !== undefined) {
    keys = await keyPair(privateKey, "AUTH_JWT_PRIVATE_KEY")
  } else if (jwks !== undefined) {
    keys = { kind: "jwks", algorithm: pinnedAlgorithm(env), url: jwksUrl(jwks) }
  } else if (dataDir !== undefined) {
    keys = await dataDirKey(dataDir)
    warnings.push(
      `tokens are signed with a key generated for this data folder (${keys.kind === "keyPair" ? keys.file : ""}); set AUTH_JWT_PRIVATE_KEY, AUTH_JWT_SECRET or AUTH_JWKS_URL in production`
    )
  } else {
    throw new AuthConfigError(
      "set AUTH_JWT_PRIVATE_KEY, AUTH_JWT_SECRET or AUTH_JWKS_URL (no data folder to keep a key in)"
    )
  }
  const config: AuthConfig = {
    issuer: claimText(env, "AUTH_JWT_ISSUER", DEFAULT_ISSUER),
    audience: claimText(env, "AUTH_JWT_AUDIENCE", DEFAULT_AUDIENCE),
    tokenTtlSeconds: integer(env, "AUTH_TOKEN_TTL_SECONDS", 900, 60, 900),
    keys,
    throttle: {
      perAccount: integer(env, "AUTH_THROTTLE_PER_ACCOUNT", 10, 1, 1_000_000),
      perAddress: integer(env, "AUTH_THROTTLE_PER_ADDRESS", 100, 1, 1_000_000),
      windowSeconds: integer(env, "AUTH_THROTTLE_WINDOW_SECONDS", 900, 1, 604_800)
    },
    userCacheMs: integer(env, "AUTH_USER_CACHE_MS", 0, 0, 60_000),
    warnings
  }
  for (const message of warnings) warn(message)
  return config
}

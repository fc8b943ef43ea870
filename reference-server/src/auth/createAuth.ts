/**
 * Sign-in and authentication.
 *
 * `login` answers every failure — unknown address, wrong password, an address registered with
 * several organisations that names none, an account whose role this server does not know — with
 * one `UNAUTHENTICATED` and one message, after the same work: one throttle round trip, one
 * candidate lookup, one argon2id verification (against a dummy hash when there is no single
 * candidate) and nothing more. Only a success does more (clearing the account's throttle count,
 * signing). Throttling is per account and per client address, in PostgreSQL (pg-rls's
 * `takeLoginAttempt`), so every process counts the same attempts.
 *
 * `authenticate` verifies the token, then reads the user again (in the token's tenant): a user
 * disabled, deleted, moved or given another role since the token was issued is refused or gets the
 * new role's permissions. The token's tenant is the only tenant a tenant user acts in.
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { type Actor, type PolicyService, type StorageError, tenantAccess } from "@workflow-manager/core"
import { loginSucceeded, type PgClient, takeLoginAttempt, type UsersService } from "@workflow-manager/pg-rls"
import { Effect, Exit } from "effect"
import { type AuthConfig, AuthConfigError, checkAuthConfig } from "./AuthConfig.ts"
import { AuthError, SIGN_IN_FAILED, TOKEN_REFUSED } from "./AuthError.ts"
import { hashPassword, MAX_PASSWORD_LENGTH, verifyPassword } from "./passwords.ts"
import { isRole, PERMISSIONS, type Role } from "./permissions.ts"
import { makeRbacPolicy } from "./rbacPolicy.ts"
import { makeSigner, makeVerifier, type TokenSubject } from "./tokens.ts"

/**
 * What throttling needs: pg-rls's client (a `pg` Pool or PGlite seen through `fromPool` /
 * `fromPGlite`), the same the storage uses.
 *
 * @since 0.1.0
 * @category auth
 */
export type AuthDb = PgClient

/**
 * The auth module.
 *
 * @since 0.1.0
 * @category auth
 */
export interface Auth {
  /** `login(email, password, organisation?)` → a JWT; throws `AuthError` (`UNAUTHENTICATED`, `THROTTLED`, `BAD_USER_INPUT`, `UNAVAILABLE`). */
  readonly login: (
    input: { readonly email: string; readonly password: string; readonly organisation?: string | undefined },
    meta: { readonly address: string }
  ) => Promise<{ readonly token: string; readonly expiresAt: string; readonly actor: Actor }>
  /** The actor of a request's `Authorization` header value, or throws `AuthError("UNAUTHENTICATED")` (or `UNAVAILABLE`). */
  readonly authenticate: (authorization: string | undefined) => Promise<Actor>
  /** Core's policy with the permission matrix: the `policy` option of the engine (wrap it in `approvalPolicy`). */
  readonly policy: PolicyService
  /** The permission matrix, for docs and for `me { permissions }`. */
  readonly permissions: Readonly<Record<Role, ReadonlyArray<string>>>
}

/**
 * What {@link createAuth} takes.
 *
 * @since 0.1.0
 * @category auth
 */
export interface AuthDeps {
  readonly db: AuthDb
  readonly users: UsersService
  readonly config: AuthConfig
  /** The operator organisation: a `market_ops` actor of any other tenant is refused by the policy. */
  readonly operatorId?: string | undefined
}

const EMAIL = /^[^\s@]+@[^\s@]+$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const MAX_ADDRESS_LENGTH = 200
const MAX_CACHED_USERS = 10_000

const unavailable = (cause: unknown) =>
  new AuthError("UNAVAILABLE", "the user directory is unavailable; try again", { cause })

const run = async <A>(effect: Effect.Effect<A, StorageError>): Promise<A> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return exit.value
  throw unavailable(exit.cause)
}

const badInput = (message: string) => new AuthError("BAD_USER_INPUT", message)

/** The sign-in arguments, checked: a normalised e-mail address, the password, the organisation id. */
const checkLogin = (input: unknown): { email: string; password: string; organisation: string | undefined } => {
  if (typeof input !== "object" || input === null) throw badInput("login takes an email and a password")
  const { email, password, organisation } = input as Record<string, unknown>
  const normalized = typeof email === "string" ? email.trim().toLowerCase() : ""
  if (normalized.length < 3 || normalized.length > 320 || !EMAIL.test(normalized) || normalized.includes("\u0000")) {
    throw badInput("email must be an e-mail address of at most 320 characters")
  }
  if (typeof password !== "string" || password.length === 0 || password.length > MAX_PASSWORD_LENGTH) {
    throw badInput(`password must be 1 to ${MAX_PASSWORD_LENGTH} characters`)
  }
  if (
    organisation !== undefined &&
    organisation !== null &&
    (typeof organisation !== "string" || !UUID.test(organisation))
  ) {
    throw badInput("organisation must be the id of an organisation (a UUID)")
  }
  return {
    email: normalized,
    password,
    organisation: typeof organisation === "string" ? organisation.toLowerCase() : undefined
  }
}

const clientAddress = (meta: unknown): string => {
  const address = typeof meta === "object" && meta !== null ? (meta as { address?: unknown }).address : undefined
  return typeof address === "string" &&
    address.length >= 1 &&
    address.length <= MAX_ADDRESS_LENGTH &&
    !address.includes("\u0000")
    ? address
    : "unknown"
}

const bearer = (authorization: unknown): string | undefined => {
  if (typeof authorization !== "string" || authorization.length > 8300) return undefined
  const match = /^Bearer +([^\s]+) *$/i.exec(authorization)
  return match?.[1]
}

const actorOf = (user: { readonly id: string; readonly tenantId: string; readonly role: Role }): Actor => ({
  userId: user.id,
  tenantId: user.tenantId,
  role: user.role,
  permissions: [...PERMISSIONS[user.role]]
})

/**
 * Builds the auth module: sign-in, authentication, the RBAC policy.
 *
 * @example
 * ```ts
 * import { createAuth, loadAuthConfig } from "./auth/index.ts"
 *
 * const auth = await createAuth({
 *   db: storage.client,
 *   users: storage.services.users,
 *   config: await loadAuthConfig(process.env, { dataDir: "./data" }),
 *   operatorId: storage.operatorId
 * })
 * const { token } = await auth.login({ email: "ann@example.be", password: "…" }, { address: "192.0.2.7" })
 * const actor = await auth.authenticate(`Bearer ${token}`)
 * ```
 *
 * @since 0.1.0
 * @category auth
 */
export const createAuth = async (deps: AuthDeps): Promise<Auth> => {
  if (typeof deps !== "object" || deps === null || typeof deps.users !== "object" || deps.users === null) {
    throw new AuthConfigError("createAuth takes { db, users, config }")
  }
  const { db, users } = deps
  const config = checkAuthConfig(deps.config)
  const sign = makeSigner(config)
  const verify = makeVerifier(config)
  // a hash of the same parameters, verified when there is no single candidate: the same work
  const dummyHash = await hashPassword(randomBytes(24).toString("base64"))
  const cache = new Map<string, { readonly actor: Actor | undefined; readonly until: number }>()

  const loadActor = async (subject: TokenSubject): Promise<Actor | undefined> => {
    const user = await run(users.get(tenantAccess(subject.tenantId), subject.userId))
    if (user === undefined || user.status !== "ACTIVE" || user.tenantId !== subject.tenantId || !isRole(user.role)) {
      return undefined
    }
    return actorOf({ id: user.id, tenantId: user.tenantId, role: user.role })
  }

  const cachedActor = async (subject: TokenSubject): Promise<Actor | undefined> => {
    if (config.userCacheMs <= 0) return loadActor(subject)
    const key = `${subject.tenantId}/${subject.userId}`
    const now = Date.now()
    const hit = cache.get(key)
    if (hit !== undefined && hit.until > now) return hit.actor
    const actor = await loadActor(subject)
    if (cache.size >= MAX_CACHED_USERS) cache.clear()
    cache.set(key, { actor, until: now + config.userCacheMs })
    return actor
  }

  return {
    login: async (input, meta) => {
      if (sign === undefined) {
        throw badInput("this server does not sign users in: tokens come from the identity provider (AUTH_JWKS_URL)")
      }
      const { email, password, organisation } = checkLogin(input)
      const attempt = { account: email, address: clientAddress(meta) }
      const decision = await run(takeLoginAttempt(db, attempt, config.throttle))
      if (!decision.allowed) {
        throw new AuthError("THROTTLED", `too many sign-in attempts: try again in ${decision.retryAfterSeconds} s`, {
          retryAfterSeconds: decision.retryAfterSeconds
        })
      }
      const candidates = (await run(users.loginCandidates(email))).filter(
        (c) => isRole(c.user.role) && (organisation === undefined || c.user.tenantId === organisation)
      )
      const candidate = candidates.length === 1 ? candidates[0] : undefined
      const matches = await verifyPassword(candidate?.passwordHash ?? dummyHash, password)
      if (candidate === undefined || !matches) throw new AuthError("UNAUTHENTICATED", SIGN_IN_FAILED)
      const { user } = candidate
      await run(loginSucceeded(db, attempt))
      const actor = actorOf({ id: user.id, tenantId: user.tenantId, role: user.role as Role })
      const { token, expiresAt } = await sign({ ...actor })
      return { token, expiresAt: expiresAt.toISOString(), actor }
    },
    authenticate: async (authorization) => {
      const token = bearer(authorization)
      const subject = token === undefined ? undefined : await verify(token)
      if (subject === undefined) throw new AuthError("UNAUTHENTICATED", TOKEN_REFUSED)
      const actor = await cachedActor(subject)
      if (actor === undefined) throw new AuthError("UNAUTHENTICATED", TOKEN_REFUSED)
      return actor
    },
    policy: makeRbacPolicy({ operatorId: deps.operatorId }),
    permissions: PERMISSIONS
  }
}

/**
 * Users of the tenants. A tenant scope reads, creates and updates its own users; the operator
 * every tenant's. E-mail addresses are unique per tenant — not globally, which would let one
 * tenant learn by a refused insert that an address is registered with another. The password hash
 * (argon2id or bcrypt at OWASP parameters, computed by the server: see {@link isPasswordHash}) is
 * stored but never returned, and the application role cannot even read it: only
 * {@link UsersService.loginCandidates}, the sign-in lookup, gets it, through the database function
 * `wm_sign_in`. The role `market_ops` is only for users of a registered operator organisation: the
 * database refuses it anywhere else, whoever writes.
 *
 * @since 0.1.0
 */
import { type Access, Instant, type StorageError } from "@workflow-manager/core"
import { Context, Effect, Schema } from "effect"
import { attempt } from "./internal/query.js"
import { instant, notFound, setList } from "./internal/rows.js"
import { GET_USER_SQL } from "./internal/sql.js"
import { checkCovers, checkScope, checkText, checkUuid, invalid, tenantViolation } from "./internal/validate.js"
import { scopeArgs, withTenant } from "./Scope.js"
import type { StoreConfig } from "./StoreConfig.js"

/**
 * The lifecycle of a user account.
 *
 * @since 0.1.0
 * @category users
 */
export const UserStatus = Schema.Literals(["INVITED", "ACTIVE", "DISABLED"])

/**
 * A user status.
 *
 * @since 0.1.0
 * @category users
 */
export type UserStatus = typeof UserStatus.Type

/**
 * A user as returned (never with the password hash).
 *
 * @since 0.1.0
 * @category users
 */
export const User = Schema.Struct({
  id: Schema.String,
  tenantId: Schema.String,
  email: Schema.String,
  role: Schema.String,
  displayName: Schema.NullOr(Schema.String),
  status: UserStatus,
  createdAt: Instant,
  updatedAt: Instant
})

/**
 * A user.
 *
 * @since 0.1.0
 * @category users
 */
export type User = typeof User.Type

/**
 * What creating a user takes (`id` defaults to a random UUID, `status` to `ACTIVE`).
 *
 * @since 0.1.0
 * @category users
 */
export interface NewUser {
  readonly id?: string
  readonly tenantId: string
  /** Trimmed and lower-cased before it is stored. */
  readonly email: string
  /** The application role, e.g. `market_ops`, `tenant_admin`: lower-case letters, digits, `_`. */
  readonly role: string
  /** A password hash computed by the caller (never a password). */
  readonly passwordHash?: string | null
  readonly displayName?: string | null
  readonly status?: UserStatus
}

/**
 * The fields of a user to change (absent = unchanged).
 *
 * @since 0.1.0
 * @category users
 */
export interface UserPatch {
  readonly email?: string
  readonly role?: string
  readonly displayName?: string | null
  readonly status?: UserStatus
}

/**
 * An account found by the sign-in lookup, with the hash to verify the password against.
 *
 * @since 0.1.0
 * @category users
 */
export interface LoginCandidate {
  readonly user: User
  readonly passwordHash: string
}

/**
 * The users repository.
 *
 * @since 0.1.0
 * @category users
 */
export interface UsersService {
  /** Creates a user of a tenant the scope covers; `Conflict` when the e-mail is taken in that tenant. */
  readonly create: (access: Access, user: NewUser) => Effect.Effect<User, StorageError>
  /**
   * One user, or `undefined` (also when outside `access`). One round trip: the database function
   * `wm_get_user` enters the scope and reads under row-level security.
   */
  readonly get: (access: Access, id: string) => Effect.Effect<User | undefined, StorageError>
  /** The accounts of an e-mail address visible in `access` (one per tenant at most). */
  readonly findByEmail: (access: Access, email: string) => Effect.Effect<ReadonlyArray<User>, StorageError>
  /** The users visible in `access`, optionally of one tenant, by e-mail. */
  readonly list: (
    access: Access,
    filter?: { readonly tenantId?: string }
  ) => Effect.Effect<ReadonlyArray<User>, StorageError>
  /** Changes a user; `NotFound` when it is not visible. */
  readonly update: (access: Access, id: string, patch: UserPatch) => Effect.Effect<User, StorageError>
  /** Replaces (or with `null` removes) the password hash; `NotFound` when the user is not visible. */
  readonly setPasswordHash: (
    access: Access,
    id: string,
    passwordHash: string | null
  ) => Effect.Effect<void, StorageError>
  /**
   * The sign-in lookup: the `ACTIVE` accounts of an e-mail address in every tenant, with their
   * password hashes (at most 100). Runs the database function `wm_sign_in`, the only reader of hashes.
   */
  readonly loginCandidates: (email: string) => Effect.Effect<ReadonlyArray<LoginCandidate>, StorageError>
}

/**
 * The users repository service.
 *
 * @since 0.1.0
 * @category users
 */
export class Users extends Context.Service<Users, UsersService>()("@workflow-manager/pg-rls/Users") {}

const COLUMNS = "id, tenant_id, email, role, display_name, status, created_at, updated_at"

interface UserRow {
  readonly id: string
  readonly tenant_id: string
  readonly email: string
  readonly role: string
  readonly display_name: string | null
  readonly status: UserStatus
  readonly created_at: unknown
  readonly updated_at: unknown
  readonly password_hash?: string
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  tenantId: row.tenant_id,
  email: row.email,
  role: row.role,
  displayName: row.display_name,
  status: row.status,
  createdAt: instant(row.created_at),
  updatedAt: instant(row.updated_at)
})

const ARGON2ID = /^\$argon2id\$v=19\$m=(\d{1,9}),t=(\d{1,6}),p=(\d{1,4})\$[A-Za-z0-9+/]{11,86}\$[A-Za-z0-9+/]{22,}$/
const BCRYPT = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/

/**
 * Whether a value is a password hash the adapter stores: argon2id (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`)
 * at OWASP's parameters (memory ≥ 7 MiB and memory × iterations ≥ 35 MiB, e.g. m=19456,t=2,p=1), or
 * bcrypt (`$2a$`, `$2b$`, `$2y$`) of cost 10 or more. The database checks the same rule.
 *
 * @example
 * ```ts
 * import { isPasswordHash } from "@workflow-manager/pg-rls"
 *
 * isPasswordHash("hunter2") // false
 * ```
 *
 * @since 0.1.0
 * @category users
 */
export const isPasswordHash = (value: unknown): value is string => {
  if (typeof value !== "string" || value.length > 1024) return false
  const argon = ARGON2ID.exec(value)
  if (argon !== null) {
    const [m, t, p] = [Number(argon[1]), Number(argon[2]), Number(argon[3])]
    return m >= 7168 && m * t >= 35840 && p >= 1
  }
  const bcrypt = BCRYPT.exec(value)
  return bcrypt !== null && Number(bcrypt[1]) >= 10 && Number(bcrypt[1]) <= 31
}

const checkPasswordHash = (operation: string, value: unknown) =>
  value === null || isPasswordHash(value)
    ? Effect.succeed(value)
    : Effect.fail(
        invalid(
          operation,
          "passwordHash must be an argon2id hash (m >= 7168 KiB, m*t >= 35840) or a bcrypt hash of cost >= 10, computed by the server — never a password"
        )
      )

/** A refused write of the role market_ops: say why. */
const operatorRoleRefused = (operation: string, role: string | undefined) => (error: StorageError) =>
  role === "market_ops" && error.reason._tag === "TenantViolation"
    ? Effect.fail(
        tenantViolation(
          operation,
          "the role market_ops is only for users of a registered operator organisation (createOperatorOrganisation)"
        )
      )
    : Effect.fail(error)

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/
const ROLE_PATTERN = /^[a-z][a-z0-9_]{0,62}$/
const isStatus = Schema.is(UserStatus)

const checkEmail = (operation: string, value: unknown) => {
  const email = typeof value === "string" ? value.trim().toLowerCase() : ""
  return email.length >= 3 && email.length <= 320 && EMAIL_PATTERN.test(email) && !email.includes("\u0000")
    ? Effect.succeed(email)
    : Effect.fail(invalid(operation, "email must be an e-mail address of at most 320 characters"))
}

const checkRole = (operation: string, value: unknown) =>
  typeof value === "string" && ROLE_PATTERN.test(value)
    ? Effect.succeed(value)
    : Effect.fail(invalid(operation, "role must be 1 to 63 lower-case letters, digits or '_', starting with a letter"))

const checkStatus = (operation: string, value: unknown) =>
  isStatus(value) ? Effect.succeed(value) : Effect.fail(invalid(operation, `unknown user status ${String(value)}`))

const checkNullableText = (operation: string, what: string, value: unknown, max: number) =>
  value === null ? Effect.succeed(null) : checkText(operation, what, value, max)

/**
 * Builds the users repository over a client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeUsers = (config: StoreConfig): UsersService => {
  const { client } = config
  return {
    create: (access, user) =>
      Effect.gen(function* () {
        const operation = "Users.create"
        yield* checkScope(operation, access)
        const id = user.id === undefined ? null : yield* checkUuid(operation, "user id", user.id)
        const tenantId = yield* checkUuid(operation, "tenant id", user.tenantId)
        yield* checkCovers(operation, access, tenantId)
        const email = yield* checkEmail(operation, user.email)
        const role = yield* checkRole(operation, user.role)
        const passwordHash = yield* checkPasswordHash(operation, user.passwordHash ?? null)
        const displayName = yield* checkNullableText(operation, "displayName", user.displayName ?? null, 300)
        const status = yield* checkStatus(operation, user.status ?? "ACTIVE")
        const rows = yield* attempt(
          operation,
          () =>
            withTenant(client, access, (tx) =>
              tx.query<UserRow>(
                `insert into users (id, tenant_id, email, role, password_hash, display_name, status)
               values (coalesce($1::uuid, gen_random_uuid()), $2, $3, $4, $5, $6, $7) returning ${COLUMNS}`,
                [id, tenantId, email, role, passwordHash, displayName, status]
              )
            ),
          { tenantId }
        ).pipe(Effect.catch(operatorRoleRefused(operation, role)))
        return toUser(rows[0] as UserRow)
      }),
    get: (access, id) =>
      Effect.gen(function* () {
        const operation = "Users.get"
        yield* checkScope(operation, access)
        const userId = yield* checkUuid(operation, "user id", id)
        const [tenant, appRole] = scopeArgs(access)
        const rows = yield* attempt(operation, () => client.query<UserRow>(GET_USER_SQL, [tenant, appRole, userId]))
        return rows[0] === undefined ? undefined : toUser(rows[0])
      }),
    findByEmail: (access, email) =>
      Effect.gen(function* () {
        const operation = "Users.findByEmail"
        yield* checkScope(operation, access)
        const normalized = yield* checkEmail(operation, email)
        const rows = yield* attempt(operation, () =>
          withTenant(client, access, (tx) =>
            tx.query<UserRow>(`select ${COLUMNS} from users where email = $1 order by tenant_id`, [normalized])
          )
        )
        return rows.map(toUser)
      }),
    list: (access, filter) =>
      Effect.gen(function* () {
        const operation = "Users.list"
        yield* checkScope(operation, access)
        const tenantId =
          filter?.tenantId === undefined ? null : yield* checkUuid(operation, "tenant id", filter.tenantId)
        const rows = yield* attempt(operation, () =>
          withTenant(client, access, (tx) =>
            tx.query<UserRow>(
              `select ${COLUMNS} from users where ($1::uuid is null or tenant_id = $1) order by email, tenant_id`,
              [tenantId]
            )
          )
        )
        return rows.map(toUser)
      }),
    update: (access, id, patch) =>
      Effect.gen(function* () {
        const operation = "Users.update"
        yield* checkScope(operation, access)
        const userId = yield* checkUuid(operation, "user id", id)
        const role = patch.role === undefined ? undefined : yield* checkRole(operation, patch.role)
        const set = setList(
          [
            ["email", patch.email === undefined ? undefined : yield* checkEmail(operation, patch.email)],
            ["role", role],
            [
              "display_name",
              patch.displayName === undefined
                ? undefined
                : yield* checkNullableText(operation, "displayName", patch.displayName, 300)
            ],
            ["status", patch.status === undefined ? undefined : yield* checkStatus(operation, patch.status)]
          ],
          1
        )
        const rows = yield* attempt(operation, () =>
          withTenant(client, access, (tx) =>
            tx.query<UserRow>(`update users set ${set.sql} where id = $1 returning ${COLUMNS}`, [userId, ...set.params])
          )
        ).pipe(Effect.catch(operatorRoleRefused(operation, role)))
        if (rows[0] === undefined) return yield* Effect.fail(notFound(operation, "user", userId))
        return toUser(rows[0])
      }),
    setPasswordHash: (access, id, passwordHash) =>
      Effect.gen(function* () {
        const operation = "Users.setPasswordHash"
        yield* checkScope(operation, access)
        const userId = yield* checkUuid(operation, "user id", id)
        const hash = yield* checkPasswordHash(operation, passwordHash)
        const rows = yield* attempt(operation, () =>
          withTenant(client, access, (tx) =>
            tx.query("update users set password_hash = $2, updated_at = now() where id = $1 returning 1", [
              userId,
              hash
            ])
          )
        )
        if (rows.length === 0) return yield* Effect.fail(notFound(operation, "user", userId))
      }),
    loginCandidates: (email) =>
      Effect.gen(function* () {
        const operation = "Users.loginCandidates"
        const normalized = yield* checkEmail(operation, email)
        const rows = yield* attempt(operation, () =>
          client.query<UserRow & { password_hash: string }>(`select ${COLUMNS}, password_hash from wm_sign_in($1)`, [
            normalized
          ])
        )
        return rows.map((row) => ({ user: toUser(row), passwordHash: row.password_hash }))
      })
  }
}

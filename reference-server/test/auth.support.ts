/**
 * The backends the auth tests run on: a fresh database on the PostgreSQL server (two pools, as two
 * server processes would have) and an in-memory PGlite; both migrated, with an operator
 * organisation, and helpers to add tenants and users.
 */
import { randomBytes } from "node:crypto"
import { PGlite } from "@electric-sql/pglite"
import { type Access, operatorAccess, runPromise } from "@workflow-manager/core"
import {
  createOperatorOrganisation,
  fromPGlite,
  fromPool,
  make,
  migrate,
  type PGliteLike,
  type PgClient,
  type PoolLike,
  type User,
  type UserStatus,
  type UsersService
} from "@workflow-manager/pg-rls"
import { describeWithService, PostgreSQL } from "@workflow-manager/test-utils"
import pg from "pg"
import { afterAll, beforeAll, describe } from "vitest"
import { type AuthConfig, hashPassword } from "../src/auth/index.ts"

export interface AuthBackend {
  readonly name: "postgres" | "pglite"
  readonly client: PgClient
  /** Another client on the same database (another pool on PostgreSQL, as another process has). */
  readonly otherClient: PgClient
  /** The superuser, for reading and changing rows around the module. */
  readonly admin: PgClient
  readonly users: UsersService
  readonly operatorId: string
  readonly operator: Access
  readonly newTenant: () => Promise<string>
  readonly newUser: (
    tenantId: string,
    role: string,
    options?: { readonly password?: string; readonly status?: UserStatus; readonly email?: string }
  ) => Promise<User & { readonly password: string }>
}

const quiet = (pool: pg.Pool): pg.Pool => {
  pool.on("error", () => {})
  return pool
}

export const unique = (): string => randomBytes(5).toString("hex")

const build = async (
  name: AuthBackend["name"],
  client: PgClient,
  otherClient: PgClient,
  admin: PgClient
): Promise<AuthBackend> => {
  await runPromise(migrate(admin))
  const operatorId = await runPromise(
    createOperatorOrganisation(admin, { companyName: `Operator ${unique()}`, vatNumber: `BE0${Date.now() % 1e9}` })
  )
  const operator = operatorAccess("test-ops", operatorId)
  const { users, tenants } = await runPromise(make({ client }))
  return {
    name,
    client,
    otherClient,
    admin,
    users,
    operatorId,
    operator,
    newTenant: async () =>
      (
        await runPromise(
          tenants.create(operator, {
            companyName: `Participant ${unique()}`,
            vatNumber: `BE${randomBytes(5).readUIntBE(0, 5) % 10_000_000_000}`.padEnd(12, "1"),
            status: "ACTIVE"
          })
        )
      ).id,
    newUser: async (tenantId, role, options = {}) => {
      const password = options.password ?? `pw-${unique()}-${unique()}`
      const user = await runPromise(
        users.create(operator, {
          tenantId,
          email: options.email ?? `user-${unique()}@example.be`,
          role,
          passwordHash: await hashPassword(password),
          ...(options.status === undefined ? {} : { status: options.status })
        })
      )
      return { ...user, password }
    }
  }
}

/** Registers `body` on PostgreSQL (skipped, or failing with REQUIRE_SERVICES=1, without it) and on PGlite. */
export const describeAuthBackends = async (name: string, body: (backend: () => AuthBackend) => void): Promise<void> => {
  await describeWithService(PostgreSQL, `${name} [postgres]`, (url) => {
    let backend: AuthBackend | undefined
    const pools: Array<pg.Pool> = []
    const database = `wm_auth_test_${unique()}`
    const serverUrl = new URL(url)
    const dbUrl = new URL(url)
    dbUrl.pathname = `/${database}`
    const onServer = async (sql: string) => {
      const server = new pg.Client({ connectionString: serverUrl.toString() })
      await server.connect()
      try {
        await server.query(sql)
      } finally {
        await server.end()
      }
    }
    beforeAll(async () => {
      await onServer(`create database ${database}`)
      const pool = () => {
        const p = quiet(new pg.Pool({ connectionString: dbUrl.toString(), max: 6 }))
        pools.push(p)
        return fromPool(p as unknown as PoolLike)
      }
      backend = await build("postgres", pool(), pool(), pool())
    })
    afterAll(async () => {
      for (const p of pools) await p.end()
      await onServer(`drop database if exists ${database} with (force)`)
    })
    body(() => {
      if (backend === undefined) throw new Error("the postgres backend is not ready")
      return backend
    })
  })
  describe(`${name} [pglite]`, () => {
    let backend: AuthBackend | undefined
    let db: PGlite | undefined
    beforeAll(async () => {
      db = await PGlite.create()
      const client = fromPGlite(db as unknown as PGliteLike)
      backend = await build("pglite", client, client, client)
    })
    afterAll(async () => {
      await db?.close()
    })
    body(() => {
      if (backend === undefined) throw new Error("the pglite backend is not ready")
      return backend
    })
  })
}

/** A configuration for tests: an HS256 secret unless `keys` says otherwise, generous throttling. */
export const testConfig = (overrides: Partial<AuthConfig> = {}): AuthConfig => ({
  issuer: "https://auth.test.example",
  audience: "workflow-manager-test",
  tokenTtlSeconds: 900,
  keys: {
    kind: "secret",
    algorithm: "HS256",
    secret: new TextEncoder().encode("a test secret of more than thirty-two bytes"),
    keyId: "hs256"
  },
  throttle: { perAccount: 1000, perAddress: 10_000, windowSeconds: 900 },
  userCacheMs: 0,
  warnings: [],
  ...overrides
})

/**
 * Tools of the attack tests (issue 10): run SQL as `workflow_app` in a scope, roll a probe back,
 * read a SQLSTATE or a StorageError reason, seed tenants, and make password hashes of the shapes
 * the database accepts or refuses.
 */
import { randomBytes } from "node:crypto"
import type { StorageError } from "@workflow-manager/core"
import { Cause, Effect, Exit } from "effect"
import type { PgClient, PgQueryable } from "../../src/index.js"
import type { Backend } from "./backends.js"
import { eventsOf, newInstanceId, newTenantId, stateOf } from "./fixtures.js"

/** Runs `body` as workflow_app after the scope entry every adapter transaction starts with. */
export const inScope = <A>(
  client: PgClient,
  tenant: string,
  appRole: string,
  body: (tx: PgQueryable) => Promise<A>
): Promise<A> =>
  client.transaction(async (tx) => {
    await tx.query("select wm_enter_scope($1, $2)", [tenant, appRole])
    return body(tx)
  })

const ROLLBACK = new Error("rolled back by the probe")

/** Runs `body` in a transaction that is always rolled back (for probes that write or weaken the setup). */
export const rolledBack = async <A>(client: PgClient, body: (tx: PgQueryable) => Promise<A>): Promise<A> => {
  let result: A | undefined
  await client
    .transaction(async (tx) => {
      result = await body(tx)
      throw ROLLBACK
    })
    .catch((error: unknown) => {
      if (error !== ROLLBACK) throw error
    })
  return result as A
}

/** Inside a transaction: becomes workflow_app with the scope settings set directly (no scope entry). */
export const becomeApp = async (tx: PgQueryable, tenant: string, appRole = ""): Promise<void> => {
  await tx.query("set local role workflow_app")
  await tx.query("select set_config('app.current_tenant', $1, true), set_config('app.current_role', $2, true)", [
    tenant,
    appRole
  ])
}

/** `"ok"` when the promise resolves, else the SQLSTATE (or the message) it rejected with. */
export const sqlstate = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise
    return "ok"
  } catch (error) {
    return String((error as { code?: unknown }).code ?? (error as Error).message)
  }
}

/** Like {@link sqlstate}, for a statement run inside an outer transaction: a savepoint keeps it usable. */
export const sqlstateIn = async (tx: PgQueryable, sql: string, params: ReadonlyArray<unknown> = []) => {
  await tx.query("savepoint probe")
  const state = await sqlstate(tx.query(sql, params))
  await tx.query(state === "ok" ? "release savepoint probe" : "rollback to savepoint probe")
  return state
}

export const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect)

/** The typed failure of an effect (`undefined` when it succeeds); a defect fails the test. */
export const failureOf = async <A, E>(effect: Effect.Effect<A, E>): Promise<E | undefined> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return undefined
  const found = Cause.findErrorOption(exit.cause)
  if (found._tag === "None") throw new Error(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  return found.value
}

/** The StorageError reason tag of an effect's failure, or `"ok"`. */
export const reasonOf = async (effect: Effect.Effect<unknown, StorageError>): Promise<string> => {
  const error = await failureOf(effect)
  return error === undefined ? "ok" : error.reason._tag
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
const BCRYPT = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
const pick = (alphabet: string, length: number): string =>
  Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join("")

/** A well-formed bcrypt hash (`$2b$`, cost 10 by default: 22 characters of salt + 31 of hash). */
export const bcryptHash = (cost = 10, variant = "2b", tail = 53): string =>
  `$${variant}$${String(cost).padStart(2, "0")}$${pick(BCRYPT, tail)}`

/** A well-formed argon2id PHC string (OWASP minimum by default: m=19456 KiB, t=2, p=1). */
export const argon2idHash = (m = 19_456, t = 2, p = 1, variant = "argon2id"): string =>
  `$${variant}$v=19$m=${m},t=${t},p=${p}$${pick(B64, 22)}$${pick(B64, 43)}`

export interface Seeded {
  readonly tenantId: string
  readonly userId: string
  readonly email: string
  readonly passwordHash: string
  /** An instance at version 3. */
  readonly instanceId: string
}

/** A tenant with one user (bcrypt hash) and one instance at version 3, written through the adapter. */
export const seedTenant = async (backend: Backend, label: string): Promise<Seeded> => {
  const { services, inspect } = backend
  const tenantId = newTenantId()
  await inspect.ensureTenant(tenantId)
  const email = `${label}-${randomBytes(3).toString("hex")}@${label}.example`
  const passwordHash = bcryptHash()
  const access = { _tag: "Tenant", tenantId } as const
  const user = await run(services.users.create(access, { tenantId, email, role: "tenant_admin", passwordHash }))
  const spec = { instanceId: newInstanceId(), tenantId }
  await run(
    services.workflowStore.commit(access, {
      events: eventsOf(spec, 1, 3),
      expectedVersion: 0,
      state: stateOf(spec, 3),
      messages: []
    })
  )
  return { tenantId, userId: user.id, email, passwordHash, instanceId: spec.instanceId }
}

/** A VAT number no other test uses. */
export const freshVat = (): string => `BE${randomBytes(5).toString("hex").toUpperCase()}`

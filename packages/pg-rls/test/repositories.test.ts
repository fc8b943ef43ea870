/**
 * Tenants, users and market roles on both backends: what the operator and a tenant may do, unique
 * keys, and that a password hash never leaves the adapter except through the sign-in lookup.
 */
import { randomBytes } from "node:crypto"
import { type StorageError, tenantAccess } from "@workflow-manager/core"
import { Effect, Exit } from "effect"
import { beforeAll, expect, it } from "vitest"
import { describeBackends } from "./support/backends.js"
import { argonHash, newTenantId } from "./support/fixtures.js"

const run = <A>(effect: Effect.Effect<A, StorageError>): Promise<A> => Effect.runPromise(effect)
const reason = async (effect: Effect.Effect<unknown, StorageError>): Promise<string> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return "ok"
  const failure = exit.cause.reasons[0]
  return failure?._tag === "Fail" ? failure.error.reason._tag : `defect ${String(exit.cause)}`
}
const vat = () => `BE0${randomBytes(4).readUInt32BE() % 1_000_000_000}`.padEnd(12, "7")

await describeBackends("repositories", (backend) => {
  const ops = () => backend().operator
  let tenantA: string
  let tenantB: string

  beforeAll(async () => {
    const { tenants } = backend().services
    tenantA = (await run(tenants.create(ops(), { companyName: "Alpha Energy NV", vatNumber: vat(), status: "ACTIVE" })))
      .id
    tenantB = (await run(tenants.create(ops(), { companyName: "Beta Balancing BV", vatNumber: vat() }))).id
  })

  it("tenants: the operator creates, lists and updates; a tenant reads only itself", async () => {
    const { tenants } = backend().services
    const id = newTenantId()
    const number = vat()
    const created = await run(
      tenants.create(ops(), {
        id,
        companyName: "Gamma Grid",
        vatNumber: ` ${number.slice(0, 2).toLowerCase()}.${number.slice(2)} `,
        eic: "22X-GAMMA-GRID-1"
      })
    )
    expect(created).toMatchObject({
      id,
      companyName: "Gamma Grid",
      vatNumber: number,
      eic: "22X-GAMMA-GRID-1",
      status: "PENDING"
    })
    expect(created.createdAt).toMatch(/Z$/)
    expect(await reason(tenants.create(ops(), { companyName: "Copy", vatNumber: number }))).toBe("Conflict")
    const updated = await run(tenants.update(ops(), id, { status: "ACTIVE", companyName: "Gamma Grid NV" }))
    expect(updated).toMatchObject({ status: "ACTIVE", companyName: "Gamma Grid NV", eic: "22X-GAMMA-GRID-1" })
    expect((await run(tenants.list(ops()))).map((t) => t.id)).toEqual(expect.arrayContaining([tenantA, tenantB, id]))
    const asA = tenantAccess(tenantA)
    expect((await run(tenants.list(asA))).map((t) => t.id)).toEqual([tenantA])
    expect(await run(tenants.get(asA, tenantB))).toBeUndefined()
    expect(await reason(tenants.update(asA, tenantA, { companyName: "Self-renamed" }))).toBe("NotFound")
    expect(await reason(tenants.create(asA, { companyName: "Rogue", vatNumber: vat() }))).toBe("TenantViolation")
    expect(await reason(tenants.update(ops(), newTenantId(), { status: "CLOSED" }))).toBe("NotFound")
    expect(await reason(tenants.create(ops(), { companyName: "Bad VAT", vatNumber: "12" }))).toBe("InvalidData")
    expect(await reason(tenants.create(ops(), { companyName: "Bad EIC", vatNumber: vat(), eic: "short" }))).toBe(
      "InvalidData"
    )
  })

  it("users: e-mail unique per tenant, hash never returned, sign-in lookup across tenants", async () => {
    const { users } = backend().services
    const asA = tenantAccess(tenantA)
    const email = `Shared.${randomBytes(3).toString("hex")}@Example.com`
    const a = await run(
      users.create(asA, { tenantId: tenantA, email, role: "tenant_admin", passwordHash: argonHash("a") })
    )
    expect(a).toMatchObject({ tenantId: tenantA, email: email.toLowerCase(), role: "tenant_admin", status: "ACTIVE" })
    expect(Object.keys(a)).not.toContain("passwordHash")
    expect(
      await reason(users.create(asA, { tenantId: tenantA, email: email.toUpperCase(), role: "tenant_user" }))
    ).toBe("Conflict")
    // the same address in another tenant is another account, and creating it reveals nothing about A
    const b = await run(
      users.create(ops(), { tenantId: tenantB, email, role: "tenant_user", passwordHash: argonHash("b") })
    )
    expect(await run(users.findByEmail(asA, email))).toEqual([a])
    expect((await run(users.findByEmail(ops(), email))).map((u) => u.id).sort()).toEqual([a.id, b.id].sort())
    const candidates = await run(users.loginCandidates(email))
    expect(candidates.map((c) => c.passwordHash).sort()).toEqual([argonHash("a"), argonHash("b")])
    await run(users.update(ops(), b.id, { status: "DISABLED" }))
    expect((await run(users.loginCandidates(email))).map((c) => c.user.id)).toEqual([a.id])
    await run(users.setPasswordHash(asA, a.id, argonHash("new")))
    expect((await run(users.loginCandidates(email)))[0]?.passwordHash).toBe(argonHash("new"))
    expect(await reason(users.setPasswordHash(asA, b.id, argonHash("hijack")))).toBe("NotFound")
    expect(await reason(users.update(asA, b.id, { role: "market_ops" }))).toBe("NotFound")
    const renamed = await run(users.update(asA, a.id, { displayName: "Alice", role: "tenant_user" }))
    expect(renamed).toMatchObject({ displayName: "Alice", role: "tenant_user" })
    expect((await run(users.list(asA))).every((u) => u.tenantId === tenantA)).toBe(true)
    expect((await run(users.list(ops(), { tenantId: tenantB }))).map((u) => u.id)).toEqual([b.id])
    expect(await run(users.get(asA, b.id))).toBeUndefined()
    expect(await reason(users.create(asA, { tenantId: tenantB, email: "x@y.example", role: "tenant_user" }))).toBe(
      "TenantViolation"
    )
    expect(await reason(users.create(asA, { tenantId: tenantA, email: "not-an-email", role: "tenant_user" }))).toBe(
      "InvalidData"
    )
    expect(await reason(users.create(asA, { tenantId: tenantA, email: "r@y.example", role: "Admin; drop" }))).toBe(
      "InvalidData"
    )
    // the stored row has the hash; no read path but the sign-in lookup returns it
    const stored = await backend().admin.query<{ password_hash: string }>(
      "select password_hash from users where id = $1",
      [a.id]
    )
    expect(stored[0]?.password_hash).toBe(argonHash("new"))
  })

  it("market roles: granted by the operator, read by the tenant", async () => {
    const { marketRoles } = backend().services
    const asA = tenantAccess(tenantA)
    const granted = await run(
      marketRoles.assign(ops(), { tenantId: tenantA, role: "BRP", contractReference: "BRP-2026-001" })
    )
    expect(granted).toMatchObject({
      tenantId: tenantA,
      role: "BRP",
      status: "REQUESTED",
      contractReference: "BRP-2026-001"
    })
    const active = await run(
      marketRoles.assign(ops(), { tenantId: tenantA, role: "BRP", status: "ACTIVE", contractReference: "BRP-2026-001" })
    )
    expect(active.status).toBe("ACTIVE")
    await run(marketRoles.assign(ops(), { tenantId: tenantB, role: "BSP" }))
    expect((await run(marketRoles.list(asA))).map((r) => [r.tenantId, r.role, r.status])).toEqual([
      [tenantA, "BRP", "ACTIVE"]
    ])
    expect(await run(marketRoles.get(asA, tenantB, "BSP"))).toBeUndefined()
    expect((await run(marketRoles.get(ops(), tenantB, "BSP")))?.status).toBe("REQUESTED")
    expect(await reason(marketRoles.assign(asA, { tenantId: tenantA, role: "DSO", status: "ACTIVE" }))).toBe(
      "TenantViolation"
    )
    expect(await reason(marketRoles.assign(ops(), { tenantId: newTenantId(), role: "GU" }))).toBe("NotFound")
    expect(await reason(marketRoles.assign(ops(), { tenantId: tenantA, role: "brp" }))).toBe("InvalidData")
  })
})

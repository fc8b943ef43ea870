/**
 * The recipients directory of the server's notifications, on a fresh PostgreSQL database under
 * row-level security: a role resolves to the active holders in the instance's own tenant — never
 * another tenant's, never a disabled one — and an operator role to the operator organisation's
 * holders; a malformed tenant id is not retried, a directory that is down is.
 */
import { operatorAccess, runPromise } from "@workflow-manager/core"
import { describeWithService, PostgreSQL } from "@workflow-manager/test-utils"
import { Effect } from "effect"
import { afterAll, beforeAll, expect, it } from "vitest"
import { loadConfig } from "../src/config.ts"
import { usersDirectory } from "../src/recipients.ts"
import { openStorage, type Storage } from "../src/storage.ts"
import { freshDatabase, freshDataDir } from "./support/databases.ts"

await describeWithService(PostgreSQL, "the recipients directory [postgres]", (serverUrl) => {
  let db: Awaited<ReturnType<typeof freshDatabase>> | undefined
  let data: Awaited<ReturnType<typeof freshDataDir>> | undefined
  let storage: Storage | undefined
  const tenants: Record<string, string> = {}

  beforeAll(async () => {
    db = await freshDatabase(serverUrl)
    data = await freshDataDir()
    storage = await openStorage(loadConfig({ DATABASE_URL: db.url, WM_DATA_DIR: data.dir }))
    const services = storage.services
    const operator = operatorAccess("recipients-test", storage.operatorId)
    for (const [key, vatNumber] of [
      ["a", "BE0403170701"],
      ["b", "BE0471811661"]
    ] as const) {
      const tenant = await runPromise(
        services.tenants.create(operator, { companyName: `Tenant ${key}`, vatNumber, eic: null, status: "ACTIVE" })
      )
      tenants[key] = tenant.id
    }
    const users: ReadonlyArray<[string, string, string, "ACTIVE" | "DISABLED"]> = [
      [tenants.a as string, "admin@a.example", "tenant_admin", "ACTIVE"],
      [tenants.a as string, "second-admin@a.example", "tenant_admin", "ACTIVE"],
      [tenants.a as string, "former-admin@a.example", "tenant_admin", "DISABLED"],
      [tenants.a as string, "user@a.example", "tenant_user", "ACTIVE"],
      [tenants.b as string, "admin@b.example", "tenant_admin", "ACTIVE"],
      [storage.operatorId, "ops@tso.example", "market_ops", "ACTIVE"],
      [storage.operatorId, "ops-admin@tso.example", "tenant_admin", "ACTIVE"]
    ]
    for (const [tenantId, email, role, status] of users) {
      await runPromise(services.users.create(operator, { tenantId, email, role, status }))
    }
  })

  afterAll(async () => {
    try {
      await storage?.close()
    } finally {
      await db?.drop()
      await data?.remove()
    }
  })

  const resolve = (role: string, tenantId: string) => {
    if (storage === undefined) throw new Error("no storage")
    return Effect.runPromise(
      usersDirectory(storage.services.users, storage.operatorId).resolve(role, { tenantId, instanceId: "i-1" })
    )
  }

  it("a tenant role: the active holders of the instance's tenant, and no one else's", async () => {
    expect([...(await resolve("tenant_admin", tenants.a as string))].sort()).toEqual([
      "admin@a.example",
      "second-admin@a.example"
    ])
    expect(await resolve("tenant_admin", tenants.b as string)).toEqual(["admin@b.example"])
    expect(await resolve("tenant_user", tenants.b as string)).toEqual([])
    expect(await resolve("approver", tenants.a as string)).toEqual([])
    // a tenant that does not exist sees nobody
    expect(await resolve("tenant_admin", "00000000-0000-4000-8000-000000000000")).toEqual([])
  })

  it("an operator role: the operator organisation's holders, whichever tenant's instance names it", async () => {
    expect(await resolve("market_ops", tenants.a as string)).toEqual(["ops@tso.example"])
    expect(await resolve("market_ops", tenants.b as string)).toEqual(["ops@tso.example"])
  })

  it("a malformed tenant id is not retried; a directory that is down is", async () => {
    const malformed = await Effect.runPromise(
      Effect.flip(
        usersDirectory((storage as Storage).services.users, (storage as Storage).operatorId).resolve("tenant_admin", {
          tenantId: "not-a-uuid",
          instanceId: "i-1"
        })
      )
    )
    expect(malformed.isRetryable).toBe(false)
    const closed = await openStorage(
      loadConfig({ DATABASE_URL: (db as { url: string }).url, WM_DATA_DIR: (data as { dir: string }).dir })
    )
    await closed.close()
    const down = await Effect.runPromise(
      Effect.flip(
        usersDirectory(closed.services.users, closed.operatorId).resolve("tenant_admin", {
          tenantId: tenants.a as string,
          instanceId: "i-1"
        })
      )
    )
    expect(down.reason).toBe("Unavailable")
    expect(down.isRetryable).toBe(true)
  })
})

import { operatorAccess, runPromise } from "@workflow-manager/core"
import { describeWithService, PostgreSQL } from "@workflow-manager/test-utils"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadConfig } from "../src/config.ts"
import { openStorage } from "../src/storage.ts"
import { freshDatabase, freshDataDir, type TestDatabase } from "./support/databases.ts"

describe("storage on the embedded default", () => {
  let data: Awaited<ReturnType<typeof freshDataDir>>
  beforeAll(async () => {
    data = await freshDataDir()
  })
  afterAll(() => data.remove())

  it("migrates, registers the operator once, and keeps its data across a restart", async () => {
    const config = loadConfig({ WM_DATA_DIR: data.dir })
    const first = await openStorage(config)
    expect(first.kind).toBe("embedded")
    expect(first.migrations?.applied.length).toBeGreaterThan(0)
    const operator = operatorAccess("ops", first.operatorId)
    const tenant = await runPromise(
      first.services.tenants.create(operator, { companyName: "Luminus", vatNumber: "BE0471811661", status: "ACTIVE" })
    )
    await first.close()

    const second = await openStorage(config)
    try {
      expect(second.migrations?.applied).toEqual([])
      expect(second.operatorId).toBe(first.operatorId)
      const again = await runPromise(second.services.tenants.get(operator, tenant.id))
      expect(again?.companyName).toBe("Luminus")
      await second.ping()
    } finally {
      await second.close()
    }
  })
})

await describeWithService(PostgreSQL, "storage on PostgreSQL", (serverUrl) => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await freshDatabase(serverUrl)
  })
  afterAll(() => db.drop())

  it("migrates and registers the operator organisation once", async () => {
    const config = loadConfig({ DATABASE_URL: db.url })
    const first = await openStorage(config)
    await first.close()
    const second = await openStorage(config)
    try {
      expect(second.kind).toBe("postgres")
      expect(second.operatorId).toBe(first.operatorId)
      expect(second.migrations?.applied).toEqual([])
    } finally {
      await second.close()
    }
  })

  it("a wrong URL is a start error naming PostgreSQL, not a crash", async () => {
    const url = new URL(db.url)
    url.port = "1"
    await expect(openStorage(loadConfig({ DATABASE_URL: url.toString() }))).rejects.toThrow(
      /could not prepare PostgreSQL/
    )
  })
})

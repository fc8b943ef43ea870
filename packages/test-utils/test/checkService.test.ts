import { afterEach, describe, expect, it, vi } from "vitest"
import {
  checkService,
  FerretDB,
  PostgreSQL,
  type Service,
  ServiceUnavailableError,
  servicesRequired,
  serviceUrl
} from "../src/index.js"

// Port 1 on loopback: nothing listens there, so the real probes fail fast with "connection refused".
const unreachableMongo = "mongodb://127.0.0.1:1/"
const unreachablePostgres = "postgres://postgres@127.0.0.1:1/postgres"

afterEach(() => {
  vi.unstubAllEnvs()
})

describe("checkService", () => {
  it("fails naming FerretDB and its URL when REQUIRE_SERVICES=1 and it is unreachable", async () => {
    vi.stubEnv("REQUIRE_SERVICES", "1")
    vi.stubEnv("MONGODB_URL", unreachableMongo)
    const error = await checkService(FerretDB).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(ServiceUnavailableError)
    expect((error as Error).message).toMatch(
      /^REQUIRE_SERVICES=1 but FerretDB \(MONGODB_URL=mongodb:\/\/127\.0\.0\.1:1\/\) is not reachable: /
    )
  }, 15_000)

  it("fails naming PostgreSQL and its URL when required and unreachable", async () => {
    await expect(checkService(PostgreSQL, { url: unreachablePostgres, require: true })).rejects.toThrow(
      "REQUIRE_SERVICES=1 but PostgreSQL (DATABASE_URL=postgres://postgres@127.0.0.1:1/postgres) is not reachable: "
    )
  })

  it("reports an unreachable service without throwing when not required", async () => {
    vi.stubEnv("REQUIRE_SERVICES", "")
    const status = await checkService(PostgreSQL, { url: unreachablePostgres })
    expect(status).toMatchObject({ available: false, url: unreachablePostgres })
    expect(status.available ? "" : status.reason).toMatch(/ECONNREFUSED/)
  })

  it("probes once per service and URL", async () => {
    const probe = vi.fn(async (_url: string) => {})
    const service: Service = { name: "Counted", envVar: "WM_COUNTED_URL", defaultUrl: "counted://a", probe }
    await checkService(service)
    await checkService(service)
    await checkService(service, { url: "counted://b" })
    expect(probe.mock.calls.map(([url]) => url)).toEqual(["counted://a", "counted://b"])
  })
})

describe("serviceUrl", () => {
  it("reads the service's variable and falls back to its default", () => {
    vi.stubEnv("DATABASE_URL", "postgres://someone@db.example:5433/x")
    expect(serviceUrl(PostgreSQL)).toBe("postgres://someone@db.example:5433/x")
    vi.stubEnv("DATABASE_URL", "")
    expect(serviceUrl(PostgreSQL)).toBe("postgres://postgres@127.0.0.1:5432/postgres")
  })
})

describe("servicesRequired", () => {
  it("is true only for REQUIRE_SERVICES=1", () => {
    vi.stubEnv("REQUIRE_SERVICES", "1")
    expect(servicesRequired()).toBe(true)
    vi.stubEnv("REQUIRE_SERVICES", "true")
    expect(servicesRequired()).toBe(false)
  })
})

import { describe, it, type TestContext } from "vitest"
import { checkService } from "./checkService.js"
import type { Service } from "./Service.js"

/**
 * Registers a suite that needs a real service. Await it at the top level of a test file:
 *
 * ```ts
 * await describeWithService(PostgreSQL, "event store", (url) => {
 *   let pool: pg.Pool
 *   beforeAll(() => { pool = new pg.Pool({ connectionString: url }) })
 *   it("appends", async () => { ... })
 * })
 * ```
 *
 * - service answers: the suite runs with its URL;
 * - service missing: the suite is registered as skipped (its tests show as skipped, hooks do not run);
 * - service missing and `REQUIRE_SERVICES=1`: a failing test stands in for the suite, whose error
 *   names the service and the URL.
 *
 * The body runs in every case to collect the tests, so connect in hooks or tests, never in the body.
 */
export const describeWithService = (service: Service, name: string, body: (url: string) => void): Promise<void> =>
  describeWithServices([service], name, ([url]) => body(url as string))

/**
 * {@link describeWithService} for a suite that needs several services (PostgreSQL and FerretDB for
 * the split): it runs when all answer, is skipped (naming the first missing one; its tests show as
 * skipped) otherwise, and a failing test stands in for it when one is missing and
 * `REQUIRE_SERVICES=1`.
 *
 * ```ts
 * await describeWithServices([PostgreSQL, FerretDB], "the split", ([pgUrl, mongoUrl]) => { ... })
 * ```
 */
export const describeWithServices = async (
  services: ReadonlyArray<Service>,
  name: string,
  body: (urls: ReadonlyArray<string>) => void
): Promise<void> => {
  const statuses: Array<Awaited<ReturnType<typeof checkService>>> = []
  for (const service of services) {
    try {
      statuses.push(await checkService(service))
    } catch (error) {
      describe(name, () => {
        it(`needs ${service.name}`, () => {
          throw error
        })
      })
      return
    }
  }
  const urls = statuses.map((status) => status.url)
  const missing = statuses.findIndex((status) => !status.available)
  const status = statuses[missing]
  if (status === undefined || status.available) describe(name, () => body(urls))
  else {
    const service = services[missing] as Service
    describe.skip(`${name} (${service.name} not reachable at ${status.url}: ${status.reason})`, () => body(urls))
  }
}

/**
 * The URL of `service` for one test, which is skipped (with a note) when the service is missing,
 * or fails when `REQUIRE_SERVICES=1`.
 *
 * ```ts
 * it("reads back", async (ctx) => {
 *   const url = await serviceUrlOrSkip(ctx, FerretDB)
 *   ...
 * })
 * ```
 */
export const serviceUrlOrSkip = async (ctx: TestContext, service: Service): Promise<string> => {
  const status = await checkService(service)
  if (!status.available) {
    ctx.skip(`${service.name} not reachable at ${status.url}: ${status.reason}`)
  }
  return status.url
}

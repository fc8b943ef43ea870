/**
 * graphql-http's `serverAudits` (the GraphQL-over-HTTP spec's checks) against the live server on
 * the embedded default: no audit fails. The warnings and notices are printed (and listed in
 * docs/reference-server.md).
 */
import { serverAudits } from "graphql-http"
import { describe, expect, it } from "vitest"
import { useEmbeddedServer } from "./support/server.ts"

describe("graphql-http serverAudits against the live server", () => {
  const server = useEmbeddedServer({ WM_DEMO_DATA: "false" })

  it("passes every audit (0 failures)", async () => {
    const audits = serverAudits({ url: `${server().url}/graphql` })
    expect(audits.length).toBeGreaterThanOrEqual(50)
    const results = []
    for (const audit of audits) results.push(await audit.fn())
    const failures = results.filter((r) => r.status === "error")
    const other = results.filter((r) => r.status === "warn" || r.status === "notice")
    for (const r of other) console.info(`serverAudits ${r.status}: ${r.name}${"reason" in r ? ` — ${r.reason}` : ""}`)
    console.info(
      `serverAudits: ${results.length} audits, ${failures.length} failures, ${other.length} warnings or notices`
    )
    expect(failures.map((f) => `${f.name}: ${"reason" in f ? f.reason : ""}`)).toEqual([])
  })
})

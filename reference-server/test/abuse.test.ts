/**
 * Abuse over HTTP: documents over the limits (depth 20, 1,000 aliases, 10,000 tokens, `first: 1e9`),
 * a mutation by GET, a `text/plain` POST, an oversized or malformed body, `__proto__` keys and bad
 * tokens each answer 4xx — and nothing runs: every request carries a `createWorkflow`, and the
 * event log does not grow.
 */
import { beforeAll, expect, it } from "vitest"
import { describeServers, post, type TestServer } from "./support/server.ts"

const CREATE = 'createWorkflow(input: { templateId: "demo-onboarding" }) { version }'

const eventCount = async (s: TestServer): Promise<number> => {
  const rows = await s.running.storage.client.query<{ n: number }>("select count(*)::int as n from workflow_events")
  return Number(rows[0]?.n)
}

await describeServers("abuse over HTTP", (server) => {
  let token: string
  let before: number

  beforeAll(async () => {
    token = await server().login("user@electrabel.example")
    before = await eventCount(server())
  })

  const send = (s: TestServer, body: string, headers: Record<string, string> = {}) =>
    post(`${s.url}/graphql`, body, {
      "content-type": "application/json",
      accept: "application/json",
      authorization: `Bearer ${token}`,
      ...headers
    })

  const refused = async (answer: Awaited<ReturnType<typeof post>>, ...limits: ReadonlyArray<string>) => {
    expect(answer.status, answer.text.slice(0, 300)).toBeGreaterThanOrEqual(400)
    expect(answer.status).toBeLessThan(500)
    if (limits.length > 0) {
      expect(answer.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT")
      expect(limits).toContain(answer.body.errors?.[0]?.extensions?.limit)
    }
    expect(answer.text).not.toMatch(/at .*\.ts:\d+|node_modules/)
  }

  it("the baseline mutation runs (so the refusals below are the limits')", async () => {
    const s = server()
    const ok = await send(s, JSON.stringify({ query: `mutation { ${CREATE} }` }))
    expect(ok.status).toBe(200)
    expect(ok.body.data).toEqual({ createWorkflow: { version: 1 } })
    before = await eventCount(s)
  })

  it("depth 20 → 400", async () => {
    let selection = "id"
    for (let i = 0; i < 20; i++) selection = `workflow { ${selection} }`
    await refused(
      await send(
        server(),
        JSON.stringify({
          query: `mutation { createWorkflow(input: { templateId: "demo-onboarding" }) { ${selection} } }`
        })
      ),
      "depth"
    )
  })

  it("1,000 aliases → 400 (and 31 short ones already)", async () => {
    const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: ${CREATE}`).join(" ")
    await refused(await send(server(), JSON.stringify({ query: `mutation { ${aliases} }` })), "aliases", "tokens")
    const few = Array.from({ length: 31 }, (_, i) => `a${i}: createWorkflow(input: { templateId: "x" }) { version }`)
    await refused(await send(server(), JSON.stringify({ query: `mutation { ${few.join(" ")} }` })), "aliases")
  })

  it("10,000 tokens → 400", async () => {
    const padding = Array.from({ length: 10_000 }, () => "version").join(" ")
    await refused(
      await send(
        server(),
        JSON.stringify({
          query: `mutation { createWorkflow(input: { templateId: "demo-onboarding" }) { ${padding} } }`
        })
      ),
      "tokens"
    )
  })

  it("first: 1e9 → 400, as a literal and as a variable", async () => {
    const s = server()
    await refused(await send(s, JSON.stringify({ query: "{ workflows(first: 1e9) { nodes { id } } }" })), "pageSize")
    await refused(
      await send(
        s,
        JSON.stringify({
          query: "query ($n: Int) { workflows(first: $n) { nodes { id } } }",
          variables: { n: 1_000_000_000 }
        })
      ),
      "pageSize"
    )
    await refused(
      await send(
        s,
        JSON.stringify({
          query: `mutation { ${CREATE.replace("{ version }", "{ workflow { events(first: 1e9) { type } } }")} }`
        })
      ),
      "pageSize"
    )
  })

  it("a cost over the limit (nested pages) → 400", async () => {
    const query =
      "{ workflows(first: 100) { nodes { events(first: 100) { sequence type stepId performedBy occurredAt data } } } }"
    await refused(await send(server(), JSON.stringify({ query })), "cost")
  })

  it("a mutation by GET → 405", async () => {
    const s = server()
    const url = new URL(`${s.url}/graphql`)
    url.searchParams.set("query", `mutation { ${CREATE} }`)
    const response = await fetch(url, { headers: { accept: "application/json", authorization: `Bearer ${token}` } })
    expect(response.status).toBe(405)
    await response.text()
  })

  it("a text/plain POST (a browser form's CSRF) → 415", async () => {
    await refused(
      await send(server(), JSON.stringify({ query: `mutation { ${CREATE} }` }), { "content-type": "text/plain" })
    )
  })

  it("other body types, oversized, malformed and __proto__ bodies → 4xx", async () => {
    const s = server()
    const mutation = JSON.stringify({ query: `mutation { ${CREATE} }` })
    await refused(
      await send(s, `query=${encodeURIComponent(`mutation { ${CREATE} }`)}`, {
        "content-type": "application/x-www-form-urlencoded"
      })
    )
    await refused(await send(s, JSON.stringify({ query: `mutation { ${CREATE} }`, pad: "x".repeat(300 * 1024) })))
    await refused(await send(s, `${mutation.slice(0, -1)}`))
    await refused(await send(s, `{"query":"mutation { ${CREATE.replace(/"/g, '\\"')} }","__proto__":{"admin":true}}`))
    await refused(await send(s, JSON.stringify({ query: 42 })))
    await refused(await send(s, JSON.stringify({ query: `mutation { ${CREATE} }`, variables: "not an object" })))
  })

  it("bad tokens → 401 before anything runs", async () => {
    const s = server()
    const mutation = JSON.stringify({ query: `mutation { ${CREATE} }` })
    for (const authorization of [
      "Bearer not-a-jwt",
      `Bearer ${token.slice(0, -2)}${token.endsWith("A") ? "B" : "A"}A`,
      "Basic dXNlcjpwYXNz",
      `Bearer ${token} extra`
    ]) {
      const answer = await send(s, mutation, { authorization })
      expect(answer.status, authorization.slice(0, 20)).toBe(401)
      expect(answer.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED")
    }
    const anonymous = await post(`${s.url}/graphql`, mutation, { "content-type": "application/json" })
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED")
  })

  it("nothing of the above ran: the event log did not grow", async () => {
    expect(await eventCount(server())).toBe(before)
  })
})

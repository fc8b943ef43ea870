/**
 * The HTTP surface around GraphQL, on the embedded default: health and readiness, request ids,
 * CORS, production mode (no introspection, no suggestions, no GraphiQL), and data that survives a
 * restart. GraphiQL itself: graphiql.test.ts.
 */
import { randomBytes } from "node:crypto"
import { describe, expect, it } from "vitest"
import { DEMO_TEMPLATE_ID } from "../src/demo.ts"
import { loadGraphiql } from "../src/graphiql.ts"
import type { ApiDeps } from "../src/graphql/context.ts"
import { makeLoaders, templateKey } from "../src/graphql/loaders.ts"
import { freshDataDir } from "./support/databases.ts"
import { codes, dataOf, startEmbedded, useEmbeddedServer } from "./support/server.ts"

describe("the HTTP surface", () => {
  const server = useEmbeddedServer({ CORS_ORIGINS: "https://portal.example" })

  it("answers /healthz, and /readyz after checking the store", async () => {
    const health = await fetch(`${server().url}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: "ok" })
    const ready = await fetch(`${server().url}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ status: "ready", storage: "embedded" })
  })

  it("answers a GET with a query as GraphQL, even from a browser that accepts HTML", async () => {
    const query = await fetch(`${server().url}/graphql?query=${encodeURIComponent("{ __typename }")}`, {
      headers: { accept: "text/html, application/json" }
    })
    expect(query.headers.get("content-type")).toContain("application/json")
    expect(await query.json()).toEqual({ data: { __typename: "Query" } })
  })

  it("keeps a caller's request id (when sane) and makes one otherwise", async () => {
    const given = await fetch(`${server().url}/healthz`, { headers: { "x-request-id": "trace-42" } })
    expect(given.headers.get("x-request-id")).toBe("trace-42")
    const bad = await fetch(`${server().url}/healthz`, { headers: { "x-request-id": "no spaces\tor tabs" } })
    expect(bad.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)
  })

  it("allows the configured origin only", async () => {
    const preflight = (origin: string) =>
      fetch(`${server().url}/graphql`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" }
      })
    const allowed = await preflight("https://portal.example")
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://portal.example")
    const other = await preflight("https://evil.example")
    expect(other.headers.get("access-control-allow-origin")).toBeNull()
  })

  it("answers a signed-out request for data UNAUTHENTICATED, and sign-in failures identically", async () => {
    for (const query of ["{ me { userId } }", "{ workflows { nodes { id } } }", "{ templates { id } }"]) {
      const anonymous = await server().gql(query)
      expect(codes(anonymous)).toEqual(["UNAUTHENTICATED"])
      expect(anonymous.body.data ?? null).toBeNull()
    }
    const signIn = "mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"
    const wrong = await server().gql(signIn, { e: "user@electrabel.example", p: "not-the-password" })
    const unknown = await server().gql(signIn, { e: "nobody@electrabel.example", p: "not-the-password" })
    expect(codes(wrong)).toEqual(["UNAUTHENTICATED"])
    expect(wrong.text).toBe(unknown.text)
  })
})

describe("DataLoaders", () => {
  const server = useEmbeddedServer()

  it("batch the tenants, templates and states a list needs: one read per kind", async () => {
    const { storage, engine } = server().running
    const ops = { userId: "ops", tenantId: storage.operatorId, role: "market_ops", permissions: [] }
    const page = await engine.list({ actor: ops, page: { limit: 10 } })
    expect(page.items.length).toBeGreaterThanOrEqual(5)
    const loaders = makeLoaders({ storage } as ApiDeps, ops)
    const [tenants, templates, states] = await Promise.all([
      Promise.all(page.items.map((entry) => loaders.tenants.load(entry.tenantId))),
      Promise.all(
        page.items.map((entry) => loaders.templates.load(templateKey(entry.templateId, entry.templateVersion)))
      ),
      Promise.all(page.items.map((entry) => loaders.states.load(entry.instanceId)))
    ])
    expect(loaders.batches).toEqual({ tenants: 1, templates: 1, states: 1 })
    expect(tenants.every((t) => t !== undefined)).toBe(true)
    expect(templates.every((t) => t !== undefined)).toBe(true)
    expect(states.map((s) => s?.instanceId)).toEqual(page.items.map((entry) => entry.instanceId))
    // a tenant user's loader sees only its own tenant
    const own = page.items[0] as (typeof page.items)[number]
    const other = page.items.find((entry) => entry.tenantId !== own.tenantId)
    const user = { userId: "u", tenantId: own.tenantId, role: "tenant_user", permissions: [] }
    const scoped = makeLoaders({ storage } as ApiDeps, user)
    expect(await scoped.tenants.load(own.tenantId)).toBeDefined()
    if (other !== undefined) {
      expect(await scoped.tenants.load(other.tenantId)).toBeUndefined()
      expect(await scoped.states.load(other.instanceId)).toBeUndefined()
    }
  })
})

describe("production mode", () => {
  const server = useEmbeddedServer({
    NODE_ENV: "production",
    WM_KEY_SECRET: randomBytes(24).toString("hex"),
    AUTH_JWT_SECRET: randomBytes(48).toString("base64url"),
    WM_DEMO_DATA: "false"
  })

  it("refuses introspection, hides suggestions and serves no GraphiQL", async () => {
    const introspection = await server().gql("{ __schema { types { name } } }")
    expect(introspection.status).toBe(400)
    expect(introspection.text).toContain("introspection")
    const typo = await server().gql("{ mee { userId } }")
    expect(typo.text).not.toMatch(/did you mean/i)
    expect(codes(typo)).toEqual(["BAD_USER_INPUT"])
    const page = await fetch(`${server().url}/graphql`, { headers: { accept: "text/html" } })
    expect(page.status).toBe(404)
    expect(await page.text()).not.toMatch(/<html|graphiql\./i)
    // nor its assets, under the names a development server gives them
    const names = [...loadGraphiql().assets.keys()]
    expect(names).toHaveLength(6)
    for (const name of names) {
      const asset = await fetch(`${server().url}/graphql/assets/${name}`)
      expect(asset.status, name).toBe(404)
      await asset.text()
    }
  })
})

describe("a restart", () => {
  it("keeps the data of the embedded default", async () => {
    const data = await freshDataDir()
    try {
      const first = await startEmbedded(data.dir)
      let id: string
      try {
        const token = await first.login("user@electrabel.example")
        const created = await first.gql(
          "mutation ($t: ID!) { createWorkflow(input: { templateId: $t }) { workflow { id } } }",
          { t: DEMO_TEMPLATE_ID },
          token
        )
        id = dataOf<{ workflow: { id: string } }>(created, "createWorkflow").workflow.id
      } finally {
        await first.running.close()
      }
      const second = await startEmbedded(data.dir)
      try {
        expect(second.running.demo?.seeded).toBe(false)
        const token = await second.login("user@electrabel.example")
        const read = await second.gql("query ($id: ID!) { workflow(id: $id) { id status version } }", { id }, token)
        expect(read.body.data?.workflow).toEqual({ id, status: "DRAFT", version: 1 })
      } finally {
        await second.running.close()
      }
    } finally {
      await data.remove()
    }
  })
})

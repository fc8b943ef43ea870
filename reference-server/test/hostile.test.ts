/**
 * Hostile arguments to every operation: each gets a typed error (a code of the error table, never
 * INTERNAL) and never a 5xx, and the server stays up.
 */
import { beforeAll, describe, expect, it } from "vitest"
import { DEMO_TEMPLATE_ID } from "../src/demo.ts"
import { dataOf, useEmbeddedServer } from "./support/server.ts"

const deep = (levels: number): unknown => {
  let value: unknown = "x"
  for (let i = 0; i < levels; i++) value = { a: value }
  return value
}

describe("hostile arguments", () => {
  const server = useEmbeddedServer()
  let admin: string
  let ops: string
  let workflowId: string

  beforeAll(async () => {
    admin = await server().login("admin@electrabel.example")
    ops = await server().login("ops@elia.example")
    const created = await server().gql(
      "mutation ($t: ID!) { createWorkflow(input: { templateId: $t }) { workflow { id } } }",
      { t: DEMO_TEMPLATE_ID },
      admin
    )
    workflowId = dataOf<{ workflow: { id: string } }>(created, "createWorkflow").workflow.id
  })

  const cases = (): ReadonlyArray<[string, string, Record<string, unknown>, string?]> => [
    [
      "a deeply nested step input",
      'mutation ($i: JSON) { executeStep(input: { workflowId: "W", expectedVersion: 1, stepId: "company-info", input: $i }) { version } }',
      { i: deep(300) }
    ],
    [
      "deeply nested metadata",
      'mutation ($m: JSON) { createWorkflow(input: { templateId: "demo-onboarding", metadata: $m }) { version } }',
      { m: deep(300) }
    ],
    [
      "metadata that is an array",
      'mutation { createWorkflow(input: { templateId: "demo-onboarding", metadata: [1, 2] }) { version } }',
      {}
    ],
    ["a path as a workflow id", '{ workflow(id: "../../etc/passwd") { id } }', {}],
    ["a NUL in an id", "query ($id: ID!) { workflow(id: $id) { id } }", { id: "w\u0000x" }],
    ["an empty id", '{ workflow(id: "") { id } }', {}],
    ["a date that is not one", '{ workflows(filter: { updatedSince: "yesterday" }) { nodes { id } } }', {}],
    ["a state at no instant", '{ workflowStateAt(id: "W", at: "not a date") { status } }', {}],
    ["a negative sequence", '{ workflowStateAt(id: "W", sequence: -1) { status } }', {}],
    ["both at and sequence", '{ workflowStateAt(id: "W", sequence: 1, at: "2026-01-01T00:00:00Z") { status } }', {}],
    [
      "a version as a string",
      'mutation ($v: Int!) { startWorkflow(input: { workflowId: "W", expectedVersion: $v }) { version } }',
      { v: "1" }
    ],
    [
      "a version above Int",
      'mutation { startWorkflow(input: { workflowId: "W", expectedVersion: 2147483648 }) { version } }',
      {}
    ],
    [
      "a negative version",
      'mutation { startWorkflow(input: { workflowId: "W", expectedVersion: -1 }) { version } }',
      {}
    ],
    [
      "a step that is not current",
      'mutation { executeStep(input: { workflowId: "W", expectedVersion: 1, stepId: "contract", input: {} }) { version } }',
      {}
    ],
    [
      "an empty rejection reason",
      'mutation { rejectWorkflow(input: { workflowId: "W", expectedVersion: 1, reason: "" }) { version } }',
      {}
    ],
    [
      "a 10,000-character idempotency key",
      'mutation ($k: String) { startWorkflow(input: { workflowId: "W", expectedVersion: 1, idempotencyKey: $k }) { version } }',
      { k: "k".repeat(10_000) }
    ],
    ["events from a negative sequence", '{ workflow(id: "W") { events(from: -5, first: 0) { type } } }', {}],
    ["an unknown template", 'mutation { createWorkflow(input: { templateId: "nope" }) { version } }', {}],
    ["a template id of symbols", '{ template(id: "$%^", version: -1) { id } }', {}],
    ["a malformed cursor", '{ workflows(after: "%%%") { nodes { id } } }', {}],
    [
      "a bad VAT number for a tenant",
      'mutation { createTenant(input: { companyName: "X", vatNumber: "x" }) { id } }',
      {},
      "ops"
    ],
    [
      "an unknown tenant status",
      'mutation { createTenant(input: { companyName: "X NV", vatNumber: "BE0428759497", status: "BOGUS" }) { id } }',
      {},
      "ops"
    ],
    ["a user id that is not a UUID", 'mutation { updateUser(input: { id: "nope", status: "DISABLED" }) { id } }', {}],
    [
      "an unknown user status",
      'mutation ($id: ID!) { updateUser(input: { id: $id, status: "BOGUS" }) { id } }',
      { id: "00000000-0000-4000-8000-000000000000" }
    ],
    [
      "an e-mail that is not one",
      'mutation { createUser(input: { email: "not an email", role: "tenant_user" }) { id } }',
      {}
    ],
    ["an unknown role", 'mutation { createUser(input: { email: "r@electrabel.example", role: "root" }) { id } }', {}],
    [
      "a short password",
      'mutation { createUser(input: { email: "p@electrabel.example", role: "tenant_user", password: "short" }) { id } }',
      {}
    ],
    ["an empty sign-in", 'mutation { login(email: "", password: "") { token } }', {}],
    [
      "a huge sign-in",
      "mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
      { e: `${"e".repeat(5000)}@x.example`, p: "p".repeat(5000) }
    ],
    ["a tenant id that is not a UUID", '{ tenant(id: "nope") { id } }', {}]
  ]

  it("answers each with a typed error, never INTERNAL or a 5xx", async () => {
    const s = server()
    for (const [name, query, variables, who] of cases()) {
      const answer = await s.gql(
        query.replaceAll('"W"', JSON.stringify(workflowId)),
        variables,
        who === "ops" ? ops : admin
      )
      expect(answer.status, `${name}: ${answer.text.slice(0, 300)}`).toBeLessThan(500)
      const codes = (answer.body.errors ?? []).map((e) => e.extensions?.code)
      expect(codes.length, `${name}: ${answer.text.slice(0, 300)}`).toBeGreaterThan(0)
      for (const code of codes) {
        expect(
          [
            "BAD_USER_INPUT",
            "NOT_FOUND",
            "INVALID_COMMAND",
            "ILLEGAL_TRANSITION",
            "CONFLICT",
            "FORBIDDEN",
            "VALIDATION_FAILED",
            "UNAUTHENTICATED"
          ],
          `${name}: ${answer.text.slice(0, 300)}`
        ).toContain(code)
      }
      expect(answer.text, name).not.toMatch(/at .*\.ts:\d+|node_modules|stack/)
    }
    const health = await fetch(`${s.url}/healthz`)
    expect(health.status).toBe(200)
  })
})

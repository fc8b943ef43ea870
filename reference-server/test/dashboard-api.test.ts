/**
 * The fields the Market Ops dashboard reads besides the seed's: a template's Mermaid diagram, each
 * step's form JSON Schema and compensation, the users of a tenant, and `rollbackPlan` — the
 * compensations a rollback would run, in the order the rollback then records them, recording
 * nothing itself. On the embedded default (the fields are the same on every backend).
 */
import { describe, expect, it } from "vitest"
import { DEMO_PARTICIPANTS, DEMO_TEMPLATE_ID, demoInputs } from "../src/demo.ts"
import { codes, dataOf, type TestServer, useEmbeddedServer } from "./support/server.ts"

const engie = DEMO_PARTICIPANTS[0] as (typeof DEMO_PARTICIPANTS)[number]
const inputs = demoInputs(engie)

const run = async (s: TestServer, token: string, field: string, type: string, input: Record<string, unknown>) => {
  const answer = await s.gql(
    `mutation ($input: ${type}!) { ${field}(input: $input) { version workflow { id status currentStepId } } }`,
    { input },
    token
  )
  expect(answer.body.errors, answer.text).toBeUndefined()
  return dataOf<{ version: number; workflow: { id: string; status: string; currentStepId: string | null } }>(
    answer,
    field
  )
}

const PLAN = `query ($id: ID!, $to: ID!) { rollbackPlan(id: $id, toStepId: $to) {
  toStepId status resuming reset compensations { stepId strategy data step { id name type } } } }`

describe("the dashboard's fields", () => {
  const server = useEmbeddedServer()

  it("a template's Mermaid diagram, form schemas and compensations", async () => {
    const s = server()
    const user = await s.login("user@electrabel.example")
    const answer = await s.gql(
      "query ($id: ID!) { template(id: $id) { mermaid steps { id type formSchema compensation } } }",
      { id: DEMO_TEMPLATE_ID },
      user
    )
    const template = dataOf<{
      mermaid: string
      steps: ReadonlyArray<{
        id: string
        type: string
        formSchema: Record<string, unknown> | null
        compensation: string
      }>
    }>(answer, "template")
    expect(template.mermaid.startsWith("flowchart TD\n")).toBe(true)
    for (const id of ["s_company_info", "s_portfolio", "s_approval", "s_contract"]) {
      expect(template.mermaid).toContain(`  ${id}[`)
    }
    const [company, , approval] = template.steps
    // (the order of the fields is PostgreSQL jsonb's, not the template's: jsonb sorts keys)
    expect([...((company?.formSchema?.required as ReadonlyArray<string>) ?? [])].sort()).toEqual([
      "companyName",
      "eic",
      "vatNumber"
    ])
    expect(company?.formSchema).toMatchObject({
      type: "object",
      additionalProperties: false,
      properties: { vatNumber: { type: "string", title: "Enterprise / VAT number", "x-validator": "be-vat" } }
    })
    expect(approval?.formSchema).toBeNull()
    expect(template.steps.map((step) => step.compensation)).toEqual(["handler", "handler", "handler", "handler"])
  })

  it("rollbackPlan lists the compensations the rollback then records, in that order, and records nothing", async () => {
    const s = server()
    const user = await s.login("user@electrabel.example")
    const approver = await s.login("approver@electrabel.example")
    const admin = await s.login("admin@electrabel.example")
    let at = await run(s, user, "createWorkflow", "CreateWorkflowInput", { templateId: DEMO_TEMPLATE_ID })
    const id = at.workflow.id
    at = await run(s, user, "startWorkflow", "CommandInput", { workflowId: id, expectedVersion: at.version })
    for (const stepId of ["company-info", "portfolio", "approval"] as const) {
      at = await run(s, stepId === "approval" ? approver : user, "executeStep", "ExecuteStepInput", {
        workflowId: id,
        expectedVersion: at.version,
        stepId,
        input: inputs[stepId]
      })
    }
    expect(at.workflow.currentStepId).toBe("contract")

    const planned = dataOf<{
      toStepId: string
      status: string
      resuming: boolean
      reset: ReadonlyArray<string>
      compensations: ReadonlyArray<{ stepId: string; strategy: string; data: unknown; step: { name: string } }>
    }>(await s.gql(PLAN, { id, to: "company-info" }, admin), "rollbackPlan")
    expect(planned).toMatchObject({ toStepId: "company-info", status: "IN_PROGRESS", resuming: false, reset: [] })
    expect(planned.compensations.map((c) => [c.stepId, c.strategy, c.step.name])).toEqual([
      ["approval", "handler", "Approval"],
      ["portfolio", "handler", "Portfolio"]
    ])
    expect(planned.compensations[1]?.data).toEqual(inputs.portfolio)

    // planning recorded nothing: the version is the same, and the rollback runs exactly the plan
    const rolled = await s.gql(
      `mutation ($input: RollbackInput!) { rollbackWorkflow(input: $input) { version events { type stepId } workflow { status currentStepId } } }`,
      { input: { workflowId: id, expectedVersion: at.version, toStepId: "company-info" } },
      admin
    )
    const result = dataOf<{
      events: ReadonlyArray<{ type: string; stepId: string | null }>
      workflow: { status: string; currentStepId: string }
    }>(rolled, "rollbackWorkflow")
    expect(result.events.filter((e) => e.type === "STEP_COMPENSATED").map((e) => e.stepId)).toEqual([
      "approval",
      "portfolio"
    ])
    expect(result.workflow).toEqual({ status: planned.status, currentStepId: "company-info" })

    // a step that is not completed: nothing to roll back to
    expect(codes(await s.gql(PLAN, { id, to: "contract" }, admin))).toEqual(["INVALID_COMMAND"])
    // a step id the rollback itself would refuse: refused the same way, nothing of it echoed back
    for (const to of ["x".repeat(100_000), "../$x", ""]) {
      const refused = await s.gql(PLAN, { id, to }, admin)
      expect(codes(refused)).toEqual(["BAD_USER_INPUT"])
      expect(refused.text.length).toBeLessThan(2000)
    }
    // another tenant's workflow answers as a missing one
    const other = await s.login("admin@luminus.example")
    const foreign = await s.gql(PLAN, { id, to: "company-info" }, other)
    const missing = await s.gql(PLAN, { id: "00000000-0000-4000-8000-000000000000", to: "company-info" }, other)
    expect(codes(foreign)).toEqual(["NOT_FOUND"])
    expect(foreign.text.replaceAll(id, "ID")).toBe(
      missing.text.replaceAll("00000000-0000-4000-8000-000000000000", "ID")
    )
  })

  it("users: the operator reads any tenant's, a tenant admin its own, a tenant user none", async () => {
    const s = server()
    const ops = await s.login("ops@elia.example")
    const tenants = dataOf<ReadonlyArray<{ id: string; vatNumber: string }>>(
      await s.gql("{ tenants { id vatNumber } }", {}, ops),
      "tenants"
    )
    const engieId = tenants.find((t) => t.vatNumber === engie.vatNumber)?.id
    const USERS = "query ($tenantId: ID) { users(tenantId: $tenantId) { email role tenantId displayName } }"
    const ofEngie = dataOf<ReadonlyArray<{ email: string; tenantId: string }>>(
      await s.gql(USERS, { tenantId: engieId }, ops),
      "users"
    )
    expect(ofEngie.map((u) => u.email).sort()).toEqual([
      "admin@electrabel.example",
      "approver@electrabel.example",
      "user@electrabel.example"
    ])
    expect(new Set(ofEngie.map((u) => u.tenantId))).toEqual(new Set([engieId]))

    const admin = await s.login("admin@luminus.example")
    const own = dataOf<ReadonlyArray<{ email: string }>>(await s.gql(USERS, {}, admin), "users")
    expect(own.map((u) => u.email).sort()).toEqual(["admin@luminus.example", "user@luminus.example"])
    expect(codes(await s.gql(USERS, { tenantId: engieId }, admin))).toEqual(["NOT_FOUND"])
    expect(codes(await s.gql(USERS, {}, await s.login("user@luminus.example")))).toEqual(["FORBIDDEN"])
  })
}, 120_000)

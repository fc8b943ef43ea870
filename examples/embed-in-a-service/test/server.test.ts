/**
 * The service over real HTTP: seed sequence 1 (create → start → company-info → portfolio → submit
 * → approve), a request for changes followed by a rollback, and how errors reach the caller.
 */
import { createEngine, defaultPolicy, forbidden, MARKET_OPS, type PolicyService } from "@workflow-manager/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { layerFixed } from "../src/AccessPointRegister.ts"
import { type RunningService, startServer } from "../src/app.ts"
import { brpOnboarding } from "../src/brpOnboarding.ts"
import { companyInfoHandler } from "../src/handlers/companyInfo.ts"
import { portfolioHandler } from "../src/handlers/portfolio.ts"

const marketOps = { "x-user-id": "mo-alice", "x-tenant-id": "tso", "x-role": "market_ops" }
const brp = { "x-user-id": "u-engie-bob", "x-tenant-id": "engie-be", "x-role": "brp_admin" }
const otherBrp = { "x-user-id": "u-luminus-eve", "x-tenant-id": "luminus-be", "x-role": "brp_admin" }

const companyInfo = { companyName: "Engie Belgium", vat: "BE0403170701", eic: "22XENGIE-BE----P" }
const portfolio = { accessPoints: ["541448965001060702", "541449500000012346"], balancingGroup: "BG-ENGIE" }

interface Answer {
  readonly status: number
  readonly headers: Headers
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are checked field by field
  readonly body: any
}

let service: RunningService
const logged: Array<unknown> = []

beforeAll(async () => {
  service = await startServer({ port: 0, log: (error) => logged.push(error) })
})

afterAll(async () => {
  await service?.close()
})

/** One request; `body` is sent as JSON (a string is sent as it is). */
const call = async (method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer> => {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) })
  })
  return { status: response.status, headers: response.headers, body: await response.json() }
}

const types = (events: ReadonlyArray<{ readonly type: string }>) => events.map((e) => e.type)

/** A workflow of engie-be created by market ops and started by the BRP (version 2). */
const startedWorkflow = async (): Promise<string> => {
  const created = await call("POST", "/workflows", marketOps, { templateId: "brp-onboarding", tenantId: "engie-be" })
  expect(created.status).toBe(201)
  const id: string = created.body.state.instanceId
  expect((await call("POST", `/workflows/${id}/start`, brp, { expectedVersion: 1 })).status).toBe(200)
  return id
}

describe("seed sequence 1 over HTTP", () => {
  it("create → start → company-info → portfolio → submit → approve", async () => {
    const created = await call("POST", "/workflows", marketOps, { templateId: "brp-onboarding", tenantId: "engie-be" })
    expect(created.status).toBe(201)
    const id: string = created.body.state.instanceId
    expect(created.headers.get("location")).toBe(`/workflows/${id}`)
    expect(created.body.state).toMatchObject({
      tenantId: "engie-be",
      templateId: "brp-onboarding",
      templateVersion: 1,
      marketRole: "BRP",
      status: "DRAFT",
      currentStepId: null,
      version: 1,
      createdBy: "mo-alice"
    })
    expect(types(created.body.events)).toEqual(["WORKFLOW_CREATED"])

    const started = await call("POST", `/workflows/${id}/start`, brp, { expectedVersion: 1 })
    expect(started.status).toBe(200)
    expect(started.body.state).toMatchObject({ status: "IN_PROGRESS", currentStepId: "company-info", version: 2 })
    expect(types(started.body.events)).toEqual(["WORKFLOW_STARTED"])

    const step1 = await call("POST", `/workflows/${id}/steps/company-info`, brp, {
      expectedVersion: 2,
      input: companyInfo
    })
    expect(step1.status).toBe(200)
    expect(types(step1.body.events)).toEqual(["STEP_STARTED", "STEP_COMPLETED"])
    expect(step1.body.state).toMatchObject({ status: "IN_PROGRESS", currentStepId: "portfolio", version: 4 })
    expect(step1.body.state.stepStates["company-info"]).toMatchObject({
      status: "completed",
      attempts: 1,
      data: companyInfo
    })

    const step2 = await call("POST", `/workflows/${id}/steps/portfolio`, brp, { expectedVersion: 4, input: portfolio })
    expect(step2.status).toBe(200)
    expect(types(step2.body.events)).toEqual(["STEP_STARTED", "STEP_COMPLETED", "WORKFLOW_AWAITING_VALIDATION"])
    expect(step2.body.state).toMatchObject({ status: "AWAITING_VALIDATION", version: 7 })
    expect(step2.body.state.stepStates.portfolio.data).toEqual(portfolio)

    expect(await call("GET", `/workflows/${id}/validation`, brp)).toMatchObject({ status: 200, body: { issues: [] } })

    const submitted = await call("POST", `/workflows/${id}/submit`, brp, { expectedVersion: 7, comment: "ready" })
    expect(submitted.status).toBe(200)
    expect(submitted.body.state).toMatchObject({ status: "SUBMITTED", version: 8 })

    // Approval is for reviewers (market ops, or the workflow:review permission).
    const refused = await call("POST", `/workflows/${id}/approve`, brp, { expectedVersion: 8 })
    expect(refused.status).toBe(403)
    expect(refused.body).toEqual({
      error: "Forbidden",
      message: "u-engie-bob may not approve: requires market_ops or the workflow:review permission",
      reason: "MissingPermission"
    })

    const approved = await call("POST", `/workflows/${id}/approve`, marketOps, { expectedVersion: 8 })
    expect(approved.status).toBe(200)
    expect(types(approved.body.events)).toEqual(["WORKFLOW_APPROVED", "WORKFLOW_COMPLETED"])
    expect(approved.body.state).toMatchObject({ status: "COMPLETED", currentStepId: null, version: 10 })

    const got = await call("GET", `/workflows/${id}`, brp)
    expect(got).toMatchObject({ status: 200, body: approved.body.state })

    const events = await call("GET", `/workflows/${id}/events`, brp)
    expect(events.status).toBe(200)
    expect(types(events.body.items)).toEqual([
      "WORKFLOW_CREATED",
      "WORKFLOW_STARTED",
      "STEP_STARTED",
      "STEP_COMPLETED",
      "STEP_STARTED",
      "STEP_COMPLETED",
      "WORKFLOW_AWAITING_VALIDATION",
      "WORKFLOW_SUBMITTED",
      "WORKFLOW_APPROVED",
      "WORKFLOW_COMPLETED"
    ])
    expect(events.body.items.map((e: { sequence: number }) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(events.body).not.toHaveProperty("nextFrom") // the last page
    const range = await call("GET", `/workflows/${id}/events?from=8&to=9`, brp)
    expect(types(range.body.items)).toEqual(["WORKFLOW_SUBMITTED", "WORKFLOW_APPROVED"])
    const page = await call("GET", `/workflows/${id}/events?from=3&limit=4`, brp)
    expect(page.body.items.map((e: { sequence: number }) => e.sequence)).toEqual([3, 4, 5, 6])
    expect(page.body.nextFrom).toBe(7)

    // Time travel: the state as of sequence 4 (company-info completed).
    const past = await call("GET", `/workflows/${id}?atSequence=4`, brp)
    expect(past.status).toBe(200)
    expect(past.body).toMatchObject({ status: "IN_PROGRESS", currentStepId: "portfolio", version: 4 })
    expect(past.body.stepStates.portfolio).toBeUndefined()

    const listed = await call("GET", "/workflows?status=COMPLETED", brp)
    expect(listed.status).toBe(200)
    expect(listed.body.items.map((e: { instanceId: string }) => e.instanceId)).toContain(id)
    expect(
      listed.body.items.every(
        (e: { tenantId: string; status: string }) => e.tenantId === "engie-be" && e.status === "COMPLETED"
      )
    ).toBe(true)
  })

  it("pages through the list with a cursor", async () => {
    const ids = [await startedWorkflow(), await startedWorkflow(), await startedWorkflow()]
    const seen: Array<string> = []
    let cursor: string | undefined
    do {
      const page = await call("GET", `/workflows?status=IN_PROGRESS&limit=2${cursor ? `&cursor=${cursor}` : ""}`, brp)
      expect(page.status).toBe(200)
      expect(page.body.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.body.items.map((e: { instanceId: string }) => e.instanceId))
      cursor = page.body.nextCursor
    } while (cursor !== undefined)
    for (const id of ids) expect(seen).toContain(id)
    expect(new Set(seen).size).toBe(seen.length)
  })

  it("a reviewer requests changes, then the BRP rolls back to company-info: the portfolio is compensated", async () => {
    const id = await startedWorkflow()
    await call("POST", `/workflows/${id}/steps/company-info`, brp, { expectedVersion: 2, input: companyInfo })
    await call("POST", `/workflows/${id}/steps/portfolio`, brp, { expectedVersion: 4, input: portfolio })
    await call("POST", `/workflows/${id}/submit`, brp, { expectedVersion: 7 })
    const rejected = await call("POST", `/workflows/${id}/reject`, marketOps, {
      expectedVersion: 8,
      reason: "wrong balancing group",
      toStepId: "portfolio"
    })
    expect(rejected.status).toBe(200)
    expect(rejected.body.state).toMatchObject({ status: "IN_PROGRESS", currentStepId: "portfolio", version: 9 })

    const rolledBack = await call("POST", `/workflows/${id}/rollback`, brp, {
      expectedVersion: 9,
      toStepId: "company-info"
    })
    expect(rolledBack.status).toBe(200)
    expect(rolledBack.body.events.map((e: { type: string; stepId?: string }) => [e.type, e.stepId])).toEqual([
      ["WORKFLOW_ROLLBACK_STARTED", "company-info"],
      ["STEP_COMPENSATED", "portfolio"],
      ["WORKFLOW_ROLLED_BACK", "company-info"]
    ])
    expect(rolledBack.body.events[1].data.result).toEqual({ withdrawn: portfolio.accessPoints })
    expect(rolledBack.body.state).toMatchObject({ status: "IN_PROGRESS", currentStepId: "company-info", version: 12 })
    expect(rolledBack.body.state.stepStates.portfolio.status).toBe("compensated")
    expect(rolledBack.body.state.stepStates["company-info"].status).toBe("completed")
  })
})

describe("errors over HTTP", () => {
  it("a bad VAT number is a 422 naming the field, and nothing is recorded", async () => {
    const id = await startedWorkflow()
    const answer = await call("POST", `/workflows/${id}/steps/company-info`, brp, {
      expectedVersion: 2,
      input: { ...companyInfo, vat: "BE0403170702" }
    })
    expect(answer.status).toBe(422)
    expect(answer.body).toEqual({
      error: "ValidationFailed",
      message: "validation failed",
      issues: [
        {
          path: "company-info.input.vat",
          message: "has a wrong check number (the last two digits must be 97 − the first eight mod 97)"
        }
      ]
    })
    const events = await call("GET", `/workflows/${id}/events`, brp)
    expect(types(events.body.items)).toEqual(["WORKFLOW_CREATED", "WORKFLOW_STARTED"])
  })

  it("a wrong expected version is a 409 with both versions", async () => {
    const id = await startedWorkflow()
    const answer = await call("POST", `/workflows/${id}/steps/company-info`, brp, {
      expectedVersion: 1,
      input: companyInfo
    })
    expect(answer.status).toBe(409)
    expect(answer.body).toMatchObject({ error: "Conflict", expectedVersion: 1, actualVersion: 2 })
  })

  it("another tenant's workflow is a 404, for reads and commands alike", async () => {
    const id = await startedWorkflow()
    for (const answer of [
      await call("GET", `/workflows/${id}`, otherBrp),
      await call("GET", `/workflows/${id}/events`, otherBrp),
      await call("GET", `/workflows/${id}?atSequence=1`, otherBrp),
      await call("POST", `/workflows/${id}/pause`, otherBrp, { expectedVersion: 2 })
    ]) {
      expect(answer.status).toBe(404)
      expect(answer.body).toEqual({ error: "NotFound", message: `workflow ${id} not found` })
    }
    const listed = await call("GET", "/workflows", otherBrp)
    expect(listed.body.items.map((e: { instanceId: string }) => e.instanceId)).not.toContain(id)
    // Naming the other tenant does not help: the policy refuses (OtherTenant), answered as an unknown tenant.
    const named = [
      await call("GET", "/workflows?tenantId=engie-be", otherBrp),
      await call("GET", "/workflows?tenantId=no-such-tenant", otherBrp),
      await call("POST", "/workflows", otherBrp, { templateId: "brp-onboarding", tenantId: "engie-be" })
    ]
    for (const answer of named)
      expect(answer).toMatchObject({ status: 404, body: { error: "NotFound", message: "no such tenant" } })
  })

  it("malformed arguments the engine refuses are a 400 InvalidInput naming the field", async () => {
    const id = await startedWorkflow()
    const badId = await call("GET", "/workflows/not%20an%20id", brp)
    expect(badId.status).toBe(400)
    expect(badId.body).toMatchObject({ error: "InvalidInput", issues: [{ path: "instanceId" }] })
    const noReason = await call("POST", `/workflows/${id}/reject`, marketOps, { expectedVersion: 2, reason: "" })
    expect(noReason.status).toBe(400)
    expect(noReason.body.issues.map((i: { path: string }) => i.path)).toEqual(["reason"])
    let deep: unknown = "bottom"
    for (let i = 0; i < 100; i++) deep = { deep }
    const tooDeep = await call("POST", `/workflows/${id}/steps/company-info`, brp, { expectedVersion: 2, input: deep })
    expect(tooDeep).toMatchObject({ status: 400, body: { error: "InvalidInput" } })
    expect((await call("GET", `/workflows/${id}`, brp)).body.version).toBe(2)
  })

  it("a body that is not JSON is a 400; a body of the wrong shape is a 400 with issues", async () => {
    const id = await startedWorkflow()
    const bad = await call("POST", `/workflows/${id}/steps/company-info`, brp, '{"expectedVersion": 2, "input": ')
    expect(bad).toMatchObject({
      status: 400,
      body: { error: "BadRequest", message: "the request body is not valid JSON" }
    })
    const shape = await call("POST", `/workflows/${id}/start`, brp, { expectedVersion: "two" })
    expect(shape.status).toBe(400)
    expect(shape.body.issues.map((i: { path: string }) => i.path)).toEqual(["body.expectedVersion"])
  })

  it("an illegal transition is a 409; a step that is not the current one is a 409", async () => {
    const created = await call("POST", "/workflows", marketOps, { templateId: "brp-onboarding", tenantId: "engie-be" })
    const id: string = created.body.state.instanceId
    const approve = await call("POST", `/workflows/${id}/approve`, marketOps, { expectedVersion: 1 })
    expect(approve.status).toBe(409)
    expect(approve.body).toMatchObject({ error: "IllegalTransition", status: "DRAFT", command: "ApproveWorkflow" })
    await call("POST", `/workflows/${id}/start`, brp, { expectedVersion: 1 })
    const early = await call("POST", `/workflows/${id}/steps/portfolio`, brp, { expectedVersion: 2, input: portfolio })
    expect(early.status).toBe(409)
    expect(early.body).toMatchObject({ error: "InvalidCommand", command: "ExecuteStep" })
  })

  it("a handler refusal is a 422 StepFailed, recorded; a corrected retry succeeds", async () => {
    const id = await startedWorkflow()
    await call("POST", `/workflows/${id}/steps/company-info`, brp, { expectedVersion: 2, input: companyInfo })
    // 541449000000000010 is in the perimeter of another BRP (the demo register).
    const held = await call("POST", `/workflows/${id}/steps/portfolio`, brp, {
      expectedVersion: 4,
      input: { accessPoints: ["541449000000000010"] }
    })
    expect(held.status).toBe(422)
    // The failure was recorded: `version` is the one to send next.
    expect(held.body).toMatchObject({
      error: "StepFailed",
      stepId: "portfolio",
      attempt: 1,
      retryable: false,
      code: "held-elsewhere",
      version: 6
    })
    expect(held.body.message).toContain("in the perimeter of another BRP")
    const state = await call("GET", `/workflows/${id}`, brp)
    expect(state.body).toMatchObject({ version: 6, stepStates: { portfolio: { status: "failed", attempts: 1 } } })
    const retried = await call("POST", `/workflows/${id}/steps/portfolio`, brp, {
      expectedVersion: held.body.version,
      input: portfolio
    })
    expect(retried.status).toBe(200)
    expect(retried.body.state.stepStates.portfolio).toMatchObject({ status: "completed", attempts: 2 })
  })

  it("a repeated request with its Idempotency-Key returns the original result and applies once", async () => {
    const id = await startedWorkflow()
    const send = () =>
      call(
        "POST",
        `/workflows/${id}/steps/company-info`,
        { ...brp, "idempotency-key": "company-info-1" },
        { expectedVersion: 2, input: companyInfo }
      )
    const first = await send()
    const again = await send()
    expect(first.status).toBe(200)
    expect(again).toMatchObject({ status: 200, body: first.body })
    const events = await call("GET", `/workflows/${id}/events`, brp)
    expect(types(events.body.items).filter((t) => t === "STEP_COMPLETED")).toHaveLength(1)
  })

  it("an Idempotency-Key reused for another request is a 422, and nothing is done", async () => {
    const id = await startedWorkflow()
    const keyed = { ...brp, "idempotency-key": "company-info-2" }
    const path = `/workflows/${id}/steps/company-info`
    expect((await call("POST", path, keyed, { expectedVersion: 2, input: companyInfo })).status).toBe(200)
    const otherBody = await call("POST", path, keyed, {
      expectedVersion: 2,
      input: { ...companyInfo, companyName: "X" }
    })
    expect(otherBody).toMatchObject({
      status: 422,
      body: { error: "IdempotencyKeyReused", idempotencyKey: "company-info-2" }
    })
    const otherRoute = await call("POST", `/workflows/${id}/pause`, keyed, { expectedVersion: 4 })
    expect(otherRoute.status).toBe(422)
    expect((await call("GET", `/workflows/${id}`, brp)).body).toMatchObject({ status: "IN_PROGRESS", version: 4 })
  })

  it("four eyes: a reviewer does not approve their own submission (403 NotPermitted); another reviewer does", async () => {
    const reviewer = (userId: string) => ({ ...brp, "x-user-id": userId, "x-permissions": "workflow:review" })
    const id = await startedWorkflow()
    await call("POST", `/workflows/${id}/steps/company-info`, reviewer("u-engie-bob"), {
      expectedVersion: 2,
      input: companyInfo
    })
    await call("POST", `/workflows/${id}/steps/portfolio`, reviewer("u-engie-bob"), {
      expectedVersion: 4,
      input: portfolio
    })
    await call("POST", `/workflows/${id}/submit`, reviewer("u-engie-bob"), { expectedVersion: 7 })
    const own = await call("POST", `/workflows/${id}/approve`, reviewer("u-engie-bob"), { expectedVersion: 8 })
    expect(own).toMatchObject({ status: 403, body: { error: "Forbidden", reason: "NotPermitted" } })
    const other = await call("POST", `/workflows/${id}/approve`, reviewer("u-engie-carol"), { expectedVersion: 8 })
    expect(other.status).toBe(200)
    expect(other.body.state.status).toBe("COMPLETED")
  })

  it("no actor is a 401; an unknown path a 404; a wrong method a 405 with Allow", async () => {
    expect(await call("GET", "/workflows", {})).toMatchObject({ status: 401, body: { error: "Unauthenticated" } })
    expect(await call("GET", "/nowhere", brp)).toMatchObject({ status: 404, body: { error: "NotFound" } })
    const wrong = await call("DELETE", "/workflows", brp)
    expect(wrong).toMatchObject({ status: 405, body: { error: "MethodNotAllowed" } })
    expect(wrong.headers.get("allow")).toBe("POST, GET")
    expect(logged).toEqual([])
  })
})

describe("a policy that refuses another tenant's workflow", () => {
  // Market operations of one region: the operator scope reads every tenant, the policy narrows it to
  // the tenants named in the actor's permissions — and refuses the others with OtherTenant.
  const regional: PolicyService = {
    authorize: (actor, operation, context) =>
      actor.role === MARKET_OPS && !actor.permissions.includes(`tenant:${context.tenantId}`)
        ? Effect.fail(forbidden(actor, operation, "OtherTenant", `${context.tenantId} is outside the region`))
        : defaultPolicy.authorize(actor, operation, context)
  }
  let regionalService: RunningService

  beforeAll(async () => {
    const engine = await createEngine({
      handlers: [companyInfoHandler, portfolioHandler],
      services: layerFixed({}),
      templates: [brpOnboarding],
      policy: regional
    })
    regionalService = await startServer({ port: 0, engine })
  })

  afterAll(async () => {
    await regionalService?.close()
  })

  it("answers it exactly like a workflow that does not exist", async () => {
    const get = async (path: string, headers: Record<string, string>) => {
      const response = await fetch(`${regionalService.url}${path}`, { headers })
      return { status: response.status, body: await response.json() }
    }
    const owner = { ...marketOps, "x-permissions": "tenant:engie-be" }
    const created = await fetch(`${regionalService.url}/workflows`, {
      method: "POST",
      headers: { ...owner, "content-type": "application/json" },
      body: JSON.stringify({ templateId: "brp-onboarding", tenantId: "engie-be", instanceId: "onb-regional" })
    })
    expect(created.status).toBe(201)
    const outsider = { ...marketOps, "x-user-id": "mo-walloon", "x-permissions": "tenant:luminus-be" }
    const foreign = await get("/workflows/onb-regional", outsider)
    const missing = await get("/workflows/onb-nowhere", outsider)
    expect(foreign).toEqual({ status: 404, body: { error: "NotFound", message: "workflow onb-regional not found" } })
    expect(missing).toEqual({ status: 404, body: { error: "NotFound", message: "workflow onb-nowhere not found" } })
    expect((await get("/workflows/onb-regional", owner)).status).toBe(200)
  })
})

/**
 * The seed's sequences over HTTP, on the embedded default, on PostgreSQL and on the split
 * (PostgreSQL + FerretDB): sequence 1 (the operator onboards a participant: create, steps, submit, approve), sequence 3 (a filtered list,
 * then one workflow with its tenant and events) and sequence 4 (rollback with compensation),
 * asserting the answers and the event log.
 */
import { runPromise } from "@workflow-manager/core"
import { expect, it } from "vitest"
import { DEMO_PARTICIPANTS, DEMO_TEMPLATE_ID, demoInputs } from "../src/demo.ts"
import { noticeTemplate } from "./support/notice.ts"
import { codes, describeServers, type TestServer } from "./support/server.ts"

const engie = DEMO_PARTICIPANTS[0] as (typeof DEMO_PARTICIPANTS)[number]
const inputs = demoInputs(engie)

const RESULT = "workflow { id status currentStepId tenantId } version events { sequence type stepId performedBy }"

interface Result {
  readonly workflow: { id: string; status: string; currentStepId: string | null; tenantId: string }
  readonly version: number
  readonly events: ReadonlyArray<{ sequence: number; type: string; stepId: string | null; performedBy: string }>
}

const mutate = async (
  server: TestServer,
  token: string,
  field: string,
  inputType: string,
  input: Record<string, unknown>
): Promise<Result> => {
  const answer = await server.gql(
    `mutation ($input: ${inputType}!) { ${field}(input: $input) { ${RESULT} } }`,
    { input },
    token
  )
  expect(answer.body.errors, `${field}: ${answer.text}`).toBeUndefined()
  return answer.body.data?.[field] as Result
}

const tenantIdOf = async (server: TestServer, token: string, vatNumber: string): Promise<string> => {
  const answer = await server.gql("{ tenants { id vatNumber } }", {}, token)
  const tenants = answer.body.data?.tenants as ReadonlyArray<{ id: string; vatNumber: string }>
  const found = tenants.find((t) => t.vatNumber === vatNumber)
  if (found === undefined) throw new Error(`no tenant ${vatNumber}`)
  return found.id
}

const eventTypes = async (server: TestServer, token: string, id: string) => {
  const answer = await server.gql(
    "query ($id: ID!) { workflow(id: $id) { events { sequence type stepId } } }",
    { id },
    token
  )
  const events = (
    (answer.body.data?.workflow ?? { events: [] }) as {
      events: ReadonlyArray<{ sequence: number; type: string; stepId: string | null }>
    }
  ).events
  expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1))
  return events.map((e) => (e.stepId === null ? e.type : `${e.type}:${e.stepId}`))
}

await describeServers(
  "the seed's sequences over HTTP",
  (server) => {
    it("sequence 1: the operator creates a BRP onboarding for a participant, runs its steps, submits, approves", async () => {
      const s = server()
      const ops = await s.login("ops@elia.example")
      const tenantId = await tenantIdOf(s, ops, engie.vatNumber)

      const created = await mutate(s, ops, "createWorkflow", "CreateWorkflowInput", {
        templateId: DEMO_TEMPLATE_ID,
        tenantId,
        marketRole: "BRP",
        idempotencyKey: "sequence-1"
      })
      expect(created.workflow).toMatchObject({ status: "DRAFT", tenantId })
      expect(created.version).toBe(1)
      expect(created.events.map((e) => e.type)).toEqual(["WORKFLOW_CREATED"])
      const id = created.workflow.id

      // a repeat with the same key answers the same workflow; a stale version is a conflict
      const repeat = await mutate(s, ops, "createWorkflow", "CreateWorkflowInput", {
        templateId: DEMO_TEMPLATE_ID,
        tenantId,
        marketRole: "BRP",
        idempotencyKey: "sequence-1"
      })
      expect(repeat.workflow.id).toBe(id)
      const stale = await s.gql(
        "mutation ($input: CommandInput!) { startWorkflow(input: $input) { version } }",
        { input: { workflowId: id, expectedVersion: 7 } },
        ops
      )
      expect(codes(stale)).toEqual(["CONFLICT"])

      let at = await mutate(s, ops, "startWorkflow", "CommandInput", { workflowId: id, expectedVersion: 1 })
      expect(at.workflow).toMatchObject({ status: "IN_PROGRESS", currentStepId: "company-info" })

      // a wrong VAT number: the step is refused with field paths, and nothing moves on
      const refused = await s.gql(
        "mutation ($input: ExecuteStepInput!) { executeStep(input: $input) { version } }",
        {
          input: {
            workflowId: id,
            expectedVersion: at.version,
            stepId: "company-info",
            input: { ...inputs["company-info"], vatNumber: "BE0403170702" }
          }
        },
        ops
      )
      const refusal = refused.body.errors?.[0]
      expect(["VALIDATION_FAILED", "STEP_FAILED", "BAD_USER_INPUT"]).toContain(refusal?.extensions?.code)
      expect(JSON.stringify(refusal?.extensions)).toContain("vatNumber")
      if (refusal?.extensions?.code === "STEP_FAILED") at = { ...at, version: refusal.extensions.version as number }

      // four eyes: the approval step is decided by the participant's approver, not by who created the workflow
      const approver = await s.login("approver@electrabel.example")
      for (const stepId of ["company-info", "portfolio", "approval", "contract"] as const) {
        at = await mutate(s, stepId === "approval" ? approver : ops, "executeStep", "ExecuteStepInput", {
          workflowId: id,
          expectedVersion: at.version,
          stepId,
          input: inputs[stepId],
          idempotencyKey: `sequence-1-${stepId}`
        })
      }
      expect(at.workflow.status).toBe("AWAITING_VALIDATION")

      const validation = await s.gql(
        "query ($id: ID!) { validateWorkflow(id: $id) { valid issues { path } } }",
        { id },
        ops
      )
      expect(validation.body.data?.validateWorkflow).toEqual({ valid: true, issues: [] })

      at = await mutate(s, ops, "submitWorkflow", "CommentInput", { workflowId: id, expectedVersion: at.version })
      expect(at.workflow.status).toBe("SUBMITTED")
      expect(at.events.map((e) => e.type)).toContain("WORKFLOW_SUBMITTED")
      at = await mutate(s, ops, "approveWorkflow", "CommentInput", {
        workflowId: id,
        expectedVersion: at.version,
        comment: "welcome"
      })
      expect(at.workflow.status).toBe("COMPLETED")

      const log = await eventTypes(s, ops, id)
      expect(log[0]).toBe("WORKFLOW_CREATED")
      expect(log[1]).toBe("WORKFLOW_STARTED:company-info")
      for (const step of ["company-info", "portfolio", "approval", "contract"]) {
        expect(log).toContain(`STEP_COMPLETED:${step}`)
      }
      expect(log.indexOf("STEP_COMPLETED:portfolio")).toBeGreaterThan(log.indexOf("STEP_COMPLETED:company-info"))
      expect(log).toContain("WORKFLOW_AWAITING_VALIDATION")
      expect(log.slice(-3)).toEqual(["WORKFLOW_SUBMITTED", "WORKFLOW_APPROVED", "WORKFLOW_COMPLETED"])
    })

    it("sequence 3: a tenant user lists its workflows in progress, then reads one with its tenant and events", async () => {
      const s = server()
      const user = await s.login("user@electrabel.example")
      const list = await s.gql(
        `query ($after: String) { workflows(filter: { status: [IN_PROGRESS] }, first: 1, after: $after) {
          edges { cursor node { id status tenant { companyName vatNumber } } }
          pageInfo { hasNextPage endCursor } } }`,
        {},
        user
      )
      expect(list.body.errors).toBeUndefined()
      const page = list.body.data?.workflows as {
        edges: ReadonlyArray<{ cursor: string; node: { id: string; status: string; tenant: { companyName: string } } }>
        pageInfo: { hasNextPage: boolean; endCursor: string | null }
      }
      expect(page.edges).toHaveLength(1)
      expect(page.edges[0]?.node).toMatchObject({ status: "IN_PROGRESS", tenant: { companyName: engie.companyName } })

      // every page, following the cursors: only this tenant's workflows in progress, none twice
      const seen: Array<string> = []
      let after: string | null = null
      for (let i = 0; i < 20; i++) {
        const next = await s.gql(
          "query ($after: String) { workflows(filter: { status: [IN_PROGRESS] }, first: 2, after: $after) { nodes { id status tenantId } pageInfo { hasNextPage endCursor } } }",
          { after },
          user
        )
        const got = next.body.data?.workflows as {
          nodes: ReadonlyArray<{ id: string; status: string; tenantId: string }>
          pageInfo: { hasNextPage: boolean; endCursor: string | null }
        }
        for (const node of got.nodes) {
          expect(node.status).toBe("IN_PROGRESS")
          seen.push(node.id)
        }
        if (!got.pageInfo.hasNextPage) break
        after = got.pageInfo.endCursor
      }
      expect(new Set(seen).size).toBe(seen.length)
      expect(seen.length).toBeGreaterThanOrEqual(1)

      const one = await s.gql(
        `query ($id: ID!) { workflow(id: $id) {
          id status version tenant { companyName vatNumber eic } template { id name }
          currentStep { id type } state { steps { stepId status data completedBy } }
          events { sequence type stepId performedBy occurredAt data } } }`,
        { id: seen[0] },
        user
      )
      expect(one.body.errors).toBeUndefined()
      const workflow = one.body.data?.workflow as {
        version: number
        tenant: { vatNumber: string; eic: string }
        state: { steps: ReadonlyArray<{ stepId: string; status: string; data: unknown }> }
        events: ReadonlyArray<{ sequence: number; type: string; occurredAt: string }>
      }
      expect(workflow.tenant).toMatchObject({ vatNumber: engie.vatNumber, eic: engie.eic })
      expect(workflow.events.at(-1)?.sequence).toBe(workflow.version)
      expect(workflow.events[0]?.type).toBe("WORKFLOW_CREATED")
      const times = workflow.events.map((e) => Date.parse(e.occurredAt))
      expect([...times].sort((a, b) => a - b)).toEqual(times)
      expect(workflow.state.steps.find((step) => step.stepId === "company-info")).toMatchObject({
        status: "completed",
        data: { vatNumber: engie.vatNumber }
      })
    })

    it("sequence 4: rollback to company-info compensates approval then portfolio, recorded in the event log", async () => {
      const s = server()
      const user = await s.login("user@electrabel.example")
      const approver = await s.login("approver@electrabel.example")
      const admin = await s.login("admin@electrabel.example")
      let at = await mutate(s, user, "createWorkflow", "CreateWorkflowInput", { templateId: DEMO_TEMPLATE_ID })
      const id = at.workflow.id
      at = await mutate(s, user, "startWorkflow", "CommandInput", { workflowId: id, expectedVersion: at.version })
      for (const [stepId, token] of [
        ["company-info", user],
        ["portfolio", user],
        ["approval", approver]
      ] as const) {
        at = await mutate(s, token, "executeStep", "ExecuteStepInput", {
          workflowId: id,
          expectedVersion: at.version,
          stepId,
          input: inputs[stepId]
        })
      }
      expect(at.workflow.currentStepId).toBe("contract")

      // a tenant user may not roll back (the permission matrix), a tenant admin may
      const forbidden = await s.gql(
        "mutation ($input: RollbackInput!) { rollbackWorkflow(input: $input) { version } }",
        { input: { workflowId: id, expectedVersion: at.version, toStepId: "company-info" } },
        user
      )
      expect(codes(forbidden)).toEqual(["FORBIDDEN"])

      const rolled = await mutate(s, admin, "rollbackWorkflow", "RollbackInput", {
        workflowId: id,
        expectedVersion: at.version,
        toStepId: "company-info",
        idempotencyKey: "sequence-4"
      })
      expect(rolled.version).toBe(at.version + rolled.events.length)
      expect(rolled.events.map((e) => (e.stepId === null ? e.type : `${e.type}:${e.stepId}`))).toEqual([
        "WORKFLOW_ROLLBACK_STARTED:company-info",
        "STEP_COMPENSATED:approval",
        "STEP_COMPENSATED:portfolio",
        "WORKFLOW_ROLLED_BACK:company-info"
      ])
      expect(rolled.workflow.status).toBe("IN_PROGRESS")

      const after = await s.gql(
        "query ($id: ID!) { workflow(id: $id) { status currentStepId state { steps { stepId status } } } }",
        { id },
        admin
      )
      const state = after.body.data?.workflow as {
        status: string
        currentStepId: string
        state: { steps: ReadonlyArray<{ stepId: string; status: string }> }
      }
      expect(state.status).toBe("IN_PROGRESS")
      const statusOf = (stepId: string) => state.state.steps.find((step) => step.stepId === stepId)?.status
      expect(statusOf("approval")).not.toBe("completed")
      expect(statusOf("portfolio")).not.toBe("completed")

      // the state before the rollback is still there, by time travel
      const before = await s.gql(
        "query ($id: ID!, $sequence: Int) { workflowStateAt(id: $id, sequence: $sequence) { status currentStepId version } }",
        { id, sequence: at.version },
        admin
      )
      expect(before.body.data?.workflowStateAt).toEqual({
        status: "IN_PROGRESS",
        currentStepId: "contract",
        version: at.version
      })

      const log = await eventTypes(s, admin, id)
      expect(log.slice(-3).map((e) => e.split(":")[0])).toEqual([
        "STEP_COMPENSATED",
        "STEP_COMPENSATED",
        "WORKFLOW_ROLLED_BACK"
      ])
    })

    it("a notification step queues its message with the commit (the outbox), and the workflow moves on", async () => {
      const s = server()
      await runPromise(s.running.storage.services.templateStore.publish(noticeTemplate))
      const ops = await s.login("ops@elia.example")
      const tenantId = await tenantIdOf(s, ops, engie.vatNumber)
      const created = await mutate(s, ops, "createWorkflow", "CreateWorkflowInput", {
        templateId: noticeTemplate.id,
        tenantId,
        marketRole: "BRP"
      })
      let at = await mutate(s, ops, "startWorkflow", "CommandInput", {
        workflowId: created.workflow.id,
        expectedVersion: created.version
      })
      at = await mutate(s, ops, "executeStep", "ExecuteStepInput", {
        workflowId: created.workflow.id,
        expectedVersion: at.version,
        stepId: "details",
        input: { reference: "NOTICE-1" }
      })
      expect(at.workflow.currentStepId).toBe("notice")
      // no worker runs automatic steps in this server: the operator runs the notice; its message is queued with the commit
      at = await mutate(s, ops, "executeStep", "ExecuteStepInput", {
        workflowId: created.workflow.id,
        expectedVersion: at.version,
        stepId: "notice",
        input: null
      })
      expect(at.events.map((e) => (e.stepId === null ? e.type : `${e.type}:${e.stepId}`))).toContain(
        "STEP_COMPLETED:notice"
      )
      expect(at.workflow.status).toBe("AWAITING_VALIDATION")
      const log = await eventTypes(s, ops, created.workflow.id)
      expect(log).toContain("STEP_COMPLETED:notice")
    })

    it("20 concurrent repeats over HTTP: one workflow per key, one step per key; 20 racers at one version: 1 wins, 19 CONFLICT; another tenant: NOT_FOUND", async () => {
      const s = server()
      const ops = await s.login("ops@elia.example")
      const tenantId = await tenantIdOf(s, ops, engie.vatNumber)
      const create = () =>
        s.gql(
          `mutation ($input: CreateWorkflowInput!) { createWorkflow(input: $input) { ${RESULT} } }`,
          { input: { templateId: DEMO_TEMPLATE_ID, tenantId, marketRole: "BRP", idempotencyKey: "burst-create" } },
          ops
        )
      const created = await Promise.all(Array.from({ length: 20 }, create))
      for (const answer of created) expect(answer.body.errors, answer.text).toBeUndefined()
      const ids = new Set(created.map((a) => (a.body.data?.createWorkflow as Result | undefined)?.workflow.id))
      expect(ids.size).toBe(1)
      const id = [...ids][0] as string
      const started = await mutate(s, ops, "startWorkflow", "CommandInput", { workflowId: id, expectedVersion: 1 })

      const step = (stepId: "company-info" | "portfolio", expectedVersion: number, key?: string) =>
        s.gql(
          "mutation ($input: ExecuteStepInput!) { executeStep(input: $input) { version } }",
          {
            input: {
              workflowId: id,
              expectedVersion,
              stepId,
              input: inputs[stepId],
              ...(key === undefined ? {} : { idempotencyKey: key })
            }
          },
          ops
        )
      const keyed = await Promise.all(
        Array.from({ length: 20 }, () => step("company-info", started.version, "burst-step"))
      )
      for (const answer of keyed) expect(answer.body.errors, answer.text).toBeUndefined()
      const versions = new Set(keyed.map((a) => (a.body.data?.executeStep as { version: number } | undefined)?.version))
      expect(versions.size).toBe(1)
      const afterKeyed = await eventTypes(s, ops, id)
      expect(afterKeyed.filter((e) => e === "STEP_COMPLETED:company-info")).toHaveLength(1)

      // 20 unkeyed racers at the current version: one is recorded, the others are conflicts that write nothing
      const racers = await Promise.all(Array.from({ length: 20 }, () => step("portfolio", afterKeyed.length)))
      const outcomes = racers.map((a) => (a.body.errors === undefined ? "OK" : codes(a)[0]))
      expect(outcomes.filter((o) => o === "OK")).toHaveLength(1)
      expect(outcomes.filter((o) => o === "CONFLICT")).toHaveLength(19)
      const afterRace = await eventTypes(s, ops, id)
      expect(afterRace.slice(0, afterKeyed.length)).toEqual(afterKeyed)
      expect(afterRace.filter((e) => e === "STEP_COMPLETED:portfolio")).toHaveLength(1)

      // another tenant's user asking for it, or acting on it, meets a workflow that does not exist
      const other = await s.login("user@luminus.example")
      const foreign = await s.gql(
        "mutation ($input: ReasonInput!) { pauseWorkflow(input: $input) { version } }",
        { input: { workflowId: id, expectedVersion: afterRace.length, reason: "not mine" } },
        other
      )
      expect(codes(foreign)).toEqual(["NOT_FOUND"])
      expect(await eventTypes(s, ops, id)).toEqual(afterRace)
    })
  },
  {},
  { split: true }
)

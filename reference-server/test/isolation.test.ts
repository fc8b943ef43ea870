/**
 * Tenant isolation over HTTP: a user of one participant (Luminus) tries, in more than 30 ways, to
 * read or change another participant's (Electrabel's) data — other workflow ids in every query and
 * mutation, forged tenant arguments, aliases, a batch, crafted cursors, a reused idempotency key —
 * and gets nothing of it: no answer carries the other tenant's data, and each answer is the
 * answer for an id that does not exist, byte for byte once the id itself is replaced. A tenant
 * admin cannot create or promote an operator.
 */
import { randomUUID } from "node:crypto"
import { encodeCursor } from "@workflow-manager/core"
import { beforeAll, expect, it } from "vitest"
import { DEMO_PARTICIPANTS, DEMO_TEMPLATE_ID } from "../src/demo.ts"
import { codes, dataOf, describeServers, type GraphQLAnswer, post, type TestServer } from "./support/server.ts"

const [engie, luminus] = DEMO_PARTICIPANTS as readonly [(typeof DEMO_PARTICIPANTS)[0], (typeof DEMO_PARTICIPANTS)[1]]

interface Victim {
  readonly tenantId: string
  readonly workflows: ReadonlyArray<{ id: string; version: number; createdAt: string }>
}

/** What the attacker must never see in a `data` field. */
const secretsOf = (victim: Victim): ReadonlyArray<string> => [
  victim.tenantId,
  engie.companyName,
  engie.vatNumber,
  engie.eic,
  ...victim.workflows.map((w) => w.id)
]

/** The answer with every given id replaced by a placeholder (and the request id header ignored). */
const normalised = (answer: GraphQLAnswer, ids: ReadonlyArray<string>): string => {
  let text = answer.text
  for (const id of ids) text = text.split(id).join("<id>")
  return `${answer.status} ${text}`
}

await describeServers(
  "tenant isolation over HTTP",
  (server) => {
    let victim: Victim
    let attacker: string
    let attackerAdmin: string
    let attempts = 0

    beforeAll(async () => {
      const s = server()
      const ops = await s.login("ops@elia.example")
      const engieUser = await s.login("user@electrabel.example")
      const tenants = (await s.gql("{ tenants { id vatNumber } }", {}, ops)).body.data?.tenants as ReadonlyArray<{
        id: string
        vatNumber: string
      }>
      const list = await s.gql("{ workflows(first: 50) { nodes { id version createdAt } } }", {}, engieUser)
      victim = {
        tenantId: tenants.find((t) => t.vatNumber === engie.vatNumber)?.id as string,
        workflows: dataOf<{ nodes: Victim["workflows"] }>(list, "workflows").nodes
      }
      expect(victim.workflows.length).toBeGreaterThanOrEqual(3)
      attacker = await s.login("user@luminus.example")
      attackerAdmin = await s.login("admin@luminus.example")
    })

    /** Runs `query` with a victim's id and with a random id: the two answers must be the same. */
    const probe = async (
      s: TestServer,
      query: string,
      variables: (id: string) => Record<string, unknown>,
      victimId: string,
      token = attacker
    ) => {
      const other = randomUUID()
      const stolen = await s.gql(query, variables(victimId), token)
      const missing = await s.gql(query, variables(other), token)
      attempts++
      expect(normalised(stolen, [victimId]), query).toBe(normalised(missing, [other]))
      for (const secret of secretsOf(victim)) expect(JSON.stringify(stolen.body.data ?? null)).not.toContain(secret)
      return stolen
    }

    it("reads of another tenant's workflows answer exactly as a workflow that does not exist", async () => {
      const s = server()
      for (const workflow of victim.workflows.slice(0, 3)) {
        const one = await probe(
          s,
          "query ($id: ID!) { workflow(id: $id) { id status tenant { companyName } } }",
          (id) => ({ id }),
          workflow.id
        )
        expect(codes(one)).toEqual(["NOT_FOUND"])
        await probe(s, "query ($id: ID!) { workflow(id: $id) { events { type data } } }", (id) => ({ id }), workflow.id)
        await probe(
          s,
          "query ($id: ID!) { workflowStateAt(id: $id, sequence: 1) { status document } }",
          (id) => ({ id }),
          workflow.id
        )
        await probe(
          s,
          'query ($id: ID!) { workflowStateAt(id: $id, at: "2030-01-01T00:00:00.000Z") { status } }',
          (id) => ({ id }),
          workflow.id
        )
        await probe(
          s,
          "query ($id: ID!) { validateWorkflow(id: $id) { valid issues { path } } }",
          (id) => ({ id }),
          workflow.id
        )
      }
    })

    it("every command on another tenant's workflow answers exactly as on a workflow that does not exist", async () => {
      const s = server()
      const workflow = victim.workflows[1] as Victim["workflows"][number]
      const commands: ReadonlyArray<[string, string, Record<string, unknown>]> = [
        ["startWorkflow", "CommandInput", {}],
        ["executeStep", "ExecuteStepInput", { stepId: "company-info", input: {} }],
        ["pauseWorkflow", "ReasonInput", { reason: "mine now" }],
        ["resumeWorkflow", "CommandInput", {}],
        ["submitWorkflow", "CommentInput", {}],
        ["approveWorkflow", "CommentInput", {}],
        ["rejectWorkflow", "RejectInput", { reason: "no" }],
        ["rollbackWorkflow", "RollbackInput", { toStepId: "company-info" }]
      ]
      for (const [field, type, extra] of commands) {
        for (const token of [attacker, attackerAdmin]) {
          const answer = await probe(
            s,
            `mutation ($input: ${type}!) { ${field}(input: $input) { version workflow { id tenantId } } }`,
            (id) => ({ input: { workflowId: id, expectedVersion: workflow.version, idempotencyKey: "k-1", ...extra } }),
            workflow.id,
            token
          )
          expect(answer.body.data).toEqual({ [field]: null })
        }
      }
      // and nothing moved: the victim's workflow is where it was
      const engieUser = await s.login("user@electrabel.example")
      const after = await s.gql("query ($id: ID!) { workflow(id: $id) { version } }", { id: workflow.id }, engieUser)
      expect(after.body.data?.workflow).toEqual({ version: workflow.version })
    })

    it("forged tenant arguments: lists, creation, users and the tenant itself answer as for a tenant that does not exist", async () => {
      const s = server()
      const tenantId = victim.tenantId
      const list = await probe(
        s,
        "query ($id: ID!) { workflows(filter: { tenantId: $id }, first: 50) { nodes { id } pageInfo { hasNextPage } } }",
        (id) => ({ id }),
        tenantId
      )
      expect(list.body.data?.workflows).toEqual({ nodes: [], pageInfo: { hasNextPage: false } })
      await probe(s, "query ($id: ID!) { tenant(id: $id) { companyName } }", (id) => ({ id }), tenantId)
      await probe(
        s,
        'mutation ($id: ID!) { createWorkflow(input: { templateId: "demo-onboarding", tenantId: $id }) { version } }',
        (id) => ({ id }),
        tenantId
      )
      await probe(
        s,
        'mutation ($id: ID!) { createUser(input: { tenantId: $id, email: "mole@luminus.example", role: "tenant_user" }) { id } }',
        (id) => ({ id }),
        tenantId,
        attackerAdmin
      )
      const tenants = await s.gql("{ tenants { id companyName } }", {}, attacker)
      attempts++
      expect(codes(tenants)).toEqual(["FORBIDDEN"])
      expect(tenants.body.data).toBeNull()
    })

    it("aliases, a batch and crafted cursors reach nothing of the other tenant", async () => {
      const s = server()
      const [a, b, c] = victim.workflows as readonly [
        Victim["workflows"][0],
        Victim["workflows"][0],
        Victim["workflows"][0]
      ]
      const aliased = await s.gql(
        "query ($a: ID!, $b: ID!, $c: ID!) { x: workflow(id: $a) { id } y: workflow(id: $b) { id } z: workflow(id: $c) { id } mine: me { tenantId } }",
        { a: a.id, b: b.id, c: c.id },
        attacker
      )
      attempts++
      expect(codes(aliased)).toEqual(["NOT_FOUND", "NOT_FOUND", "NOT_FOUND"])
      expect(aliased.body.data).toMatchObject({ x: null, y: null, z: null })

      const batch = await post(
        `${s.url}/graphql`,
        JSON.stringify([
          { query: "query ($id: ID!) { workflow(id: $id) { id } }", variables: { id: a.id } },
          { query: "{ tenants { id } }" }
        ]),
        { "content-type": "application/json", authorization: `Bearer ${attacker}` }
      )
      attempts++
      expect(batch.status).toBeGreaterThanOrEqual(400)
      expect(batch.status).toBeLessThan(500)
      for (const secret of secretsOf(victim)) expect(batch.text).not.toContain(secret)

      // cursors made from the victim's workflows (and garbage) list only the attacker's own workflows
      const ownTenant = dataOf<{ tenantId: string }>(aliased, "mine").tenantId
      const cursors = [
        ...victim.workflows.slice(0, 3).map((w) => encodeCursor({ createdAt: w.createdAt, instanceId: w.id })),
        encodeCursor({ createdAt: "1970-01-01T00:00:00.000Z", instanceId: "" }),
        Buffer.from(JSON.stringify([victim.tenantId, "' or 1=1 --"])).toString("base64url")
      ]
      for (const after of cursors) {
        const page = await s.gql(
          "query ($after: String) { workflows(first: 50, after: $after) { nodes { id tenantId tenant { companyName } } } }",
          { after },
          attacker
        )
        attempts++
        const nodes = (page.body.data?.workflows as { nodes: ReadonlyArray<{ tenantId: string }> } | null)?.nodes ?? []
        for (const node of nodes) expect(node.tenantId).toBe(ownTenant)
        // (an error may quote the cursor the attacker sent; the data never holds the other tenant's)
        for (const secret of secretsOf(victim)) expect(JSON.stringify(page.body.data ?? null)).not.toContain(secret)
      }
    })

    it("an idempotency key the other tenant used creates the attacker's own workflow", async () => {
      const s = server()
      const created = await s.gql(
        "mutation ($input: CreateWorkflowInput!) { createWorkflow(input: $input) { workflow { id tenantId tenant { companyName } } } }",
        { input: { templateId: DEMO_TEMPLATE_ID, idempotencyKey: "demo-engie-0" } },
        attacker
      )
      attempts++
      expect(created.body.errors).toBeUndefined()
      const workflow = dataOf<{ workflow: { id: string; tenant: { companyName: string } } }>(
        created,
        "createWorkflow"
      ).workflow
      expect(workflow.tenant.companyName).toBe(luminus.companyName)
      expect(victim.workflows.map((w) => w.id)).not.toContain(workflow.id)
    })

    it("a tenant admin cannot create or promote an operator", async () => {
      const s = server()
      const create = await s.gql(
        'mutation { createUser(input: { email: "ops2@luminus.example", role: "market_ops", password: "a-long-password-1" }) { id role } }',
        {},
        attackerAdmin
      )
      attempts++
      expect(codes(create)).toEqual(["FORBIDDEN"])
      const user = await s.gql(
        'mutation { createUser(input: { email: "new@luminus.example", role: "tenant_user" }) { id role tenantId } }',
        {},
        attackerAdmin
      )
      expect(user.body.errors).toBeUndefined()
      const id = dataOf<{ id: string }>(user, "createUser").id
      const promote = await s.gql(
        'mutation ($id: ID!) { updateUser(input: { id: $id, role: "market_ops" }) { role } }',
        { id },
        attackerAdmin
      )
      attempts++
      expect(codes(promote)).toEqual(["FORBIDDEN"])
      const self = await s.gql("{ me { userId } }", {}, attackerAdmin)
      const promoteSelf = await s.gql(
        'mutation ($id: ID!) { updateUser(input: { id: $id, role: "market_ops" }) { role } }',
        { id: dataOf<{ userId: string }>(self, "me").userId },
        attackerAdmin
      )
      attempts++
      expect(codes(promoteSelf)).toEqual(["FORBIDDEN"])
      // a tenant user may not manage users at all
      const byUser = await s.gql(
        'mutation { createUser(input: { email: "x@luminus.example", role: "tenant_admin" }) { id } }',
        {},
        attacker
      )
      attempts++
      expect(codes(byUser)).toEqual(["FORBIDDEN"])
    })

    it("made more than 30 cross-tenant attempts", () => {
      expect(attempts).toBeGreaterThanOrEqual(30)
    })
  },
  {},
  { split: true }
)

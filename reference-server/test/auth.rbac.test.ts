/**
 * The permission matrix enforced through a real engine (core's memory storage, the form and
 * approval plugins, the RBAC policy wrapped in `approvalPolicy` as the server composes it): each
 * role × each operation, on an instance prepared by the operator into the state the operation
 * needs — allowed operations succeed, the others are Forbidden. Another tenant's actor is refused
 * everything (OtherTenant); a market_ops actor outside the operator organisation is refused. A
 * tenant admin cannot create or promote an operator: the policy refuses it, and so does the
 * database (PostgreSQL and PGlite). The documented table is the matrix of `permissions.ts`.
 */
import { readFile } from "node:fs/promises"
import {
  type Actor,
  createEngine,
  makeMemoryStorage,
  makeRegistry,
  type PromiseEngine,
  runPromise,
  systemActor,
  type Template,
  tenantAccess,
  type WorkflowState
} from "@workflow-manager/core"
import { approvalHandler, approvalPolicy, approvalRoutes } from "@workflow-manager/handler-approval"
import { formHandler } from "@workflow-manager/handler-form"
import { beforeAll, describe, expect, it } from "vitest"
import {
  AuthError,
  authorizeRoleChange,
  makeRbacPolicy,
  PERMISSIONS,
  permissionTable,
  ROLES,
  type Role,
  requirePermission
} from "../src/auth/index.ts"
import { describeAuthBackends } from "./auth.support.ts"

const TENANT = "5b1d6f0e-2c7a-4d3e-9f10-0a1b2c3d4e5f"
const OTHER_TENANT = "7c2e8a1f-3d8b-4e4f-8a21-1b2c3d4e5f60"
const OPERATOR = "00000000-0000-4000-8000-00000000000f"

const template: Template = {
  schemaVersion: 1,
  id: "rbac-onboarding",
  version: 1,
  name: "RBAC onboarding",
  marketRole: "BRP",
  steps: [
    { id: "details", type: "form", config: { fields: { name: { type: "string", required: true } } } },
    {
      id: "sign-off",
      type: "approval",
      config: { approverRoles: ["market_ops", "approver"], quorum: 1, approves: ["details"] },
      routes: approvalRoutes({ changesRequested: "details", rejected: "closing" }),
      next: "$end"
    },
    { id: "closing", type: "form", config: { fields: { note: { type: "string" } } }, next: "$end" }
  ]
}

const actorOf = (role: Role, tenantId = role === "market_ops" ? OPERATOR : TENANT): Actor => ({
  userId: `u-${role}-${tenantId.slice(0, 4)}`,
  tenantId,
  role,
  permissions: [...PERMISSIONS[role]]
})
const ops = actorOf("market_ops")
/** Two other operators prepare the instances (four eyes: whoever created one may not decide on it). */
const creator: Actor = { ...ops, userId: "u-ops-creator" }
const reviewer: Actor = { ...ops, userId: "u-ops-reviewer" }

type Stage = "draft" | "details" | "signOff" | "awaiting" | "submitted" | "paused" | "pausedAfterDetails"

/** A new instance of TENANT, driven by the operator to `stage`. */
const prepare = async (engine: PromiseEngine, stage: Stage): Promise<WorkflowState> => {
  let state = (await engine.create({ actor: creator, tenantId: TENANT, templateId: template.id })).state
  const at = { actor: creator, instanceId: state.instanceId }
  const next = async (run: (version: number) => Promise<{ state: WorkflowState }>) => {
    state = (await run(state.version)).state
  }
  if (stage === "draft") return state
  await next((v) => engine.start({ ...at, expectedVersion: v }))
  if (stage === "paused") await next((v) => engine.pause({ ...at, expectedVersion: v }))
  if (stage === "details" || stage === "paused") return state
  await next((v) => engine.executeStep({ ...at, expectedVersion: v, stepId: "details", input: { name: "Acme" } }))
  if (stage === "pausedAfterDetails") await next((v) => engine.pause({ ...at, expectedVersion: v }))
  if (stage === "signOff" || stage === "pausedAfterDetails") return state
  await next((v) =>
    engine.executeStep({
      ...at,
      actor: reviewer,
      expectedVersion: v,
      stepId: "sign-off",
      input: { decision: "approve" }
    })
  )
  if (stage === "awaiting") return state
  await next((v) => engine.submit({ ...at, expectedVersion: v }))
  return state
}

/** Each operation: the stage it needs and the call. */
const OPERATIONS: Record<
  string,
  { stage: Stage; run: (e: PromiseEngine, a: Actor, s: WorkflowState) => Promise<unknown> }
> = {
  create: { stage: "draft", run: (e, actor) => e.create({ actor, tenantId: TENANT, templateId: template.id }) },
  start: { stage: "draft", run: (e, actor, s) => e.start(cmd(actor, s)) },
  executeStep: {
    stage: "details",
    run: (e, actor, s) => e.executeStep({ ...cmd(actor, s), stepId: "details", input: { name: "Acme" } })
  },
  "executeStep (approval)": {
    stage: "signOff",
    run: (e, actor, s) => e.executeStep({ ...cmd(actor, s), stepId: "sign-off", input: { decision: "approve" } })
  },
  pause: { stage: "details", run: (e, actor, s) => e.pause(cmd(actor, s)) },
  resume: { stage: "paused", run: (e, actor, s) => e.resume(cmd(actor, s)) },
  validate: { stage: "awaiting", run: (e, actor, s) => e.validate({ actor, instanceId: s.instanceId }) },
  submit: { stage: "awaiting", run: (e, actor, s) => e.submit(cmd(actor, s)) },
  approve: { stage: "submitted", run: (e, actor, s) => e.approve(cmd(actor, s)) },
  reject: { stage: "submitted", run: (e, actor, s) => e.reject({ ...cmd(actor, s), reason: "incomplete" }) },
  rollback: {
    stage: "pausedAfterDetails",
    run: (e, actor, s) => e.rollback({ ...cmd(actor, s), toStepId: "details" })
  },
  fail: { stage: "details", run: (e, actor, s) => e.fail({ ...cmd(actor, s), reason: "abandoned" }) },
  fireDueTimers: { stage: "details", run: (e, actor, s) => e.fireDueTimers({ actor, instanceId: s.instanceId }) },
  runAutomaticStep: { stage: "details", run: (e, actor, s) => e.runAutomaticStep({ actor, instanceId: s.instanceId }) },
  get: { stage: "details", run: (e, actor, s) => e.get({ actor, instanceId: s.instanceId }) },
  list: { stage: "details", run: (e, actor) => e.list({ actor, filter: { tenantId: TENANT } }) },
  events: { stage: "details", run: (e, actor, s) => e.events({ actor, instanceId: s.instanceId }) },
  stateAt: {
    stage: "details",
    run: (e, actor, s) => e.stateAt({ actor, instanceId: s.instanceId, until: { untilSequence: 1 } })
  }
}
function cmd(actor: Actor, s: WorkflowState) {
  return { actor, instanceId: s.instanceId, expectedVersion: s.version }
}

/** What each role may do, written out (not derived from the matrix under test). */
const EXPECTED: Record<string, ReadonlyArray<string>> = {
  market_ops: Object.keys(OPERATIONS),
  tenant_admin: [
    "create",
    "start",
    "executeStep",
    "pause",
    "resume",
    "validate",
    "submit",
    "rollback",
    "get",
    "list",
    "events",
    "stateAt"
  ],
  tenant_user: ["create", "start", "executeStep", "validate", "submit", "get", "list", "events", "stateAt"],
  approver: ["executeStep (approval)", "get", "list", "events", "stateAt"],
  system: ["fireDueTimers", "runAutomaticStep", "get", "list", "events", "stateAt"]
}

/** "ok", "Forbidden:<reason>", or the tag of another failure. */
const outcome = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise
    return "ok"
  } catch (error) {
    const tagged = error as { _tag?: string; reason?: string }
    if (tagged._tag === "Forbidden") return `Forbidden:${tagged.reason}`
    const storage = error as { _tag?: string; reason?: { _tag?: string } }
    return storage._tag === "StorageError" ? `StorageError:${storage.reason?._tag}` : String(tagged._tag ?? error)
  }
}

describe("the permission matrix through a real engine", () => {
  let engine: PromiseEngine
  beforeAll(async () => {
    engine = await createEngine({
      stores: makeMemoryStorage().layer,
      handlers: makeRegistry([formHandler, approvalHandler]),
      templates: [template],
      policy: approvalPolicy(makeRbacPolicy({ operatorId: OPERATOR }))
    })
    return () => engine.dispose()
  })

  const actors: Record<string, Actor> = {
    ...Object.fromEntries(ROLES.map((role) => [role, actorOf(role)])),
    system: systemActor(TENANT, "worker-1")
  }

  for (const [who, actor] of Object.entries(actors)) {
    it(`${who}: allowed operations succeed, the others are Forbidden (MissingPermission)`, async () => {
      const results: Record<string, string> = {}
      for (const [name, operation] of Object.entries(OPERATIONS)) {
        const state = await prepare(engine, operation.stage)
        results[name] = await outcome(operation.run(engine, actor, state))
      }
      const allowed = new Set(EXPECTED[who])
      const expected = Object.fromEntries(
        Object.keys(OPERATIONS).map((name) => [
          name,
          allowed.has(name)
            ? // the system's operations find nothing due here: any answer but Forbidden
              name === "fireDueTimers" || name === "runAutomaticStep"
              ? expect.not.stringMatching(/^Forbidden/)
              : "ok"
            : "Forbidden:MissingPermission"
        ])
      )
      expect(results).toEqual(expected)
    })
  }

  it("another tenant's actor is refused everything, whatever its role (OtherTenant, or not found in its scope)", async () => {
    const answers = new Map<string, number>()
    for (const role of ["tenant_admin", "tenant_user", "approver"] as const) {
      const stranger = actorOf(role, OTHER_TENANT)
      for (const [name, operation] of Object.entries(OPERATIONS)) {
        const state = await prepare(engine, operation.stage)
        const answer = await outcome(operation.run(engine, stranger, state))
        expect([role, name, answer]).toEqual([
          role,
          name,
          expect.stringMatching(/^(Forbidden:OtherTenant|StorageError:NotFound)$/)
        ])
        answers.set(answer, (answers.get(answer) ?? 0) + 1)
      }
    }
    // both layers answer: the policy (create, list name the tenant) and the storage scope (the rest)
    expect(answers.get("Forbidden:OtherTenant")).toBeGreaterThan(0)
    expect([...answers.values()].reduce((a, b) => a + b, 0)).toBe(3 * Object.keys(OPERATIONS).length)
  })

  it("market_ops outside the operator organisation is refused", async () => {
    const impostor = actorOf("market_ops", OTHER_TENANT)
    const state = await prepare(engine, "details")
    expect(await outcome(engine.get({ actor: impostor, instanceId: state.instanceId }))).toBe(
      "Forbidden:MissingPermission"
    )
    expect(await outcome(engine.create({ actor: impostor, tenantId: TENANT, templateId: template.id }))).toBe(
      "Forbidden:MissingPermission"
    )
  })

  it("an unknown role, or an unreadable actor, is refused", async () => {
    const state = await prepare(engine, "details")
    const auditor = { ...actorOf("tenant_user"), role: "auditor", permissions: ["workflow:read"] }
    expect(await outcome(engine.get({ actor: auditor, instanceId: state.instanceId }))).toBe(
      "Forbidden:MissingPermission"
    )
    const policy = makeRbacPolicy()
    for (const actor of [null, {}, { userId: 1 }, "market_ops"]) {
      const exit = await runPromise(policy.authorize(actor as never, "get", { tenantId: TENANT })).then(
        () => "ok",
        (e: { reason?: string }) => e.reason
      )
      expect(exit).toBe("MissingPermission")
    }
    const unknownOperation = await runPromise(policy.authorize(ops, "drop" as never, { tenantId: TENANT })).then(
      () => "ok",
      (e: { reason?: string }) => e.reason
    )
    expect(unknownOperation).toBe("MissingPermission")
  })
})

describe("server operations: requirePermission and authorizeRoleChange", () => {
  const code = (run: () => void): string => {
    try {
      run()
      return "ok"
    } catch (error) {
      return error instanceof AuthError ? error.code : `untyped ${String(error)}`
    }
  }
  const admin = actorOf("tenant_admin")

  it("a tenant admin cannot create or promote an operator, nor manage another tenant's users", () => {
    expect(code(() => authorizeRoleChange(admin, { tenantId: TENANT, role: "market_ops" }))).toBe("FORBIDDEN")
    expect(code(() => authorizeRoleChange(admin, { tenantId: OPERATOR, role: "market_ops" }))).toBe("FORBIDDEN")
    expect(code(() => authorizeRoleChange(admin, { tenantId: OTHER_TENANT, role: "tenant_user" }))).toBe("FORBIDDEN")
    expect(code(() => authorizeRoleChange(admin, { tenantId: TENANT, role: "approver" }))).toBe("ok")
    expect(code(() => authorizeRoleChange(admin, { tenantId: TENANT, role: "root" }))).toBe("BAD_USER_INPUT")
    for (const role of ["tenant_user", "approver"] as const) {
      expect(code(() => authorizeRoleChange(actorOf(role), { tenantId: TENANT, role: "tenant_user" }))).toBe(
        "FORBIDDEN"
      )
    }
    // market_ops gives market_ops only inside the operator organisation
    expect(code(() => authorizeRoleChange(ops, { tenantId: OPERATOR, role: "market_ops" }))).toBe("ok")
    expect(code(() => authorizeRoleChange(ops, { tenantId: TENANT, role: "market_ops" }))).toBe("FORBIDDEN")
    expect(code(() => authorizeRoleChange(ops, { tenantId: TENANT, role: "tenant_admin" }))).toBe("ok")
  })

  it("requirePermission follows the matrix and the tenant", () => {
    expect(code(() => requirePermission(ops, "tenant:read"))).toBe("ok")
    expect(code(() => requirePermission(admin, "tenant:read"))).toBe("FORBIDDEN")
    expect(code(() => requirePermission(admin, "user:read", TENANT))).toBe("ok")
    expect(code(() => requirePermission(admin, "user:read", OTHER_TENANT))).toBe("FORBIDDEN")
    expect(code(() => requirePermission(actorOf("approver"), "template:read"))).toBe("ok")
    expect(code(() => requirePermission(null as never, "template:read"))).toBe("FORBIDDEN")
  })

  it("docs/reference-server-auth.md shows exactly this matrix", async () => {
    // (cells compared trimmed, so a Markdown formatter may align the table)
    const rows = (text: string) =>
      text
        .split("\n")
        .filter((line) => line.startsWith("| `") && /\| (✓|\s) *\|/.test(line))
        .map((line) => line.split("|").map((cell) => cell.trim()))
    const docs = await readFile(new URL("../../docs/reference-server-auth.md", import.meta.url), "utf8")
    const documented = rows(docs).filter((cells) => /^`[a-z]+:[a-z]+`$/.test(cells[1] ?? ""))
    expect(documented).toEqual(rows(permissionTable()))
    expect(documented).toHaveLength(15)
  })
})

await describeAuthBackends("the database refuses market_ops outside the operator organisation", (backend) => {
  it("even when asked in the tenant's own scope", async () => {
    const b = backend()
    const tenantId = await b.newTenant()
    const user = await b.newUser(tenantId, "tenant_user")
    const asTenant = tenantAccess(tenantId)
    const created = await runPromise(
      b.users.create(asTenant, { tenantId, email: `op-${user.id.slice(0, 8)}@example.be`, role: "market_ops" })
    ).then(
      () => "ok",
      (e: { reason?: { _tag?: string } }) => e.reason?._tag
    )
    expect(created).toBe("TenantViolation")
    const promoted = await runPromise(b.users.update(asTenant, user.id, { role: "market_ops" })).then(
      () => "ok",
      (e: { reason?: { _tag?: string } }) => e.reason?._tag
    )
    expect(promoted).toBe("TenantViolation")
    // and the operator cannot do it either, outside its organisation
    const byOperator = await runPromise(b.users.update(b.operator, user.id, { role: "market_ops" })).then(
      () => "ok",
      (e: { reason?: { _tag?: string } }) => e.reason?._tag
    )
    expect(byOperator).toBe("TenantViolation")
    expect((await runPromise(b.users.get(asTenant, user.id)))?.role).toBe("tenant_user")
  })
})

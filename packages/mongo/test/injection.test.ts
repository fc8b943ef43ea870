/**
 * Operator injection: a corpus of 30 hostile values (query operators, dotted and `$` paths, regex,
 * `$where`, NUL, huge strings, non-strings) through every string argument of every port, in the
 * MongoDB-only stores and the split. Each call either fails with a typed `StorageError` (never a
 * defect, never a TypeError) or succeeds with nothing found — while the victim's data exists.
 */
import { type Access, operatorAccess, type StorageError, systemAccess, tenantAccess } from "@workflow-manager/core"
import { Cause, Effect, Exit } from "effect"
import { beforeAll, expect, it } from "vitest"
import type { MongoServices } from "../src/index.js"
import { type Backend, describeBackend } from "./support/backend.js"
import { commits, progress, template, uuid } from "./support/fixtures.js"

export const PAYLOADS: ReadonlyArray<unknown> = [
  { $ne: null },
  { $gt: "" },
  { $exists: true },
  { $regex: ".*" },
  { $where: "function () { return true }" },
  { $in: [] },
  { $nin: ["nothing"] },
  { $expr: { $eq: [1, 1] } },
  { $or: [{}, { t: { $ne: null } }] },
  ["a", "b"],
  "$where",
  "$ne",
  "t.$",
  "a.b",
  ".*",
  "' || '1'=='1",
  '{"$ne": null}',
  "\u0000",
  "",
  "a".repeat(10_000),
  null,
  42,
  true,
  { toString: () => "x" },
  "__proto__",
  "constructor",
  "%24ne",
  "victim#1",
  "victim/x",
  "2026-01-01T00:00:00Z\u0000"
]

type Call = (
  s: MongoServices,
  value: never,
  victim: { tenantId: string; instanceId: string }
) => Effect.Effect<unknown, StorageError>

/** The outbox's figures (optional in the port; the mongo outbox has them). */
const stats = (s: MongoServices) => {
  const figures = s.outbox.stats
  if (figures === undefined) throw new Error("the mongo outbox has stats")
  return figures
}

/** Every string argument of every port, one call each, the rest of the arguments valid. */
const CALLS: Record<string, Call> = {
  "access.tenantId (read)": (s, v, w) => s.eventStore.read(tenantAccess(v), w.instanceId),
  // the operator scope reads every tenant by design: only its shape is checked (hostile ids refused)
  "operator.tenantId (lag)": (s, v) =>
    typeof v === "string" && /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/.test(v)
      ? Effect.succeed(undefined)
      : s.reconciler.lag(operatorAccess("ops", v)),
  "EventStore.read instanceId": (s, v, w) => s.eventStore.read(tenantAccess(w.tenantId), v),
  "EventStore.read range": (s, v, w) => s.eventStore.read(tenantAccess(w.tenantId), w.instanceId, { from: v }),
  "EventStore.readUntil instanceId": (s, v, w) =>
    s.eventStore.readUntil(tenantAccess(w.tenantId), v, "2030-01-01T00:00:00Z"),
  "EventStore.readUntil instant": (s, v, w) => s.eventStore.readUntil(tenantAccess(w.tenantId), w.instanceId, v),
  "EventStore.readByCommand instanceId": (s, v, w) => s.eventStore.readByCommand(tenantAccess(w.tenantId), v, "cmd"),
  "EventStore.readByCommand commandId (other tenant)": (s, v, w) =>
    s.eventStore.readByCommand(tenantAccess(uuid()), w.instanceId, v),
  "InstanceStore.get": (s, v, w) => s.instanceStore.get(tenantAccess(w.tenantId), v),
  "InstanceStore.getMany": (s, v, w) => s.instanceStore.getMany(tenantAccess(w.tenantId), [v]),
  "WorkflowIndex.get": (s, v, w) => s.workflowIndex.get(tenantAccess(w.tenantId), v),
  "WorkflowIndex.query tenantId": (s, v) => s.workflowIndex.query(tenantAccess(uuid()), { tenantId: v }, { limit: 10 }),
  "WorkflowIndex.query status": (s, v, w) =>
    s.workflowIndex.query(tenantAccess(w.tenantId), { status: [v] }, { limit: 10 }),
  "WorkflowIndex.query marketRole": (s, v) =>
    s.workflowIndex.query(tenantAccess(uuid()), { marketRole: v }, { limit: 10 }),
  "WorkflowIndex.query currentStepId": (s, v) =>
    s.workflowIndex.query(tenantAccess(uuid()), { currentStepId: v }, { limit: 10 }),
  "WorkflowIndex.query templateId": (s, v) =>
    s.workflowIndex.query(tenantAccess(uuid()), { templateId: v }, { limit: 10 }),
  "WorkflowIndex.query updatedSince": (s, v) =>
    s.workflowIndex.query(tenantAccess(uuid()), { updatedSince: v }, { limit: 10 }),
  "WorkflowIndex.query dueBy": (s, v) => s.workflowIndex.query(tenantAccess(uuid()), { dueBy: v }, { limit: 10 }),
  "WorkflowIndex.query cursor": (s, v, w) =>
    s.workflowIndex.query(tenantAccess(w.tenantId), {}, { limit: 10, cursor: v }),
  "TemplateStore.get": (s, v) => s.templateStore.get(v, 1),
  "TemplateStore.getLatest": (s, v) => s.templateStore.getLatest(v),
  "TemplateStore.list marketRole": (s, v) => s.templateStore.list({ marketRole: v }),
  "WorkflowStore.load instanceId": (s, v, w) => s.workflowStore.load(tenantAccess(w.tenantId), v),
  "WorkflowStore.load commandId (other tenant)": (s, v, w) =>
    s.workflowStore.load(tenantAccess(uuid()), w.instanceId, v),
  "Reconciler.reconcile tenantId": (s, v) => s.reconciler.reconcile(v, { graceMs: 0 }),
  "Reconciler.reconcile options": (s, v) => s.reconciler.reconcile(uuid(), v),
  "Reconciler.lag access": (s, v) => s.reconciler.lag(tenantAccess(v)),
  "Outbox.stats access": (s, v) => stats(s)(tenantAccess(v), "2030-01-01T00:00:00Z"),
  "Outbox.stats now": (s, v, w) => stats(s)(tenantAccess(w.tenantId), v)
}

/** What a successful call may return: nothing found. */
const isEmpty = (value: unknown): boolean =>
  value === undefined ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === "object" &&
    value !== null &&
    "items" in value &&
    (value as { items: unknown[] }).items.length === 0) ||
  (typeof value === "object" &&
    value !== null &&
    "state" in value &&
    (value as { state: unknown }).state === undefined &&
    (value as unknown as { prior: unknown[] }).prior.length === 0) ||
  (typeof value === "object" && value !== null && "scanned" in value && (value as { scanned: number }).scanned === 0) ||
  (typeof value === "object" &&
    value !== null &&
    "unprojected" in value &&
    (value as { unprojected: number }).unprojected === 0) ||
  (typeof value === "object" &&
    value !== null &&
    "waiting" in value &&
    (value as { waiting: number }).waiting === 0 &&
    (value as unknown as { dead: number }).dead === 0)

const register = (backend: () => Backend) => {
  const victim = { tenantId: uuid(), instanceId: `victim-${uuid().slice(0, 8)}` }
  beforeAll(async () => {
    await backend().inspect.ensureTenant(victim.tenantId)
    const t = template(`victim-${uuid().slice(0, 8)}`)
    const access: Access = tenantAccess(victim.tenantId)
    for (const [n, c] of commits(t, progress(t, { ...victim, steps: 1 })).entries()) {
      // the victim has an outbox message too (for the outbox's figures)
      const messages =
        n === 0
          ? [
              {
                schemaVersion: 1 as const,
                id: `${victim.instanceId}:notice`,
                tenantId: victim.tenantId,
                instanceId: victim.instanceId,
                sequence: 1,
                kind: "mail",
                payload: {},
                createdAt: "2026-01-01T00:00:00Z",
                availableAt: "2026-01-01T00:00:00Z"
              }
            ]
          : []
      await Effect.runPromise(backend().services.workflowStore.commit(access, { ...c, messages }))
    }
  })

  it(`${PAYLOADS.length} payloads × ${Object.keys(CALLS).length} string arguments: typed errors or nothing found`, async () => {
    const outcomes = { typed: 0, empty: 0 }
    const bad: Array<string> = []
    for (const [name, call] of Object.entries(CALLS)) {
      for (const [n, payload] of PAYLOADS.entries()) {
        const exit = await Effect.runPromiseExit(call(backend().services, payload as never, victim))
        if (Exit.isSuccess(exit)) {
          if (isEmpty(exit.value)) outcomes.empty++
          else bad.push(`${name} #${n}: found ${JSON.stringify(exit.value).slice(0, 120)}`)
        } else {
          const error = Cause.findErrorOption(exit.cause)
          if (error._tag === "Some" && (error.value as { _tag?: string })._tag === "StorageError") outcomes.typed++
          else bad.push(`${name} #${n}: ${String(Cause.squash(exit.cause)).slice(0, 160)}`)
        }
      }
    }
    expect(bad).toEqual([])
    expect(outcomes.typed + outcomes.empty).toBe(PAYLOADS.length * Object.keys(CALLS).length)
    // the victim is there, and the system scope still sees it: the empty answers were not for want of data
    const seen = await Effect.runPromise(backend().services.eventStore.read(systemAccess("audit"), victim.instanceId))
    expect(seen.length).toBeGreaterThan(0)
    const figures = await Effect.runPromise(stats(backend().services)(systemAccess("audit"), "2030-01-01T00:00:00Z"))
    expect(figures.waiting).toBeGreaterThan(0)
  })
}

await describeBackend("mongo operator injection", { split: false }, register)
await describeBackend("mongo operator injection", { split: true }, register)

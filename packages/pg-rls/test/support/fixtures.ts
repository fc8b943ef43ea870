/**
 * Valid documents for the tests, built through core's own reducer (so a state always matches its
 * events).
 */
import { createHash, randomUUID } from "node:crypto"
import { evolve, type Template, type WorkflowEvent, type WorkflowState } from "@workflow-manager/core"

export const newTenantId = (): string => randomUUID()
export const newInstanceId = (): string => randomUUID()

const base = Date.parse("2026-11-26T09:00:00.000Z")
export const at = (second: number): string => new Date(base + second * 1000).toISOString()

export interface InstanceSpec {
  readonly instanceId: string
  readonly tenantId: string
  readonly templateId?: string
  readonly marketRole?: string
  /** Seconds after the fixed base time at which the instance is created. */
  readonly createdAt?: number
}

/** `WORKFLOW_CREATED` at sequence 1. */
export const createdEvent = (spec: InstanceSpec): WorkflowEvent => ({
  schemaVersion: 1,
  instanceId: spec.instanceId,
  tenantId: spec.tenantId,
  sequence: 1,
  performedBy: "user-1",
  occurredAt: at(spec.createdAt ?? 0),
  commandId: `cmd-create-${spec.instanceId}`,
  type: "WORKFLOW_CREATED",
  data: {
    templateId: spec.templateId ?? "contract-onboarding",
    templateVersion: 1,
    marketRole: spec.marketRole ?? "BRP",
    firstStepId: "company-details",
    metadata: { source: "test" }
  }
})

/** The n-th event after creation (sequence `n`, n ≥ 2): start, then step starts/completions, pauses. */
export const laterEvent = (
  spec: InstanceSpec,
  sequence: number,
  extra: { commandId?: string; second?: number } = {}
): WorkflowEvent => {
  const envelope = {
    schemaVersion: 1 as const,
    instanceId: spec.instanceId,
    tenantId: spec.tenantId,
    sequence,
    performedBy: "user-1",
    occurredAt: at((spec.createdAt ?? 0) + (extra.second ?? sequence)),
    ...(extra.commandId === undefined ? {} : { commandId: extra.commandId })
  }
  if (sequence === 2) return { ...envelope, type: "WORKFLOW_STARTED", stepId: "company-details", data: {} }
  return sequence % 2 === 1
    ? {
        ...envelope,
        type: "STEP_STARTED",
        stepId: "company-details",
        data: { attempt: sequence, input: { n: sequence } }
      }
    : { ...envelope, type: "WORKFLOW_PAUSED", data: { reason: `pause ${sequence}` } }
}

/** Events `from..to` of an instance (1 = created). */
export const eventsOf = (spec: InstanceSpec, from: number, to: number): ReadonlyArray<WorkflowEvent> => {
  const out: Array<WorkflowEvent> = []
  for (let s = from; s <= to; s++) out.push(s === 1 ? createdEvent(spec) : laterEvent(spec, s))
  return out
}

/** The state after events 1..version. */
export const stateOf = (spec: InstanceSpec, version: number): WorkflowState => {
  let state: WorkflowState | undefined
  for (const event of eventsOf(spec, 1, version)) state = evolve(state, event)
  if (state === undefined) throw new Error("no state")
  return state
}

export const template = (id: string, version: number, marketRole?: string): Template => ({
  schemaVersion: 1,
  id,
  version,
  name: `Template ${id} v${version}`,
  ...(marketRole === undefined ? {} : { marketRole }),
  steps: [
    { id: "company-details", type: "form", config: { fields: ["name", "vat"] } },
    { id: "approval", type: "approval", config: { approvers: ["market_ops"] } }
  ]
})

/** A well-formed argon2id hash (OWASP parameters m=19456,t=2,p=1) labelled by `label`: not of any password. */
export const argonHash = (label: string): string =>
  `$argon2id$v=19$m=19456,t=2,p=1$${Buffer.from(label.padEnd(16, "-").slice(0, 16)).toString("base64").replace(/=+$/, "")}$${createHash(
    "sha256"
  )
    .update(label)
    .digest("base64")
    .replace(/=+$/, "")}`

/**
 * What the worker's tests share: handlers (an automatic step, a deferred call that can be held and
 * made to fail, a form), templates, a memory engine, and a bounded wait.
 */
import {
  completeStep,
  createEngine,
  defineStepHandler,
  makeMemoryStorage,
  makeRegistry,
  type PromiseEngine,
  StepHandlerError,
  type Template
} from "@workflow-manager/core"
import { Effect, Schema } from "effect"

export const TENANT = "3f0c1e52-7a4e-4c55-9d3b-2f7d8a1b6c90"
export const OTHER_TENANT = "5b1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"

export const user = (tenantId = TENANT) => ({ userId: "alice", tenantId, role: "tenant_admin", permissions: [] })

/** A form step: a person's step, which the worker never runs. */
export const formHandler = defineStepHandler({
  type: "form",
  configSchema: Schema.Struct({}),
  inputSchema: Schema.Struct({ ok: Schema.Boolean }),
  execute: ({ input }) => Effect.succeed(completeStep({ ok: input.ok }))
})

/** An automatic step: completes at once, queues one message. */
export const welcomeHandler = defineStepHandler({
  type: "welcome",
  automatic: true,
  configSchema: Schema.Struct({}),
  inputSchema: Schema.Null,
  execute: ({ context }) =>
    Effect.succeed(
      completeStep(
        { welcomed: true },
        { messages: [{ key: "mail", kind: "notification", payload: { instance: context.instanceId } }] }
      )
    )
})

/** How the deferred call behaves, set by each test. */
export interface CallScript {
  /** Called with the idempotency key and the worker's user id; may wait, fail or succeed. */
  behave: (key: string, by: string) => Effect.Effect<void, StepHandlerError>
  readonly calls: Array<{ key: string; by: string }>
}

export const callScript = (): CallScript => ({ behave: () => Effect.void, calls: [] })

/** A deferred step (an API call): run by a worker under a lease. */
export const deferredHandler = (script: CallScript) =>
  defineStepHandler({
    type: "call",
    automatic: true,
    deferred: true,
    configSchema: Schema.Struct({}),
    inputSchema: Schema.Null,
    execute: ({ context }) =>
      Effect.gen(function* () {
        script.calls.push({ key: context.idempotencyKey, by: context.actor.userId })
        yield* script.behave(context.idempotencyKey, context.actor.userId)
        return completeStep({ calledBy: context.actor.userId })
      })
  })

export const retryable = (message: string) => new StepHandlerError({ message, retryable: true })

const template = (id: string, steps: Template["steps"]): Template => ({
  schemaVersion: 1,
  id,
  version: 1,
  name: id,
  marketRole: "BRP",
  steps
})

/** A person's step whose deadline fell due a second before it was entered; escalation: notify. */
export const overdueTemplate = template("overdue", [
  {
    id: "invite",
    type: "form",
    config: {},
    deadlines: [{ id: "overdue", offset: "-PT1S", escalation: { kind: "notify", topic: "overdue" } }]
  },
  { id: "done", type: "form", config: {} }
])

/** Two automatic steps in a row, then a person's step. */
export const chainTemplate = template("chain", [
  { id: "one", type: "welcome", config: {} },
  { id: "two", type: "welcome", config: {} },
  { id: "after", type: "form", config: {} }
])

/** A deferred call (retried twice after 50 ms, 100 ms), then a person's step. */
export const callTemplate = template("call-flow", [
  {
    id: "call",
    type: "call",
    config: {},
    retry: { maxAttempts: 3, initialDelayMs: 50, backoffFactor: 2, maxDelayMs: 1000, jitter: 0 }
  },
  { id: "after", type: "form", config: {} }
])

export const memoryEngine = async (
  script: CallScript = callScript()
): Promise<{ engine: PromiseEngine; storage: ReturnType<typeof makeMemoryStorage> }> => {
  const storage = makeMemoryStorage()
  const engine = await createEngine({
    stores: storage.layer,
    handlers: makeRegistry([formHandler, welcomeHandler, deferredHandler(script)]),
    templates: [overdueTemplate, chainTemplate, callTemplate]
  })
  return { engine, storage }
}

/** Creates and starts `count` instances of a template. */
export const startInstances = async (
  engine: PromiseEngine,
  templateId: string,
  count: number,
  tenantId = TENANT
): Promise<Array<string>> => {
  const ids: Array<string> = []
  for (let i = 0; i < count; i++) {
    const created = await engine.create({ actor: user(tenantId), templateId })
    await engine.start({ actor: user(tenantId), instanceId: created.state.instanceId, expectedVersion: 1 })
    ids.push(created.state.instanceId)
  }
  return ids
}

/** Waits until `done()` holds, checking every 20 ms, at most `ms`; fails with `what` otherwise. */
export const waitFor = async (what: string, done: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> => {
  const until = Date.now() + ms
  for (;;) {
    if (await done()) return
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** A log that keeps its records. */
export const memoryLog = () => {
  const records: Array<{ level: string; message: string; fields: Record<string, unknown> }> = []
  return {
    records,
    log: (level: string, message: string, fields?: Readonly<Record<string, unknown>>) => {
      records.push({ level, message, fields: { ...fields } })
    }
  }
}

/** One sample's value from Prometheus text (`undefined` when absent). */
export const sample = (text: string, metric: string, labels: Record<string, string> = {}): number | undefined => {
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || !line.startsWith(metric)) continue
    const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line)
    if (match === null || match[1] !== metric) continue
    const found = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string])
    )
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3])
  }
  return undefined
}

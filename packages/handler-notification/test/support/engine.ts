/**
 * An engine on a fresh memory storage for the tests (live clock, sequential ids), with the
 * notification handler, a `data` step that records its input as its output, and a handler that
 * queues any payload as a notification (to feed the deliverer hostile messages).
 */
import {
  completeStep,
  defineStepHandler,
  Engine,
  type EngineService,
  engineLayer,
  type HandlerRegistry,
  type Json,
  type MemoryStorage,
  makeMemoryStorage,
  makeRegistry,
  sequentialIdsLayer,
  type Template,
  type WorkflowStore
} from "@workflow-manager/core"
import { Effect, Layer, Schema } from "effect"
import { notificationHandler } from "../../src/index.js"

/** A step whose output is its input (a stand-in for a form). */
export const dataHandler = defineStepHandler({
  type: "data",
  configSchema: Schema.Struct({}),
  inputSchema: Schema.Record(Schema.String, Schema.Json),
  execute: ({ input }) => Effect.succeed(input)
})

/** Queues its config's `payload` as a `notification` message, as is (automatic). */
export const rawQueueHandler = defineStepHandler({
  type: "raw-queue",
  automatic: true,
  configSchema: Schema.Struct({ payload: Schema.Json }),
  inputSchema: Schema.Null,
  execute: ({ config }) =>
    Effect.succeed(
      completeStep({ queued: true }, { messages: [{ key: "raw", kind: "notification", payload: config.payload }] })
    )
})

export const registry = makeRegistry([notificationHandler, dataHandler, rawQueueHandler])

/**
 * The engine layer (with the storage's ports) and an effect publishing `templates`; `workflowStore`
 * may give the engine another `WorkflowStore` over the same storage (a flaky one).
 */
export const memoryEngine = (
  templates: ReadonlyArray<Template>,
  options: {
    readonly handlers?: HandlerRegistry
    readonly workflowStore?: (storage: MemoryStorage) => Layer.Layer<WorkflowStore>
  } = {}
) => {
  const storage = makeMemoryStorage()
  const base = Layer.merge(storage.layer, sequentialIdsLayer("wf"))
  const engine = engineLayer({ handlers: options.handlers ?? registry })
  const live = Layer.merge(
    storage.layer,
    options.workflowStore === undefined
      ? engine.pipe(Layer.provide(base))
      : engine.pipe(Layer.provide(options.workflowStore(storage)), Layer.provide(base))
  )
  const publish = Effect.gen(function* () {
    const engine = yield* Engine
    for (const t of templates) yield* engine.publishTemplate(t)
    return engine
  })
  return { storage, live, publish }
}

export const tenantId = "engie-be"

export const brpUser = {
  userId: "u-engie-bob",
  tenantId,
  role: "brp_admin",
  permissions: ["workflow:read", "workflow:execute"]
} as const

/** Creates and starts an instance of `templateId` and completes its first step (`company`) with `input`. */
export const throughFirstStep = (engine: EngineService, templateId: string, input: Record<string, Json>) =>
  Effect.gen(function* () {
    const created = yield* engine.create({ actor: brpUser, templateId })
    const started = yield* engine.start({ actor: brpUser, instanceId: created.state.instanceId, expectedVersion: 1 })
    const done = yield* engine.executeStep({
      actor: brpUser,
      instanceId: started.state.instanceId,
      expectedVersion: started.state.version,
      stepId: "company",
      input
    })
    return done.state
  })

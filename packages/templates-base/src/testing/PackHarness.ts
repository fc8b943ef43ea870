/**
 * The harness each pack's test drives its templates with: a real engine on core's memory storage,
 * the real handler plugins (form, approval, notification, api-call — the api-call handler allowed
 * to reach only a loopback register started for the test), `approvalPolicy`, and a test clock that
 * moves only when told (a minute before each command, or `advance`).
 *
 * @since 0.1.0
 */
import {
  type Actor,
  addDuration,
  Engine,
  type EngineService,
  engineLayer,
  failureOf,
  type JsonObject,
  type MemoryStorage,
  makeMemoryStorage,
  makeRegistry,
  Policy,
  type PolicyService,
  sequentialIdsLayer,
  systemActor,
  type Template,
  type TemplatePack,
  type WorkflowEvent,
  type WorkflowState
} from "@workflow-manager/core"
import { makeApiCallHandler } from "@workflow-manager/handler-api-call"
import { approvalHandler, approvalPolicy } from "@workflow-manager/handler-approval"
import { formHandler } from "@workflow-manager/handler-form"
import { notificationHandler } from "@workflow-manager/handler-notification"
import { Clock, Effect, Exit, Layer, ManagedRuntime } from "effect"
import { TestClock } from "effect/testing"
import { type RegisterServer, startRegister } from "./RegisterServer.js"

/**
 * Options of {@link makePackHarness}.
 *
 * @since 0.1.0
 * @category testing
 */
export interface PackHarnessOptions {
  /** The engine's policy (default: `approvalPolicy()` — core's default policy, approval steps guarded). */
  readonly policy?: PolicyService
  /** The test clock's start (default `2026-03-02T08:00:00.000Z`, a Monday). */
  readonly now?: string
  /** Test-clock time before each command (default one minute). */
  readonly intervalMs?: number
}

/**
 * One instance, driven command by command; each command uses the instance's current version and
 * then runs the automatic steps that became due (notifications, API calls) as the system actor.
 *
 * @since 0.1.0
 * @category testing
 */
export interface InstanceDriver {
  readonly instanceId: string
  readonly state: () => Promise<WorkflowState>
  /** Executes the current step (`stepId`) with `input` as `actor`; rejects with the engine's typed error. */
  readonly step: (stepId: string, input: unknown, actor: Actor) => Promise<WorkflowState>
  readonly submit: (actor: Actor) => Promise<WorkflowState>
  readonly approve: (actor: Actor) => Promise<WorkflowState>
  /** Fires the current step's due deadlines as the system; returns the events recorded. */
  readonly fireDueTimers: () => Promise<ReadonlyArray<WorkflowEvent>>
  /** Every event of the instance, in order. */
  readonly events: () => Promise<ReadonlyArray<WorkflowEvent>>
}

/**
 * A running harness. Close it (`close`) when the test is done: it stops the register server and the
 * engine's runtime.
 *
 * @since 0.1.0
 * @category testing
 */
export interface PackHarness {
  /** The loopback register: its base URL for the packs' `register.url`, and the requests it received. */
  readonly register: RegisterServer
  /** The memory storage (`inspect.events`, `inspect.outbox`, ...). */
  readonly storage: MemoryStorage
  /** Runs any engine operation in the harness (its clock, storage and policy). */
  readonly run: <A, E>(effect: (engine: EngineService) => Effect.Effect<A, E>) => Promise<A>
  /** `engine.publishPack`: the templates as published. */
  readonly publish: <Config>(pack: TemplatePack<Config>, config?: unknown) => Promise<ReadonlyArray<Template>>
  /** Creates and starts an instance (latest version unless told), with optional metadata. */
  readonly begin: (input: {
    readonly templateId: string
    readonly actor: Actor
    readonly templateVersion?: number
    /** Required for a template without a market role (the base templates). */
    readonly marketRole?: string
    readonly metadata?: JsonObject
  }) => Promise<InstanceDriver>
  /** Moves the test clock by an ISO-8601 duration (`P2D`, `PT1H`, `P3M`). */
  readonly advance: (duration: string) => Promise<void>
  /** The test clock's instant. */
  readonly now: () => Promise<string>
  readonly close: () => Promise<void>
}

/**
 * Starts a harness: the register on loopback, then an engine with the real handlers on a fresh
 * memory storage, sequential instance ids (`wf-1`, ...), `approvalPolicy()` and a test clock.
 *
 * @example
 * ```ts
 * import { makePackHarness } from "@workflow-manager/templates-base/testing"
 * import { basePack } from "@workflow-manager/templates-base"
 *
 * const harness = await makePackHarness()
 * await harness.publish(basePack, { register: { url: harness.register.url } })
 * const onboarding = await harness.begin({ templateId: "contract-onboarding", actor })
 * await onboarding.step("company", { legalName: "Engie Electrabel", vat: "BE0476388378" }, actor)
 * await harness.close()
 * ```
 *
 * @since 0.1.0
 * @category testing
 */
export const makePackHarness = async (options: PackHarnessOptions = {}): Promise<PackHarness> => {
  const register = await startRegister()
  const storage = makeMemoryStorage()
  const handlers = makeRegistry([
    formHandler,
    approvalHandler,
    notificationHandler,
    makeApiCallHandler({ allow: [register.host], defaultTimeoutMs: 10_000 })
  ])
  const live = engineLayer({ handlers }).pipe(
    Layer.provide(Layer.mergeAll(storage.layer, sequentialIdsLayer("wf"))),
    Layer.provideMerge(TestClock.layer())
  )
  const runtime = ManagedRuntime.make(live)
  const policy: PolicyService = options.policy ?? approvalPolicy()
  const interval = options.intervalMs ?? 60_000
  const run = async <A, E>(f: (engine: EngineService) => Effect.Effect<A, E>): Promise<A> => {
    const exit = await runtime.runPromiseExit(
      Effect.gen(function* () {
        return yield* f(yield* Engine)
      }).pipe(Effect.provideService(Policy, policy))
    )
    if (Exit.isSuccess(exit)) return exit.value
    throw failureOf(exit.cause)
  }
  const tick = (ms: number) => runtime.runPromise(TestClock.adjust(ms))
  const start = Date.parse(options.now ?? "2026-03-02T08:00:00.000Z")
  if (Number.isNaN(start)) {
    await register.close()
    throw new RangeError(`now: ${String(options.now).slice(0, 100)} is not an ISO-8601 instant`)
  }
  await runtime.runPromise(TestClock.setTime(start))
  const now = async () => new Date(await runtime.runPromise(Clock.currentTimeMillis)).toISOString()

  const automatic = (state: WorkflowState) =>
    run((engine) =>
      Effect.gen(function* () {
        let current = state
        // bounded: a template has at most 200 automatic steps in a row
        for (let i = 0; i < 200 && current.runAt !== undefined && current.status === "IN_PROGRESS"; i++) {
          const { state: next, events } = yield* engine.runAutomaticStep({
            actor: systemActor(current.tenantId),
            instanceId: current.instanceId
          })
          current = next
          if (events.length === 0) break
        }
        return current
      })
    )

  const driver = (instanceId: string, tenantId: string): InstanceDriver => {
    const state = () => run((engine) => engine.get({ actor: systemActor(tenantId), instanceId }))
    const command = async (
      f: (engine: EngineService, version: number) => Effect.Effect<{ state: WorkflowState }, unknown>
    ) => {
      await tick(interval)
      const current = await state()
      return automatic((await run((engine) => f(engine, current.version))).state)
    }
    return {
      instanceId,
      state,
      step: (stepId, input, actor) =>
        command((engine, expectedVersion) => engine.executeStep({ actor, instanceId, expectedVersion, stepId, input })),
      submit: (actor) => command((engine, expectedVersion) => engine.submit({ actor, instanceId, expectedVersion })),
      approve: (actor) => command((engine, expectedVersion) => engine.approve({ actor, instanceId, expectedVersion })),
      fireDueTimers: async () =>
        (await run((engine) => engine.fireDueTimers({ actor: systemActor(tenantId), instanceId }))).events,
      events: () => storage.inspect.events(instanceId)
    }
  }

  return {
    register,
    storage,
    run,
    publish: (pack, config) => run((engine) => engine.publishPack({ pack, config })),
    begin: async ({ templateId, actor, templateVersion, marketRole, metadata }) => {
      await tick(interval)
      const created = await run((engine) =>
        engine.create({
          actor,
          templateId,
          ...(templateVersion === undefined ? {} : { templateVersion }),
          ...(marketRole === undefined ? {} : { marketRole }),
          ...(metadata === undefined ? {} : { metadata })
        })
      )
      const instance = driver(created.state.instanceId, created.state.tenantId)
      await tick(interval)
      const started = await run((engine) =>
        engine.start({ actor, instanceId: instance.instanceId, expectedVersion: created.state.version })
      )
      await automatic(started.state)
      return instance
    },
    advance: async (duration) => {
      const from = Date.parse(await now())
      const to = addDuration(from, duration)
      if (to === undefined) throw new RangeError(`${String(duration).slice(0, 100)} is not an ISO-8601 duration`)
      const ms = Date.parse(to) - from
      if (ms < 0) throw new RangeError(`the test clock only moves forward (${duration})`)
      await tick(ms)
    },
    now,
    close: async () => {
      await runtime.dispose()
      await register.close()
    }
  }
}

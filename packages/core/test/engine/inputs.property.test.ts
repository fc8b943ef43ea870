/**
 * Every public operation, fed arbitrary input — JSON-ish values, wrong types, NaN, BigInt, Dates,
 * functions, cycles, deep nests, huge strings, mixed with plausible values —, either succeeds or
 * fails with a typed error of the documented set; it never throws an untyped Error, TypeError or
 * RangeError, and a failure writes nothing.
 */
import { fc, test } from "@fast-check/vitest"
import { Effect, Schema } from "effect"
import { describe, expect, it } from "vitest"
import {
  Engine,
  type EngineService,
  MARKET_OPS,
  type PromiseEngine,
  systemActor,
  type WorkflowEvent
} from "../../src/index.js"
import { engineOperations } from "../../src/internal/engine/context.js"
import {
  brpUser,
  marketOps,
  memoryEngine,
  promiseEngine,
  sequence1Template,
  sequence4Template,
  tenantId
} from "../fixtures/index.js"

const documented = new Set([
  "InvalidInput",
  "StorageError",
  "IllegalTransition",
  "InvalidCommand",
  "ValidationFailed",
  "Forbidden",
  "StepFailed",
  "CompensationFailed",
  "UnknownHandler",
  "TemplateInvalid",
  "IdempotencyKeyReused"
])

const cycle = (): unknown => {
  const a: Record<string, unknown> = { n: 1 }
  a.self = a
  return a
}
const deep = (levels: number): unknown => {
  let v: unknown = 1
  for (let i = 0; i < levels; i++) v = i % 2 === 0 ? [v] : { v }
  return v
}

/** Values no JSON schema should accept, and some that are just wrong. */
const nasty = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
    10n,
    undefined,
    null,
    "",
    "\u0000",
    "\ud800",
    () => 1,
    Symbol("s"),
    new Date(Number.NaN),
    new Map([["a", 1]]),
    Object.create(null),
    [],
    {},
    "x".repeat(2 * 1024 * 1024)
  ),
  fc.constant(null).map(cycle),
  fc.integer({ min: 60, max: 150_000 }).map(deep),
  fc.anything({
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withSparseArray: true,
    withBoxedValues: true,
    withTypedArray: true,
    maxDepth: 4
  })
)

interface World {
  readonly engine: PromiseEngine
  readonly ids: ReadonlyArray<string>
  readonly log: (id: string) => Promise<ReadonlyArray<WorkflowEvent>>
}

const plausible = (world: World) => ({
  actor: fc.constantFrom(brpUser, marketOps, systemActor(tenantId), { ...brpUser, role: MARKET_OPS }),
  instanceId: fc.constantFrom(...world.ids, "wf-404"),
  expectedVersion: fc.integer({ min: 0, max: 12 }),
  idempotencyKey: fc.constantFrom("k1", "k2"),
  stepId: fc.constantFrom("company-info", "portfolio", "approval", "activation", "nope"),
  input: fc.constantFrom(
    { companyName: "Engie", vat: "BE0403170701" },
    { accessPoints: "541449000000000001" },
    { decision: "approve" },
    {}
  ),
  reason: fc.string({ maxLength: 20 }),
  comment: fc.string({ maxLength: 20 }),
  toStepId: fc.constantFrom("company-info", "portfolio"),
  templateId: fc.constantFrom(sequence1Template.id, sequence4Template.id, "none"),
  templateVersion: fc.integer({ min: 0, max: 3 }),
  tenantId: fc.constantFrom(tenantId, "other"),
  metadata: fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  filter: fc.record({ status: fc.constant(["IN_PROGRESS"]) }, { requiredKeys: [] }),
  page: fc.record({ limit: fc.integer({ min: 0, max: 600 }) }),
  from: fc.integer({ min: -1, max: 20 }),
  to: fc.integer({ min: -1, max: 20 }),
  limit: fc.integer({ min: 0, max: 1100 }),
  until: fc.oneof(
    fc.record({ untilSequence: fc.integer({ min: -1, max: 20 }) }),
    fc.record({ untilTime: fc.oneof(fc.date(), fc.constant("2026-11-26T09:00:00.000Z"), fc.string()) })
  ),
  leaseMs: fc.integer({ min: -1, max: 100_000 }),
  pack: fc.constant(undefined),
  config: fc.object()
})

const inputOf = (world: World) => {
  const fields = plausible(world)
  const field = Object.fromEntries(
    Object.entries(fields).map(([k, arb]) => [
      k,
      fc.oneof({ weight: 4, arbitrary: arb as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: nasty })
    ])
  ) as Record<string, fc.Arbitrary<unknown>>
  return fc.oneof({ weight: 6, arbitrary: fc.record(field, { requiredKeys: [] }) }, { weight: 1, arbitrary: nasty })
}

const operations: ReadonlyArray<keyof EngineService> = engineOperations

const setUp = async (): Promise<World> => {
  const { engine, storage } = await promiseEngine([sequence1Template, sequence4Template])
  const ids: Array<string> = []
  for (let i = 0; i < 3; i++) {
    let { state } = await engine.create({ actor: brpUser, templateId: sequence4Template.id })
    ids.push(state.instanceId)
    if (i > 0) state = (await engine.start({ actor: brpUser, instanceId: state.instanceId, expectedVersion: 1 })).state
    if (i > 1) {
      await engine.executeStep({
        actor: brpUser,
        instanceId: state.instanceId,
        expectedVersion: state.version,
        stepId: "company-info",
        input: { companyName: "Engie", vat: "BE0403170701" }
      })
    }
  }
  return { engine, ids, log: (id) => storage.inspect.events(id) }
}

describe("arbitrary input to every public operation", async () => {
  const world = await setUp()

  it("the list of operations is the engine's whole API", async () => {
    const { engine } = await promiseEngine([])
    expect(
      Object.keys(engine)
        .filter((k) => k !== "dispose")
        .sort()
    ).toEqual([...operations].sort())
    const effectEngine = await Effect.runPromise(
      Effect.flatMap(Engine, (e) => Effect.succeed(Object.keys(e).sort())).pipe(Effect.provide(memoryEngine([]).live))
    )
    expect(effectEngine).toEqual([...operations].sort())
  })
  for (const operation of operations) {
    test.prop([inputOf(world)], { numRuns: 120 })(
      `${operation}: success or a documented typed error, and no partial write`,
      async (input) => {
        const before = await Promise.all(world.ids.map((id) => world.log(id)))
        let error: unknown
        try {
          await (world.engine[operation] as (i: unknown) => Promise<unknown>)(input)
        } catch (e) {
          error = e
        }
        if (error === undefined) return
        expect(error).not.toBeInstanceOf(TypeError)
        expect(error).not.toBeInstanceOf(RangeError)
        const tag = (error as { _tag?: unknown })._tag
        expect(documented.has(tag as string), `untyped failure: ${String(error)}`).toBe(true)
        expect(Schema.isSchemaError(error)).toBe(false)
        if (tag !== "StepFailed") {
          const after = await Promise.all(world.ids.map((id) => world.log(id)))
          expect(after).toEqual(before)
        }
      }
    )
  }
})

/**
 * Hostile config, input and recorded data: every one is a typed error or an issue, never a defect,
 * and nothing reaches the register.
 */
import { describe, expect, it } from "@effect/vitest"
import { type Actor, createEngine, makeMemoryStorage, type PolicyContext } from "@workflow-manager/core"
import { compensateStep, runStep, testActor, validateStep } from "@workflow-manager/core/testing"
import { Effect, Exit } from "effect"
import { bankGuaranteeHandler, bankGuaranteePolicy, layerMemory } from "../src/index.js"
import { actorWith, collateralTemplate, config, input, registerWithGuarantees } from "./fixtures.js"

const deep = (levels: number): unknown => {
  let value: unknown = "x"
  for (let i = 0; i < levels; i++) value = { a: value }
  return value
}

const hostileInputs: ReadonlyArray<[string, unknown]> = [
  ["null", null],
  ["a string", "KBC-BG-2026-0042"],
  ["an array", [input]],
  ["__proto__ as the only key", JSON.parse('{"__proto__": {"amountEur": 500000}}')],
  ["a NaN amount", { ...input, amountEur: Number.NaN }],
  ["an infinite amount", { ...input, amountEur: Number.POSITIVE_INFINITY }],
  ["a huge amount", { ...input, amountEur: 1e300 }],
  ["a negative amount", { ...input, amountEur: -1 }],
  ["a fractional amount", { ...input, amountEur: 250_000.5 }],
  ["an amount as a string", { ...input, amountEur: "500000" }],
  ["a megabyte reference", { ...input, reference: "A".repeat(1_000_000) }],
  ["a path as reference", { ...input, reference: "../../etc/passwd" }],
  ["__proto__ as reference", { ...input, reference: "__proto__" }],
  ["a nested reference", { ...input, reference: deep(10_000) }],
  ["month 13", { ...input, expiresOn: "2027-13-01" }],
  ["29 February of a common year", { ...input, expiresOn: "2027-02-29" }],
  ["a padded date", { ...input, expiresOn: " 2027-12-31" }],
  ["an instant as date", { ...input, expiresOn: "2027-12-31T00:00:00Z" }],
  ["a lowercase BIC", { ...input, bic: "kredbebb" }],
  ["a missing field", { reference: input.reference, bic: input.bic, amountEur: input.amountEur }]
]

describe("hostile input", () => {
  it.effect.each(hostileInputs)("%s: ValidationFailed, the register untouched", ([, hostile]) => {
    const register = registerWithGuarantees()
    return Effect.gen(function* () {
      const exit = yield* Effect.exit(runStep(bankGuaranteeHandler, { config, input: hostile }))
      expect(Exit.isFailure(exit) && exit.cause.toString()).toContain("ValidationFailed")
      expect(register.pledges()).toEqual([])
    }).pipe(Effect.provide(layerMemory(register)))
  })

  it.effect("extra keys (__proto__ too) are dropped from what is recorded; no prototype is polluted", () =>
    Effect.gen(function* () {
      const hostile = JSON.parse(
        `{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "note": "<script>", ${JSON.stringify(input).slice(1)}`
      )
      const result = yield* runStep(bankGuaranteeHandler, { config, input: hostile })
      const output = "output" in (result as object) ? (result as { output: unknown }).output : result
      expect(Object.keys(output as object).sort()).toEqual(["amountEur", "bic", "expiresOn", "pledgeId", "reference"])
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    }).pipe(Effect.provide(layerMemory(registerWithGuarantees())))
  )
})

describe("hostile config", () => {
  const configs: ReadonlyArray<[string, unknown]> = [
    ["not an object", "minimumAmountEur=1"],
    ["an amount as a string", { ...config, minimumAmountEur: "250000" }],
    ["101 accepted banks", { ...config, acceptedBanks: Array.from({ length: 101 }, () => "KREDBEBB") }],
    ["no accepted bank", { ...config, acceptedBanks: [] }],
    ["lodgedBy as a string", { ...config, lodgedBy: "finance" }],
    ["a notice of 0 days", { ...config, renewalNoticeDays: 0 }],
    ["an unknown run mode", { ...config, run: "eventually" }]
  ]
  it.effect.each(configs)("%s: TemplateInvalid", ([, hostile]) =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(runStep(bankGuaranteeHandler, { config: hostile, input }))
      expect(error._tag).toBe("TemplateInvalid")
    }).pipe(Effect.provide(layerMemory(registerWithGuarantees())))
  )
})

describe("hostile recorded data (validate and compensate read JSON they did not decode)", () => {
  const outputs: ReadonlyArray<[string, unknown]> = [
    ["null", null],
    ["a string", "pledge-1"],
    ["a pledge id of the wrong type", { ...input, pledgeId: 1 }],
    ["a deep object", deep(500)],
    ["__proto__ keys", JSON.parse('{"__proto__": {"pledgeId": "pledge-1"}}')]
  ]
  it.effect.each(outputs)("%s: one issue at submission, nothing released on rollback", ([, output]) => {
    const register = registerWithGuarantees()
    return Effect.gen(function* () {
      yield* runStep(bankGuaranteeHandler, { config, input })
      const json = output as never
      expect(yield* validateStep(bankGuaranteeHandler, { config, input, output: json })).toEqual([
        { path: "output", message: "is not a lodged bank guarantee" }
      ])
      expect(yield* compensateStep(bankGuaranteeHandler, { config, input, output: json })).toEqual({ released: null })
      expect(register.pledges()).toMatchObject([{ live: true }])
    }).pipe(Effect.provide(layerMemory(register)))
  })
})

describe("the policy", () => {
  const context = (config: Record<string, unknown>, tenantId = testActor.tenantId): PolicyContext =>
    ({ tenantId, step: { id: "guarantee", type: "bank-guarantee", config } }) as PolicyContext
  const authorize = (actor: Actor, ctx: PolicyContext) =>
    Effect.flip(bankGuaranteePolicy().authorize(actor, "executeStep", ctx))

  it.effect("fails closed on a lodgedBy that is not a list; asks the base policy first", () =>
    Effect.gen(function* () {
      expect(yield* authorize(actorWith("finance"), context({ lodgedBy: "finance" }))).toMatchObject({
        reason: "MissingPermission"
      })
      expect(yield* authorize(actorWith("finance"), context({ lodgedBy: ["finance"] }, "luminus-be"))).toMatchObject({
        reason: "OtherTenant"
      })
      yield* bankGuaranteePolicy().authorize(actorWith("finance"), "executeStep", context({ lodgedBy: ["finance"] }))
      yield* bankGuaranteePolicy().authorize(actorWith("viewer"), "get", context({ lodgedBy: ["finance"] }))
    })
  )
})

describe("through the engine", () => {
  it("non-JSON and over-deep input is refused before the handler runs", async () => {
    const register = registerWithGuarantees()
    const engine = await createEngine({
      stores: makeMemoryStorage().layer,
      handlers: [bankGuaranteeHandler],
      services: layerMemory(register),
      templates: [collateralTemplate]
    })
    try {
      const actor = actorWith("finance")
      const { state } = await engine.create({ actor, templateId: "collateral" })
      await engine.start({ actor, instanceId: state.instanceId, expectedVersion: 1 })
      for (const hostile of [{ ...input, amountEur: 10n }, { ...input, at: new Date() }, deep(5_000), () => input]) {
        const error = await engine
          .executeStep({ actor, instanceId: state.instanceId, expectedVersion: 2, stepId: "guarantee", input: hostile })
          .then(
            () => undefined,
            (e: unknown) => e
          )
        expect((error as { _tag?: string })._tag).toMatch(/^(InvalidInput|ValidationFailed)$/)
      }
      expect(register.pledges()).toEqual([])
      expect((await engine.get({ actor, instanceId: state.instanceId })).version).toBe(2)
    } finally {
      await engine.dispose()
    }
  })
})

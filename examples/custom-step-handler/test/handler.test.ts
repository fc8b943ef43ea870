/**
 * The bank-guarantee handler on core's plugin harness: each field of the contract, run the way the
 * engine runs it (config and input decoded by the handler's own schemas, a real step context).
 */
import { describe, expect, it } from "@effect/vitest"
import { isStepResult } from "@workflow-manager/core"
import { checkStepInput, compensateStep, runStep, runTemplate, validateStep } from "@workflow-manager/core/testing"
import { Effect } from "effect"
import { bankGuaranteeHandler, layerMemory } from "../src/index.js"
import { at, collateralTemplate, config, input, kbcGuarantee, registerWithGuarantees } from "./fixtures.js"

// #region harness-run
describe("execute", () => {
  it.effect("pledges the guarantee and completes with the collateral desk's messages", () => {
    const register = registerWithGuarantees()
    return Effect.gen(function* () {
      const result = yield* runStep(bankGuaranteeHandler, { config, input, stepId: "guarantee" })
      if (!isStepResult(result)) throw new Error("expected a step result with messages")
      expect(result.output).toEqual({ ...input, pledgeId: "pledge-1" })
      expect(result.messages.map((m) => [m.key, m.kind, m.availableAt])).toEqual([
        ["lodged", "collateral.lodged", undefined],
        ["renewal", "collateral.renewal-due", "2027-11-01T00:00:00.000Z"] // 60 days before expiry
      ])
      expect(register.pledges()).toMatchObject([{ reference: input.reference, instanceId: "test-instance" }])
    }).pipe(Effect.provide(layerMemory(register))) // the service the handler declares
  })
})
// #endregion harness-run

// #region harness-check
describe("checkInput", () => {
  it.effect("names every field that breaks the config, and the register is not asked", () => {
    const register = registerWithGuarantees()
    return Effect.gen(function* () {
      const bad = { ...input, amountEur: 1000, expiresOn: "2026-06-30", bic: "DEUTDEFF" }
      expect(yield* checkStepInput(bankGuaranteeHandler, { config, input: bad })).toEqual([
        { path: "input.amountEur", message: "must be at least 250000 EUR" },
        { path: "input.expiresOn", message: "the guarantee must run until 2027-01-01 at least" },
        { path: "input.bic", message: "guarantees of DEUTDEFF are not accepted" }
      ])
      const error = yield* Effect.flip(runStep(bankGuaranteeHandler, { config, input: bad }))
      expect(error).toMatchObject({ _tag: "ValidationFailed", issues: { length: 3 } })
      expect(register.pledges()).toEqual([])
    }).pipe(Effect.provide(layerMemory(register)))
  })
})
// #endregion harness-check

describe("schemas", () => {
  it.effect("a config the template gets wrong is TemplateInvalid; an input of the wrong shape ValidationFailed", () =>
    Effect.gen(function* () {
      const badConfig = yield* Effect.flip(
        runStep(bankGuaranteeHandler, { config: { ...config, minimumValidityDays: -1, run: "later" }, input })
      )
      expect(badConfig).toMatchObject({
        _tag: "TemplateInvalid",
        issues: [{ path: "config.minimumValidityDays" }, { path: "config.run" }]
      })
      const badInput = yield* Effect.flip(
        runStep(bankGuaranteeHandler, { config, input: { ...input, expiresOn: "2027-02-30", bic: "kredbebb" } })
      )
      expect(badInput).toMatchObject({
        _tag: "ValidationFailed",
        issues: [{ path: "input.bic" }, { path: "input.expiresOn", message: expect.stringContaining("calendar date") }]
      })
    }).pipe(Effect.provide(layerMemory(registerWithGuarantees())))
  )
})

// #region harness-errors
describe("errors and refusals", () => {
  const run = (reference: string, extra: object = {}) =>
    Effect.flip(runStep(bankGuaranteeHandler, { config, input: { ...input, reference, ...extra } }))

  it.effect("a guarantee the bank has not confirmed yet: a retryable error (another attempt may succeed)", () =>
    Effect.gen(function* () {
      expect(yield* run("BNP-BG-PENDING", { bic: "GEBABEBB" })).toMatchObject({
        _tag: "StepHandlerError",
        code: "not-confirmed",
        retryable: true
      })
    }).pipe(Effect.provide(layerMemory(registerWithGuarantees())))
  )

  it.effect("unknown, revoked or different at the bank: errors that are not retryable", () =>
    Effect.gen(function* () {
      expect(yield* run("KBC-BG-9999")).toMatchObject({ code: "unknown-guarantee", retryable: false })
      expect(yield* run("ING-BG-REVOKED", { bic: "BBRUBEBB" })).toMatchObject({ code: "revoked", retryable: false })
      expect(yield* run(kbcGuarantee.reference, { amountEur: 600_000 })).toMatchObject({
        code: "mismatch",
        message: expect.stringContaining("amountEur"),
        retryable: false
      })
    }).pipe(Effect.provide(layerMemory(registerWithGuarantees())))
  )

  it.effect("another participant's guarantee: refused as forbidden; one lodged elsewhere: refused as invalid", () => {
    const register = registerWithGuarantees()
    return Effect.gen(function* () {
      expect(yield* run("KBC-BG-LUMINUS")).toMatchObject({ _tag: "StepRefused", reason: "forbidden" })
      yield* register.service.pledge(
        { reference: kbcGuarantee.reference, tenantId: kbcGuarantee.principal, instanceId: "other-instance" },
        "other-key"
      )
      expect(yield* run(kbcGuarantee.reference)).toMatchObject({
        _tag: "StepRefused",
        reason: "invalid",
        issues: [{ path: "input.reference" }]
      })
      expect(register.pledges().map((p) => p.instanceId)).toEqual(["other-instance"])
    }).pipe(Effect.provide(layerMemory(register)))
  })
})
// #endregion harness-errors

// #region harness-idempotency
describe("idempotency", () => {
  it.effect("two runs of one attempt pledge once; the next attempt takes over the same pledge", () => {
    const register = registerWithGuarantees()
    return Effect.gen(function* () {
      const first = yield* runStep(bankGuaranteeHandler, { config, input, attempt: 1 })
      const again = yield* runStep(bankGuaranteeHandler, { config, input, attempt: 1 }) // a crash before the commit
      const second = yield* runStep(bankGuaranteeHandler, { config, input, attempt: 2 })
      expect(again).toEqual(first)
      expect(second).toEqual(first)
      // instance : step : the sequence that made the step current : attempt
      expect(register.pledges()).toMatchObject([
        { pledgeId: "pledge-1", keys: ["test-instance:step:2:1", "test-instance:step:2:2"] }
      ])
    }).pipe(Effect.provide(layerMemory(register)))
  })
})
// #endregion harness-idempotency

// #region harness-validate
describe("validate and compensate", () => {
  it.effect("at submission, a guarantee revoked since is an issue; a rollback releases the pledge once", () => {
    const register = registerWithGuarantees()
    return Effect.gen(function* () {
      const result = yield* runStep(bankGuaranteeHandler, { config, input })
      const output = isStepResult(result) ? (result.output ?? null) : result
      expect(yield* validateStep(bankGuaranteeHandler, { config, input, output })).toEqual([])
      register.setStatus(input.reference, "revoked")
      expect(yield* validateStep(bankGuaranteeHandler, { config, input, output })).toEqual([
        { path: "output.reference", message: `${input.reference} is no longer active at its bank` }
      ])
      // a year later the guarantee no longer runs long enough either
      const later = yield* validateStep(bankGuaranteeHandler, { config, input, output, at: "2027-06-01T00:00:00Z" })
      expect(later.map((i) => i.path)).toEqual(["output.reference", "output.expiresOn"])
      expect(yield* compensateStep(bankGuaranteeHandler, { config, input, output })).toEqual({ released: "pledge-1" })
      expect(yield* compensateStep(bankGuaranteeHandler, { config, input, output })).toEqual({ released: "pledge-1" })
      expect(register.pledges()).toMatchObject([{ pledgeId: "pledge-1", live: false }])
      expect(yield* validateStep(bankGuaranteeHandler, { config, input, output, at })).toContainEqual({
        path: "output.pledgeId",
        message: `${input.reference} is no longer lodged with this workflow`
      })
    }).pipe(Effect.provide(layerMemory(register)))
  })
})
// #endregion harness-validate

// #region harness-template
describe("a template end to end", () => {
  it.effect("runTemplate: the guarantee is lodged, the workflow approved, the messages queued", () => {
    const register = registerWithGuarantees()
    return Effect.gen(function* () {
      const { state, storage } = yield* runTemplate({
        template: collateralTemplate, // one step: { id: "guarantee", type: "bank-guarantee", config }
        handlers: [bankGuaranteeHandler],
        steps: [{ stepId: "guarantee", input }],
        approve: true // submit (runs validate) and approve
      })
      expect(state.status).toBe("COMPLETED")
      const outbox = yield* Effect.promise(() => storage.inspect.outbox(state.instanceId))
      expect(outbox.map((m) => m.message.kind)).toEqual(["collateral.lodged", "collateral.renewal-due"])
    }).pipe(Effect.provide(layerMemory(register)))
  })
})
// #endregion harness-template

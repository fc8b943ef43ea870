import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { compensateStep, runStep, runTemplate, validateStep } from "../../src/testing.js"
import {
  activationHandler,
  approvalHandler,
  formHandler,
  sequence1Template,
  sequence4Template
} from "../fixtures/index.js"

describe("plugin harness", () => {
  it.effect("runStep decodes config and input with the handler's schemas and executes", () =>
    Effect.gen(function* () {
      const output = yield* runStep(activationHandler, {
        config: { system: "settlement" },
        input: {},
        stepId: "activation"
      })
      // the key names the step entry (sequence 2 in the harness's default state) and the attempt
      expect(output).toEqual({ system: "settlement", activationId: "act-test-instance:activation:2:1" })
      const badConfig = yield* Effect.exit(runStep(activationHandler, { config: { system: "mars" }, input: {} }))
      expect(Exit.isFailure(badConfig) && JSON.stringify(badConfig.cause)).toContain("config.system")
      const badInput = yield* Effect.flip(
        runStep(approvalHandler, { config: { approverRole: "market_ops" }, input: { decision: "maybe" } })
      )
      expect(badInput).toMatchObject({ _tag: "ValidationFailed", issues: [{ path: "input.decision" }] })
      const failed = yield* Effect.flip(
        runStep(formHandler, { config: sequence1Template.steps[0]?.config, input: { companyName: "X" } })
      )
      expect(failed).toMatchObject({ _tag: "StepHandlerError", code: "required", retryable: false })
    })
  )

  it.effect("compensateStep and validateStep run the optional parts of the contract", () =>
    Effect.gen(function* () {
      const undone = yield* compensateStep(approvalHandler, {
        config: { approverRole: "market_ops" },
        input: { decision: "approve" },
        output: { decision: "approve" }
      })
      expect(undone).toEqual({ revoked: true })
      expect(yield* validateStep(formHandler, { config: { fields: {} }, input: {}, output: {} })).toEqual([])
    })
  )

  it.effect("runTemplate runs a whole template end to end with a test clock", () =>
    Effect.gen(function* () {
      const { state, events } = yield* runTemplate({
        template: sequence4Template,
        handlers: [formHandler, approvalHandler, activationHandler],
        steps: [
          { stepId: "company-info", input: { companyName: "Engie Belgium", vat: "BE0403170701" } },
          { stepId: "portfolio", input: { accessPoints: "541448965001060702" } },
          { stepId: "approval", input: { decision: "approve" } },
          { stepId: "activation", input: {} }
        ],
        approve: true
      })
      expect(state.status).toBe("COMPLETED")
      expect(events.map((e) => e.occurredAt).slice(0, 3)).toEqual([
        "1970-01-01T00:00:00.000Z",
        "1970-01-01T00:01:00.000Z",
        "1970-01-01T00:02:00.000Z"
      ])
      expect(state.stepStates.activation?.data).toEqual({
        system: "settlement",
        activationId: "act-test-instance-1:activation:8:1"
      })
    })
  )
})

/**
 * The plugin harness on this service's handlers (docs/embedding.md, "Testing").
 */
// #region harness
import { describe, expect, it } from "@effect/vitest"
import { runStep, runTemplate } from "@workflow-manager/core/testing"
import { Effect } from "effect"
import { layerFixed } from "../src/AccessPointRegister.ts"
import { brpOnboarding } from "../src/brpOnboarding.ts"
import { companyInfoHandler } from "../src/handlers/companyInfo.ts"
import { portfolioHandler } from "../src/handlers/portfolio.ts"

describe("company-info handler", () => {
  it.effect("refuses a VAT number with a wrong check", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        runStep(companyInfoHandler, {
          config: { requireEic: false },
          input: { companyName: "Engie Belgium", vat: "BE0403170702" }
        })
      )
      expect(error).toMatchObject({ _tag: "ValidationFailed", issues: [{ path: "input.vat" }] })
    })
  )
})

describe("BRP onboarding template", () => {
  it.effect(
    "runs end to end with a test clock",
    () =>
      Effect.gen(function* () {
        const { state, events } = yield* runTemplate({
          template: brpOnboarding,
          handlers: [companyInfoHandler, portfolioHandler],
          steps: [
            {
              stepId: "company-info",
              input: { companyName: "Engie Belgium", vat: "BE0403170701", eic: "22XENGIE-BE----P" }
            },
            { stepId: "portfolio", input: { accessPoints: ["541448965001060702"] } }
          ],
          approve: true
        })
        expect(state.status).toBe("COMPLETED")
        expect(events.at(-1)?.occurredAt).toBe("1970-01-01T00:05:00.000Z") // five commands, a minute apart
      }).pipe(Effect.provide(layerFixed({}))) // the services the handlers declare
  )
})
// #endregion harness

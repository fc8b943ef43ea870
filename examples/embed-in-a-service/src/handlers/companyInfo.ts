/**
 * The `company-info` step: legal name, Belgian VAT number (mod-97 check) and the EIC party code
 * under which the company trades. Malformed input is refused before anything is recorded
 * (`ValidationFailed`); a missing EIC where the step's config requires one is a handler failure
 * (`StepFailed`, recorded as `STEP_FAILED`).
 */
// #region company-info-handler
import { defineStepHandler, StepHandlerError } from "@workflow-manager/core"
import { Effect, Schema } from "effect"
import { BelgianVat, isBelgianVat } from "../checks/belgianVat.ts"
import { PartyEic } from "../checks/eic.ts"

export const companyInfoHandler = defineStepHandler({
  type: "company-info",
  description: "Company identification: legal name, Belgian VAT number, EIC party code",
  // Checked when a template using this step type is published.
  configSchema: Schema.Struct({ requireEic: Schema.optionalKey(Schema.Boolean) }),
  // Checked on every executeStep, before `execute` runs: a failure is `ValidationFailed`.
  inputSchema: Schema.Struct({
    companyName: Schema.Trim.check(Schema.isNonEmpty()),
    vat: BelgianVat,
    eic: Schema.optionalKey(PartyEic)
  }),
  execute: ({ config, input }) =>
    config.requireEic === true && input.eic === undefined
      ? Effect.fail(
          new StepHandlerError({ message: "an EIC party code is required", code: "eic-required", retryable: false })
        )
      : Effect.succeed({
          companyName: input.companyName,
          vat: input.vat,
          ...(input.eic === undefined ? {} : { eic: input.eic })
        }),
  // Re-checks the stored data at submission (it may have been recorded under older rules).
  validate: ({ output }) => {
    const vat = typeof output === "object" && output !== null && "vat" in output ? output.vat : undefined
    return Effect.succeed(
      typeof vat === "string" && isBelgianVat(vat)
        ? []
        : [{ path: "vat", message: "is not a valid Belgian VAT number" }]
    )
  }
})
// #endregion company-info-handler

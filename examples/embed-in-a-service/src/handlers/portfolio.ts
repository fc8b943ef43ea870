/**
 * The `portfolio` step: the access points (EAN-GSRN-18) the BRP takes into its perimeter. It
 * declares the {@link AccessPointRegister} service in its requirements and refuses access points
 * held by another BRP. Its compensation (run when the workflow is rolled back over it) records the
 * access points withdrawn from the application.
 */
// #region portfolio-handler
import { defineStepHandler, StepHandlerError } from "@workflow-manager/core"
import { Effect, Schema } from "effect"
import { AccessPointRegister } from "../AccessPointRegister.ts"
import { Gsrn } from "../checks/gsrn.ts"

export const portfolioHandler = defineStepHandler({
  type: "portfolio",
  description: "Access points taken into the BRP's perimeter",
  configSchema: Schema.Struct({ maxAccessPoints: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)) }),
  inputSchema: Schema.Struct({
    accessPoints: Schema.Array(Gsrn).check(Schema.isMinLength(1)),
    balancingGroup: Schema.optionalKey(Schema.NonEmptyString)
  }),
  // The handler's requirements (R = AccessPointRegister) are inferred from what it yields.
  execute: ({ config, input, context }) =>
    Effect.gen(function* () {
      if (input.accessPoints.length > config.maxAccessPoints) {
        return yield* new StepHandlerError({
          message: `at most ${config.maxAccessPoints} access points per application`,
          code: "too-many",
          retryable: false
        })
      }
      const register = yield* AccessPointRegister
      for (const accessPoint of input.accessPoints) {
        const holder = yield* register.holderOf(accessPoint)
        if (holder !== undefined && holder !== context.tenantId) {
          return yield* new StepHandlerError({
            message: `access point ${accessPoint} is in the perimeter of another BRP`,
            code: "held-elsewhere",
            retryable: false
          })
        }
      }
      return {
        accessPoints: [...new Set(input.accessPoints)],
        ...(input.balancingGroup === undefined ? {} : { balancingGroup: input.balancingGroup })
      }
    }),
  compensate: ({ output }) =>
    Effect.succeed({
      withdrawn: typeof output === "object" && output !== null && "accessPoints" in output ? output.accessPoints : []
    })
})
// #endregion portfolio-handler

/**
 * Seed sequence 1 through the Effect API (docs/embedding.md, "The same scenario, two APIs").
 */
// #region effect-api
import { Engine, engineLayer, makeRegistry, memoryLayer, uuidIdsLayer } from "@workflow-manager/core"
import { Effect, Layer } from "effect"
import { layerFixed } from "../AccessPointRegister.ts"
import { brpOnboarding } from "../brpOnboarding.ts"
import { companyInfoHandler } from "../handlers/companyInfo.ts"
import { portfolioHandler } from "../handlers/portfolio.ts"
import { bob, companyInfo, marketOps, portfolio } from "./actors.ts"

// The engine needs the storage ports, an id generator and the services its handlers declare.
// Building it checks the storage first: a StorageError says what is wrong (lazy: true skips it).
export const EngineLive = engineLayer({ handlers: makeRegistry([companyInfoHandler, portfolioHandler]) }).pipe(
  Layer.provide(Layer.mergeAll(memoryLayer(), uuidIdsLayer, layerFixed({})))
)

export const onboarding = Effect.gen(function* () {
  const engine = yield* Engine
  yield* engine.publishTemplate(brpOnboarding)
  const created = yield* engine.create({ actor: marketOps, tenantId: "engie-be", templateId: "brp-onboarding" })
  const instanceId = created.state.instanceId
  const started = yield* engine.start({ actor: bob, instanceId, expectedVersion: created.state.version })
  const step1 = yield* engine.executeStep({
    actor: bob,
    instanceId,
    expectedVersion: started.state.version,
    stepId: "company-info",
    input: companyInfo
  })
  const step2 = yield* engine.executeStep({
    actor: bob,
    instanceId,
    expectedVersion: step1.state.version,
    stepId: "portfolio",
    input: portfolio
  })
  const submitted = yield* engine.submit({ actor: bob, instanceId, expectedVersion: step2.state.version })
  const approved = yield* engine.approve({ actor: marketOps, instanceId, expectedVersion: submitted.state.version })
  return approved.state // status: "COMPLETED", version: 10
})

// Effect<WorkflowState, EngineError>: every failure is in the type.
export const main = onboarding.pipe(Effect.provide(EngineLive))
// #endregion effect-api

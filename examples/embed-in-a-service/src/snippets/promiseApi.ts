/**
 * Seed sequence 1 through the Promise API (docs/embedding.md, "The same scenario, two APIs").
 */
// #region promise-api
import { createEngine, memoryLayer, type WorkflowState } from "@workflow-manager/core"
import { layerFixed } from "../AccessPointRegister.ts"
import { brpOnboarding } from "../brpOnboarding.ts"
import { companyInfoHandler } from "../handlers/companyInfo.ts"
import { portfolioHandler } from "../handlers/portfolio.ts"
import { bob, companyInfo, marketOps, portfolio } from "./actors.ts"

export const onboarding = async (): Promise<WorkflowState> => {
  const engine = await createEngine({
    stores: memoryLayer(), // the default; pass a database adapter's layer instead (opened and checked here)
    handlers: [companyInfoHandler, portfolioHandler],
    services: layerFixed({}),
    templates: [brpOnboarding] // published (validated against the handlers) before it resolves
  })
  try {
    const created = await engine.create({ actor: marketOps, tenantId: "engie-be", templateId: "brp-onboarding" })
    const instanceId = created.state.instanceId
    const started = await engine.start({ actor: bob, instanceId, expectedVersion: created.state.version })
    const step1 = await engine.executeStep({
      actor: bob,
      instanceId,
      expectedVersion: started.state.version,
      stepId: "company-info",
      input: companyInfo
    })
    const step2 = await engine.executeStep({
      actor: bob,
      instanceId,
      expectedVersion: step1.state.version,
      stepId: "portfolio",
      input: portfolio
    })
    const submitted = await engine.submit({ actor: bob, instanceId, expectedVersion: step2.state.version })
    const approved = await engine.approve({ actor: marketOps, instanceId, expectedVersion: submitted.state.version })
    return approved.state // status: "COMPLETED", version: 10
  } finally {
    await engine.dispose() // releases the storage layer's resources (connections, ...)
  }
}
// #endregion promise-api

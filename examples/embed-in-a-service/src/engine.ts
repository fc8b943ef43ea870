/**
 * The engine of the service: the memory adapter, the two step handlers, the service the portfolio
 * handler declares, the BRP onboarding template and the service's policy — through the Promise API.
 */
// #region create-engine
import { createEngine, memoryLayer, type PromiseEngine } from "@workflow-manager/core"
import { demoHoldings, layerFixed } from "./AccessPointRegister.ts"
import { brpOnboarding } from "./brpOnboarding.ts"
import { companyInfoHandler } from "./handlers/companyInfo.ts"
import { portfolioHandler } from "./handlers/portfolio.ts"
import { onboardingPolicy } from "./policy.ts"

/** Builds the engine; `holdings` seeds the access register (access point → tenant). */
export const createOnboardingEngine = (
  holdings: Readonly<Record<string, string>> = demoHoldings
): Promise<PromiseEngine> =>
  createEngine({
    // The storage ports (memory: the five, and the outbox). A database adapter's layer goes here
    // instead; createEngine opens and checks it before it resolves.
    stores: memoryLayer(),
    handlers: [companyInfoHandler, portfolioHandler],
    // The services the handlers declare (here: the access register the portfolio handler needs).
    services: layerFixed(holdings),
    // Validated against the handlers and published before the promise resolves.
    templates: [brpOnboarding],
    // Who may do what, on top of the tenant scope (four eyes on approval, ...).
    policy: onboardingPolicy
  })
// #endregion create-engine

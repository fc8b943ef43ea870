/**
 * The engine of the service: the memory adapter, the two step handlers, the service the portfolio
 * handler declares, and the BRP onboarding template — through the Promise API.
 */
// #region create-engine
import { createEngine, layerMemory, type PromiseEngine } from "@workflow-manager/core"
import { demoHoldings, layerFixed } from "./AccessPointRegister.ts"
import { brpOnboarding } from "./brpOnboarding.ts"
import { companyInfoHandler } from "./handlers/companyInfo.ts"
import { portfolioHandler } from "./handlers/portfolio.ts"

/** Builds the engine; `holdings` seeds the access register (access point → tenant). */
export const createOnboardingEngine = (
  holdings: Readonly<Record<string, string>> = demoHoldings
): Promise<PromiseEngine> =>
  createEngine({
    // All five storage ports. A database adapter's layer goes here instead.
    stores: layerMemory(),
    handlers: [companyInfoHandler, portfolioHandler],
    // The services the handlers declare (here: the access register the portfolio handler needs).
    services: layerFixed(holdings),
    // Validated against the handlers and published before the promise resolves.
    templates: [brpOnboarding]
  })
// #endregion create-engine

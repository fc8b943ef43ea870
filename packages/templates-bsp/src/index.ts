/**
 * `@workflow-manager/templates-bsp` — the Balancing Service Provider (BSP) template pack of
 * Workflow Manager: BSP onboarding and BSP portfolio management, extending
 * `@workflow-manager/templates-base` through core's `compose`; and the DSO's approval of delivery
 * points, which the ESP pack shares.
 *
 * @packageDocumentation
 */
export { BspConfig, bspProducts, checkBspConfig } from "./BspConfig.js"
export { bspContactServices, prequalificationTestField, swornStatementField } from "./BspFields.js"
export { BSP_ONBOARDING, bspOnboarding, bspOnboardingExtension, bspOnboardingSteps } from "./BspOnboarding.js"
export { BSP_PACK_VERSION, bspPack } from "./BspPack.js"
export { BSP_PORTFOLIO, bspApplies, bspChanges, bspPortfolio, bspPortfolioExtension } from "./BspPortfolio.js"

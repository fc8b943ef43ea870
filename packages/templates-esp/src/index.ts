/**
 * `@workflow-manager/templates-esp` — the Energy / Flexibility Service Provider (ESP) template pack
 * of Workflow Manager: ESP onboarding and ESP portfolio management, extending
 * `@workflow-manager/templates-base` through core's `compose`, with the DSO's approval of delivery
 * points from `@workflow-manager/templates-base`.
 *
 * @packageDocumentation
 */
export { checkEspConfig, EspConfig } from "./EspConfig.js"
export { ESP_ONBOARDING, espOnboarding, espOnboardingExtension, espOnboardingSteps } from "./EspOnboarding.js"
export { ESP_PACK_VERSION, espPack } from "./EspPack.js"
export { ESP_PORTFOLIO, espApplies, espChanges, espPortfolio, espPortfolioExtension } from "./EspPortfolio.js"
export { espContactServices } from "./EspSteps.js"

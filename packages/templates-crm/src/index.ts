/**
 * `@workflow-manager/templates-crm` — the capacity provider (CRM) template pack of Workflow
 * Manager: CRM onboarding and CRM portfolio management, extending `@workflow-manager/templates-base`
 * through core's `compose`.
 *
 * @packageDocumentation
 */
export { CrmConfig, checkCrmConfig } from "./CrmConfig.js"
export { auctionFields, crmContactServices } from "./CrmFields.js"
export { CRM_ONBOARDING, crmOnboarding, crmOnboardingExtension, crmOnboardingSteps } from "./CrmOnboarding.js"
export { CRM_PACK_VERSION, crmPack } from "./CrmPack.js"
export { CRM_PORTFOLIO, crmApplies, crmChanges, crmPortfolio, crmPortfolioExtension } from "./CrmPortfolio.js"

/**
 * `@workflow-manager/templates-ach` — the Access Contract Holder (ACH) template pack of Workflow
 * Manager: ACH onboarding and ACH portfolio management, extending `@workflow-manager/templates-base`
 * through core's `compose`.
 *
 * @packageDocumentation
 */
export { AchConfig, checkAchConfig } from "./AchConfig.js"
export {
  accessRequestFields,
  achContactServices,
  designationField,
  designationsField,
  gridUserAgreementFields,
  guaranteeComputationFields
} from "./AchFields.js"
export { ACH_ONBOARDING, achOnboarding, achOnboardingExtension, achOnboardingSteps } from "./AchOnboarding.js"
export { ACH_PACK_VERSION, achPack } from "./AchPack.js"
export {
  ACH_PORTFOLIO,
  achApplies,
  achChanges,
  achPortfolio,
  achPortfolioExtension,
  achPortfolioSteps
} from "./AchPortfolio.js"

/**
 * `@workflow-manager/templates-gu` — the Grid User (GU) template pack of Workflow Manager: GU
 * onboarding (Connection Contract, and an appointed ACH or an own access contract) and GU portfolio
 * management, extending `@workflow-manager/templates-base` through core's `compose`.
 *
 * @packageDocumentation
 */
export { checkGuConfig, GuConfig, transmissionVoltages } from "./GuConfig.js"
export {
  achAppointmentFields,
  connectionAssessmentFields,
  connectionRequestFields,
  guContactServices,
  inDepthStudyFields,
  installationFields
} from "./GuFields.js"
export { GU_ONBOARDING, guOnboarding, guOnboardingExtension, guOnboardingSteps } from "./GuOnboarding.js"
export { GU_PACK_VERSION, guPack } from "./GuPack.js"
export {
  GU_PORTFOLIO,
  guApplies,
  guChanges,
  guPortfolio,
  guPortfolioExtension,
  guPortfolioSteps
} from "./GuPortfolio.js"

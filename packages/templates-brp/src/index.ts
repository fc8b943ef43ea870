/**
 * `@workflow-manager/templates-brp` — the Balance Responsible Party (BRP) template pack of
 * Workflow Manager: BRP onboarding and BRP portfolio management, extending
 * `@workflow-manager/templates-base` through core's `compose`.
 *
 * @packageDocumentation
 */
export { BrpConfig, checkBrpConfig, investmentGradeRatings } from "./BrpConfig.js"
export {
  brpContactServices,
  nominationChannelField,
  nominationRecipientsField,
  ratedIssuer,
  solvencyProofField
} from "./BrpFields.js"
export { BRP_ONBOARDING, brpOnboarding, brpOnboardingExtension, brpOnboardingSteps } from "./BrpOnboarding.js"
export { BRP_PACK_VERSION, brpPack } from "./BrpPack.js"
export {
  BRP_PORTFOLIO,
  brpApplies,
  brpChanges,
  brpPortfolio,
  brpPortfolioExtension,
  brpPortfolioSteps
} from "./BrpPortfolio.js"

/**
 * `@workflow-manager/templates-dso` — the Distribution System Operator (DSO) template pack of
 * Workflow Manager: DSO onboarding and DSO portfolio management, extending
 * `@workflow-manager/templates-base` through core's `compose`, and the DSO's approval of a BSP's or
 * ESP's delivery points on its grid.
 *
 * @packageDocumentation
 */
export { checkDsoConfig, DsoConfig } from "./DsoConfig.js"
export {
  DSO_DELIVERY_POINT_APPROVAL,
  deliveryPointApprovalSteps,
  dsoDeliveryPointApproval
} from "./DsoDeliveryPointApproval.js"
export {
  cooperationDeclarationFields,
  dataExchangeFields,
  dsoAccessRequestFields,
  dsoContactServices,
  flexibilityProducts,
  flexibilityRequestFields,
  flexibilityStudyFields,
  glnField
} from "./DsoFields.js"
export { DSO_ONBOARDING, dsoOnboarding, dsoOnboardingExtension, dsoOnboardingSteps } from "./DsoOnboarding.js"
export { DSO_PACK_VERSION, dsoPack } from "./DsoPack.js"
export { DSO_PORTFOLIO, dsoApplies, dsoPortfolio, dsoPortfolioExtension, dsoPortfolioSteps } from "./DsoPortfolio.js"

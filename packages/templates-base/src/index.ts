/**
 * `@workflow-manager/templates-base` — the generic Contract Onboarding and Portfolio Management
 * templates of Workflow Manager as a template pack, the shared form fields and the composition
 * helper role packs extend them with, and the metadata link from a portfolio change to the
 * onboarding it follows. The docs generator is under `./docs`, the pack test harness under `./testing`.
 *
 * @packageDocumentation
 */
export {
  BaseConfig,
  checkBaseConfig,
  configChecker,
  RegisterApi,
  RoleList,
  UserList,
  Window,
  withDefault
} from "./BaseConfig.js"
export { BASE_PACK_VERSION, basePack } from "./BasePack.js"
export { CONTRACT_ONBOARDING, contractOnboarding, onboardingSteps } from "./ContractOnboarding.js"
export {
  belgianDsos,
  choiceList,
  connectionField,
  type DsoApprovalOptions,
  deliveryPointField,
  deliveryPointsFields,
  deliveryPointsStep,
  dsoApprovalSteps,
  dsoContractsField,
  dsoPortfolioChanges,
  dsoRequestBody,
  dsoSteps,
  onDistributionGrid
} from "./DeliveryPoints.js"
export { type Extension, extendTemplate, packHandlers } from "./extendTemplate.js"
export {
  addressField,
  baseContactServices,
  companyFields,
  contactField,
  contactServices,
  emailField,
  guaranteeFields,
  phoneField,
  pointField
} from "./Fields.js"
export { Follows, followsMetadata, followsOf } from "./Follows.js"
export { emailNotice, type Notice } from "./Notice.js"
export {
  applyCalls,
  applyRoutes,
  baseApplies,
  baseChanges,
  type ChangeCall,
  changeCall,
  changeRoutes,
  PORTFOLIO_MANAGEMENT,
  portfolioManagement,
  portfolioSteps
} from "./PortfolioManagement.js"
export { approvalStep, registerCall } from "./Steps.js"

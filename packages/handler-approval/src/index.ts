/**
 * `@workflow-manager/handler-approval` — the approval step handler of Workflow Manager: approver
 * roles, a quorum N of M, four-eyes, delegation, decisions with comments, request for changes
 * routed back, revocation on rollback — and the policy that enforces who may decide in the engine.
 *
 * @packageDocumentation
 */
export { ApprovalConfig, DelegationConfig, MAX_ROLE_LENGTH } from "./ApprovalConfig.js"
export { APPROVAL_TYPE, approvalHandler } from "./ApprovalHandler.js"
export { ApprovalInput, Decision, MAX_COMMENT_LENGTH } from "./ApprovalInput.js"
export { approvalPolicy } from "./ApprovalPolicy.js"
export {
  ApprovalContribution,
  ApprovalOutcome,
  ApprovalOutput,
  ApprovalRevocation,
  DecisionRecord
} from "./ApprovalRecord.js"
export { approvalRoutes } from "./approvalRoutes.js"

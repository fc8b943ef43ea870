/**
 * The `config` of an approval step: who may decide (approver roles, optionally a closed list of
 * approvers), how many approvals complete it (the quorum), whose data it approves, four-eyes,
 * delegation, and whether a rejection or a request for changes needs a comment.
 *
 * @since 0.1.0
 */
import { Identifier } from "@workflow-manager/core"
import { Schema } from "effect"

/**
 * The longest role name a config may list (an actor's role is at most as long).
 *
 * @since 0.1.0
 * @category config
 */
export const MAX_ROLE_LENGTH = 200

const Role = Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(MAX_ROLE_LENGTH))

const Roles = Schema.Array(Role).check(Schema.isMinLength(1), Schema.isMaxLength(20))

/**
 * Delegation: an eligible approver may hand their decision to one other person, who must hold one
 * of `roles` (default: the approver roles).
 *
 * @since 0.1.0
 * @category config
 */
export const DelegationConfig = Schema.Struct({
  allowed: Schema.Boolean,
  roles: Schema.optionalKey(Roles)
})

/**
 * A delegation setting.
 *
 * @since 0.1.0
 * @category config
 */
export type DelegationConfig = typeof DelegationConfig.Type

const hasDuplicate = (values: ReadonlyArray<string>): string | undefined =>
  values.find((value, i) => values.indexOf(value) !== i)

/**
 * The schema of an approval step's `config`.
 *
 * - `approverRoles` — the roles whose holders may decide (at least one);
 * - `approvers` — optionally, the M user ids who may decide (each must also hold an approver role);
 *   without it M is everyone holding an approver role;
 * - `quorum` — N, the distinct approvals that complete the step (default 1; at most M);
 * - `approves` — the steps whose data is approved (default: every other step holding data);
 * - `fourEyes` — refuse the instance's creator and submitter and the authors of the approved data
 *   (default `true`);
 * - `delegation` — `{ allowed, roles? }` (default: not allowed);
 * - `requireComment` — a `reject` or `request_changes` must carry a comment (default `true`).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ApprovalConfig } from "@workflow-manager/handler-approval"
 *
 * const config = Schema.decodeUnknownSync(ApprovalConfig)({
 *   approverRoles: ["market_ops", "approver"],
 *   quorum: 2,
 *   approves: ["company-info", "portfolio"],
 *   delegation: { allowed: true }
 * })
 * ```
 *
 * @since 0.1.0
 * @category config
 */
export const ApprovalConfig = Schema.Struct({
  approverRoles: Roles,
  approvers: Schema.optionalKey(Schema.Array(Identifier).check(Schema.isMinLength(1), Schema.isMaxLength(100))),
  quorum: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 100 }))),
  approves: Schema.optionalKey(Schema.Array(Identifier).check(Schema.isMaxLength(100))),
  fourEyes: Schema.optionalKey(Schema.Boolean),
  delegation: Schema.optionalKey(DelegationConfig),
  requireComment: Schema.optionalKey(Schema.Boolean)
}).check(
  Schema.makeFilter((config) => {
    const issues: Array<Schema.FilterIssue> = []
    const approvers = config.approvers
    if (approvers !== undefined && (config.quorum ?? 1) > approvers.length) {
      issues.push({
        path: ["quorum"],
        issue: `a quorum of ${config.quorum} cannot be reached by ${approvers.length} approver(s)`
      })
    }
    const twice = approvers === undefined ? undefined : hasDuplicate(approvers)
    if (twice !== undefined) issues.push({ path: ["approvers"], issue: `${twice} is listed twice` })
    const twiceStep = config.approves === undefined ? undefined : hasDuplicate(config.approves)
    if (twiceStep !== undefined) issues.push({ path: ["approves"], issue: `${twiceStep} is listed twice` })
    return issues.length === 0 ? true : issues
  })
)

/**
 * An approval step's config.
 *
 * @since 0.1.0
 * @category config
 */
export type ApprovalConfig = typeof ApprovalConfig.Type

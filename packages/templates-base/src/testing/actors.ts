/**
 * The people of a pack test: the participant's users and the operator's market operations staff.
 *
 * @since 0.1.0
 */
import type { Actor } from "@workflow-manager/core"

/**
 * A user of the participant's tenant (default role `participant_admin`): creates instances and
 * fills in the forms.
 *
 * @example
 * ```ts
 * import { participant } from "@workflow-manager/templates-base/testing"
 *
 * const applicant = participant("u-bob", "engie-be")
 * ```
 *
 * @since 0.1.0
 * @category testing
 */
export const participant = (userId: string, tenantId: string, role = "participant_admin"): Actor => ({
  userId,
  tenantId,
  role,
  permissions: ["workflow:read", "workflow:execute"]
})

/**
 * A user of the operator (tenant `tso`) with the `market_ops` role and review rights — the only role
 * core lets act on a participant's tenant; customer support agents are such users too.
 *
 * @example
 * ```ts
 * import { operator } from "@workflow-manager/templates-base/testing"
 *
 * const ann = operator("u-ann")
 * ```
 *
 * @since 0.1.0
 * @category testing
 */
export const operator = (userId: string): Actor => ({
  userId,
  tenantId: "tso",
  role: "market_ops",
  permissions: ["workflow:read", "workflow:review"]
})

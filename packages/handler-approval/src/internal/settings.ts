/** An approval config with its defaults filled in. */
import type { ApprovalConfig } from "../ApprovalConfig.js"

export interface Settings {
  readonly approverRoles: ReadonlyArray<string>
  readonly approvers: ReadonlyArray<string> | undefined
  readonly quorum: number
  readonly approves: ReadonlyArray<string> | undefined
  readonly fourEyes: boolean
  readonly delegation: { readonly allowed: boolean; readonly roles: ReadonlyArray<string> }
  readonly requireComment: boolean
}

export const settingsOf = (config: ApprovalConfig): Settings => ({
  approverRoles: config.approverRoles,
  approvers: config.approvers,
  quorum: config.quorum ?? 1,
  approves: config.approves,
  fourEyes: config.fourEyes ?? true,
  delegation: {
    allowed: config.delegation?.allowed === true,
    roles: config.delegation?.roles ?? config.approverRoles
  },
  requireComment: config.requireComment ?? true
})

/**
 * The recipients directory of the server's notifications: a role named by a notification step
 * (`{ role: "tenant_admin" }`) resolves, when the message is delivered, to the e-mail addresses of
 * the **active** users holding that role — in the instance's own tenant, read in that tenant's
 * scope (so row-level security, not this code, keeps every other tenant's users out), or, for an
 * operator role (`market_ops`), in the operator organisation, read in the operator's scope and
 * filtered to that organisation. No other tenant's user can ever be returned.
 *
 * @since 0.1.0
 */
import { MARKET_OPS, operatorAccess, runPromise, tenantAccess } from "@workflow-manager/core"
import {
  type NotificationErrorReason,
  notificationError,
  type Recipients
} from "@workflow-manager/handler-notification"
import type { UsersService } from "@workflow-manager/pg-rls"
import { Effect } from "effect"

/**
 * The roles whose holders are the operator organisation's people, whichever tenant's instance
 * names them.
 *
 * @since 0.1.0
 * @category notifications
 */
export const OPERATOR_ROLES: ReadonlySet<string> = new Set([MARKET_OPS])

const describe = (error: unknown): string =>
  (error instanceof Error ? error.message : String((error as { message?: unknown })?.message ?? error)).slice(0, 300)

/** A storage failure as the directory's: down is retried, a malformed tenant id is not, anything else is the deployment's. */
const reasonOf = (error: unknown): NotificationErrorReason => {
  const tag = (error as { reason?: { _tag?: unknown } } | null)?.reason?._tag
  return tag === "Unavailable" ? "Unavailable" : tag === "InvalidData" ? "InvalidMessage" : "Misconfigured"
}

/**
 * The directory over pg-rls's users.
 *
 * @example
 * ```ts
 * import { usersDirectory } from "./recipients.ts"
 *
 * const recipients = usersDirectory(storage.services.users, storage.operatorId)
 * ```
 *
 * @since 0.1.0
 * @category notifications
 */
export const usersDirectory = (users: UsersService, operatorId: string): Recipients => ({
  resolve: (role, scope) =>
    Effect.tryPromise({
      try: async () => {
        const operator = OPERATOR_ROLES.has(role)
        const tenantId = operator ? operatorId : scope.tenantId
        const access = operator ? operatorAccess("notifications", operatorId) : tenantAccess(tenantId)
        const found = await runPromise(users.list(access, { tenantId }))
        // the scope already holds the tenant; the filter says so again
        return found
          .filter((user) => user.tenantId === tenantId && user.role === role && user.status === "ACTIVE")
          .map((user) => user.email)
      },
      catch: (error) =>
        notificationError(reasonOf(error), `the users directory could not resolve the role ${role}: ${describe(error)}`)
    })
})

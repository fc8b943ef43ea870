/**
 * The recipients directory: who holds a role. A notification names recipients by role
 * (`{ role: "market_ops" }`); the deliverer resolves them **at delivery**, through the deployer's
 * directory, so that the step's handler stays a pure function of the instance (no lookup in the
 * step, nothing to replay), no e-mail address of a person enters the append-only event log, a
 * directory outage is retried by the outbox's backoff instead of failing the workflow step, and a
 * message goes to the people who hold the role when it is sent.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { addressProblem } from "./internal/address.js"
import { InvalidTransportConfig, type NotificationError, notificationError } from "./NotificationError.js"

/**
 * Resolves a role to e-mail addresses, for one tenant's instance (a tenant role such as
 * `brp_admin` is that tenant's people; an operator role such as `market_ops` is the operator's).
 * An empty list means nobody holds the role; a failure is a {@link NotificationError}
 * (`Unavailable` when the directory is down).
 *
 * @since 0.1.0
 * @category recipients
 */
export interface Recipients {
  readonly resolve: (
    role: string,
    scope: { readonly tenantId: string; readonly instanceId: string }
  ) => Effect.Effect<ReadonlyArray<string>, NotificationError>
}

/**
 * A fixed directory: role → addresses, the same for every tenant (or, with `byTenant`, per tenant
 * first). Every address is checked when it is built.
 *
 * @throws InvalidTransportConfig when an address is not a plain `local@domain` address.
 *
 * @example
 * ```ts
 * import { staticRecipients } from "@workflow-manager/handler-notification"
 *
 * const recipients = staticRecipients({ market_ops: ["market-ops@tso.example"] })
 * ```
 *
 * @since 0.1.0
 * @category recipients
 */
export const staticRecipients = (
  roles: { readonly [role: string]: ReadonlyArray<string> },
  options: {
    readonly byTenant?: { readonly [tenantId: string]: { readonly [role: string]: ReadonlyArray<string> } }
  } = {}
): Recipients => {
  const problems: Array<string> = []
  const copy = (table: unknown, where: string): Map<string, ReadonlyArray<string>> => {
    const out = new Map<string, ReadonlyArray<string>>()
    if (typeof table !== "object" || table === null || Array.isArray(table)) {
      problems.push(`${where} must be an object of role → addresses`)
      return out
    }
    for (const [role, addresses] of Object.entries(table)) {
      if (!Array.isArray(addresses)) {
        problems.push(`${where}.${role} must be an array of addresses`)
        continue
      }
      for (const address of addresses) {
        const problem = addressProblem(address)
        if (problem !== undefined) problems.push(`${where}.${role}: ${problem}`)
      }
      out.set(role, [...(addresses as ReadonlyArray<string>)])
    }
    return out
  }
  const global = copy(roles, "roles")
  const tenants = new Map<string, Map<string, ReadonlyArray<string>>>()
  if (options?.byTenant !== undefined) {
    if (typeof options.byTenant !== "object" || options.byTenant === null) problems.push("byTenant must be an object")
    else
      for (const [tenant, table] of Object.entries(options.byTenant))
        tenants.set(tenant, copy(table, `byTenant.${tenant}`))
  }
  if (problems.length > 0) throw new InvalidTransportConfig({ transport: "staticRecipients", problems })
  return {
    resolve: (role, scope) =>
      typeof role !== "string" || typeof scope?.tenantId !== "string"
        ? Effect.fail(notificationError("InvalidMessage", "a role and a tenant are needed"))
        : Effect.succeed(tenants.get(scope.tenantId)?.get(role) ?? global.get(role) ?? [])
  }
}

/**
 * Scopes and `withTenant`: the only way the adapter reaches tenant tables.
 *
 * A scope says whose rows a transaction may see. It is entered at the start of every transaction
 * with `wm_enter_scope(tenant, appRole)`, which switches to the application role `workflow_app`
 * and sets `app.current_tenant` and `app.current_role` with `set_config(..., true)` — SET LOCAL
 * semantics: the settings end with the transaction, so a pooled connection never carries a tenant
 * to the next request. The adapter's single-statement SQL functions (`wm_commit`, `wm_read_events`,
 * ...) enter the scope the same way as their first step, from the same {@link scopeArgs}.
 *
 * @since 0.1.0
 */
import { type Access, MARKET_OPS } from "@workflow-manager/core"
import type { PgClient, PgQueryable } from "./PgClient.js"

/**
 * Whose rows a transaction may see and write:
 *
 * - `Tenant` — one tenant's rows (read and write, as the policies allow);
 * - `Operator` — `market_ops`: every tenant's rows, through explicit policies;
 * - `Anonymous` — no tenant: no row of any tenant table (templates only);
 * - `LoginLookup` — the sign-in path: reads users across tenants, nothing else.
 *
 * @since 0.1.0
 * @category scopes
 */
export type Scope = Access | { readonly _tag: "Anonymous" } | { readonly _tag: "LoginLookup" }

/**
 * The scope without a tenant: sees no tenant row.
 *
 * @since 0.1.0
 * @category scopes
 */
export const anonymous: Scope = { _tag: "Anonymous" }

/**
 * The scope of the sign-in lookup (users of every tenant, read-only).
 *
 * @since 0.1.0
 * @category scopes
 */
export const loginLookup: Scope = { _tag: "LoginLookup" }

/**
 * The `(tenant, appRole)` arguments of `wm_enter_scope` for a scope.
 *
 * @since 0.1.0
 * @category scopes
 */
export const scopeArgs = (scope: Scope): readonly [tenant: string, appRole: string] => {
  switch (scope._tag) {
    case "Tenant":
      return [scope.tenantId, ""]
    case "Operator":
      return ["", MARKET_OPS]
    case "Anonymous":
      return ["", ""]
    case "LoginLookup":
      return ["", "login"]
    default:
      throw new TypeError("unknown scope")
  }
}

/**
 * Runs `body` in one transaction entered in `scope`: every statement of `body` runs as
 * `workflow_app` under row-level security, seeing only what the scope's policies allow.
 *
 * @since 0.1.0
 * @category scopes
 */
export const withTenant = <A>(client: PgClient, scope: Scope, body: (tx: PgQueryable) => Promise<A>): Promise<A> =>
  client.transaction(async (tx) => {
    await tx.query("select wm_enter_scope($1, $2)", scopeArgs(scope))
    return body(tx)
  })

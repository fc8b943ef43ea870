/**
 * Scopes and `withTenant`: the only way the adapter reaches tenant tables.
 *
 * A scope says whose rows a transaction may see. It is entered at the start of every transaction
 * with `wm_enter_scope(tenant, appRole)`, which switches to the application role `workflow_app`
 * and sets `app.current_tenant` and `app.current_role` with `set_config(..., true)` — SET LOCAL
 * semantics: the settings end with the transaction, so a pooled connection never carries a tenant
 * to the next request — and pins the transaction's `search_path` to the schema then `pg_temp`, so a
 * TEMP table left on a pooled connection never shadows a table of the schema. The operator scope
 * is refused unless its tenant is a registered operator organisation. The adapter's
 * single-statement SQL functions (`wm_commit`, `wm_load`, ...) enter the scope the same way as
 * their first step, from the same {@link scopeArgs}, with their own pinned `search_path`.
 *
 * @since 0.1.0
 */
import { type Access, MARKET_OPS } from "@workflow-manager/core"
import type { PgClient, PgQueryable } from "./PgClient.js"

/**
 * Whose rows a transaction may see and write:
 *
 * - `Tenant` — one tenant's rows (read and write, as the policies allow);
 * - `Operator` — `market_ops` of a registered operator organisation: every tenant's rows, through
 *   explicit policies;
 * - `System` — a worker: reads every tenant's instances and outbox, writes delivery progress only;
 * - `Anonymous` — no tenant: no row of any tenant table (templates only);
 * - `Publisher` — publishes templates (which belong to no tenant); sees no tenant row.
 *
 * @since 0.1.0
 * @category scopes
 */
export type Scope = Access | { readonly _tag: "Anonymous" } | { readonly _tag: "Publisher" }

/**
 * The scope without a tenant: sees no tenant row.
 *
 * @since 0.1.0
 * @category scopes
 */
export const anonymous: Scope = { _tag: "Anonymous" }

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
      return [scope.tenantId, MARKET_OPS]
    case "System":
      return ["", "worker"]
    case "Anonymous":
      return ["", ""]
    case "Publisher":
      return ["", "publisher"]
    default:
      throw new TypeError("unknown scope")
  }
}

/** Enters the scope and pins the transaction's `search_path` to the one `wm_enter_scope` returns. */
const ENTER_SCOPE_SQL = "select pg_catalog.set_config('search_path', wm_enter_scope($1, $2), true)"

/**
 * Runs `body` in one transaction entered in `scope`: every statement of `body` runs as
 * `workflow_app` under row-level security, seeing only what the scope's policies allow.
 *
 * @since 0.1.0
 * @category scopes
 */
export const withTenant = <A>(client: PgClient, scope: Scope, body: (tx: PgQueryable) => Promise<A>): Promise<A> =>
  client.transaction(async (tx) => {
    await tx.query(ENTER_SCOPE_SQL, scopeArgs(scope))
    return body(tx)
  })

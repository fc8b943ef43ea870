/**
 * The statements that call the scoped SQL functions of the migrations (one round trip each). They
 * run before the scope pins the transaction's `search_path`, so every type they name is qualified
 * (`pg_catalog.jsonb`): a TEMP type left on a pooled connection cannot capture their arguments.
 * Functions are never looked up in `pg_temp`.
 */

/** `wm_commit(tenant, appRole, expectedVersion, events, state, entry, messages)`. */
export const COMMIT_SQL =
  "select state_written, index_written from wm_commit($1, $2, $3, $4::pg_catalog.jsonb, $5::pg_catalog.jsonb, $6::pg_catalog.jsonb, $7::pg_catalog.jsonb)"

/** `wm_load(tenant, appRole, instanceId, commandId)`: rows `(part, doc)`, part `s`, `k` or `e`. */
export const LOAD_SQL = "select part, doc from wm_load($1, $2, $3, $4)"

/** `wm_outbox_claim(tenant, appRole, owner, now, leaseUntil, limit, kinds)`: rows `(doc, attempt)`. */
export const CLAIM_SQL = "select doc, attempt from wm_outbox_claim($1, $2, $3, $4, $5, $6, $7::pg_catalog.text[])"

/** `wm_outbox_settle(tenant, appRole, id, owner, attempt, status, error, retryAt)`: whether the claim was held. */
export const SETTLE_SQL = "select wm_outbox_settle($1, $2, $3, $4, $5, $6, $7, $8) as held"

/** `wm_outbox_stats(tenant, appRole, now)`: one row `(waiting, available, oldest_available_at, dead)`. */
export const OUTBOX_STATS_SQL =
  "select waiting, available, oldest_available_at, dead from wm_outbox_stats($1, $2, $3::pg_catalog.timestamptz)"

/** `wm_due_claim(tenant, appRole, owner, now, leaseUntil, limit)`: rows `(tenant_id, instance_id, version, due_at)`. */
export const DUE_CLAIM_SQL =
  "select tenant_id, instance_id, version, due_at from wm_due_claim($1, $2, $3, $4::pg_catalog.timestamptz, $5::pg_catalog.timestamptz, $6)"

/** `wm_due_release(tenant, appRole, owner, instanceIds)`: how many leases it ended. */
export const DUE_RELEASE_SQL = "select wm_due_release($1, $2, $3, $4::pg_catalog.text[]) as released"

/** `wm_due_stats(tenant, appRole, now)`: one row `(due, leased, oldest_due_at)`. */
export const DUE_STATS_SQL = "select due, leased, oldest_due_at from wm_due_stats($1, $2, $3::pg_catalog.timestamptz)"

/** `wm_read_events(tenant, appRole, instanceId, from, to, until, commandId)`. */
export const READ_EVENTS_SQL = "select doc from wm_read_events($1, $2, $3, $4, $5, $6, $7) as t (doc)"

/** `wm_get_states(tenant, appRole, instanceIds)`. */
export const GET_STATES_SQL = "select doc from wm_get_states($1, $2, $3::pg_catalog.text[]) as t (doc)"

/** `wm_get_entries(tenant, appRole, instanceIds)`. */
export const GET_ENTRIES_SQL = "select doc from wm_get_entries($1, $2, $3::pg_catalog.text[]) as t (doc)"

/** `wm_get_user(tenant, appRole, userId)`: the user row the scope sees, if any (no password hash). */
export const GET_USER_SQL =
  "select id, tenant_id, email, role, display_name, status, created_at, updated_at from wm_get_user($1, $2, $3)"

/**
 * The storage check, `(tenant, appRole)` of the tenant-less scope, one statement: reads through
 * `wm_read_events` as `workflow_app` (it sees no row), resolves the other scoped functions — 42883 /
 * 42P01 when the database is not migrated — and lists the application role's ways out of row-level
 * security (`problems`, empty when none). Add a function here when a migration adds one the adapter calls.
 */
export const CHECK_SQL = `select pg_catalog.count(*)::pg_catalog.int4 as visible, wm_app_role_problems() as problems
  from wm_read_events($1, $2, 'wm-check', 1, 1, null, null) as t (doc)
 where 'wm_commit(text, text, integer, jsonb, jsonb, jsonb, jsonb)'::pg_catalog.regprocedure is not null
   and 'wm_load(text, text, text, text)'::pg_catalog.regprocedure is not null
   and 'wm_outbox_claim(text, text, text, timestamptz, timestamptz, integer, text[])'::pg_catalog.regprocedure is not null
   and 'wm_outbox_settle(text, text, text, text, integer, text, text, text)'::pg_catalog.regprocedure is not null
   and 'wm_sign_in(text)'::pg_catalog.regprocedure is not null
   and 'wm_get_states(text, text, text[])'::pg_catalog.regprocedure is not null
   and 'wm_get_entries(text, text, text[])'::pg_catalog.regprocedure is not null
   and 'wm_get_user(text, text, uuid)'::pg_catalog.regprocedure is not null
   and 'wm_outbox_stats(text, text, timestamptz)'::pg_catalog.regprocedure is not null
   and 'wm_due_claim(text, text, text, timestamptz, timestamptz, integer)'::pg_catalog.regprocedure is not null
   and 'wm_due_release(text, text, text, text[])'::pg_catalog.regprocedure is not null
   and 'wm_due_stats(text, text, timestamptz)'::pg_catalog.regprocedure is not null`

export interface CommitRow {
  readonly state_written: boolean
  readonly index_written: boolean
}

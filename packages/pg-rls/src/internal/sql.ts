/**
 * The statements that call the scoped SQL functions of the migrations (one round trip each).
 */

/** `wm_commit(tenant, appRole, expectedVersion, events, state, entry)`. */
export const COMMIT_SQL =
  "select state_written, index_written from wm_commit($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb)"

/** `wm_read_events(tenant, appRole, instanceId, from, to, until, commandId)`. */
export const READ_EVENTS_SQL = "select doc from wm_read_events($1, $2, $3, $4, $5, $6, $7) as t (doc)"

/** `wm_get_states(tenant, appRole, instanceIds)`. */
export const GET_STATES_SQL = "select doc from wm_get_states($1, $2, $3::text[]) as t (doc)"

/** `wm_get_entries(tenant, appRole, instanceIds)`. */
export const GET_ENTRIES_SQL = "select doc from wm_get_entries($1, $2, $3::text[]) as t (doc)"

export interface CommitRow {
  readonly state_written: boolean
  readonly index_written: boolean
}

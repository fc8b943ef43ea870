/**
 * The skeleton's tables (PostgreSQL dialect). Each projection carries the version it reflects.
 */
import type { SqlClient } from "./SqlClient.ts"

// #region tables
export const migrations = [
  `CREATE TABLE IF NOT EXISTS wm_events (
     instance_id text NOT NULL,
     sequence integer NOT NULL,
     tenant_id text NOT NULL,
     command_id text,
     occurred_at timestamptz NOT NULL,
     event jsonb NOT NULL,
     PRIMARY KEY (instance_id, sequence) -- exactly one event per sequence: the loser of a race fails
   )`,
  `CREATE INDEX IF NOT EXISTS wm_events_by_command ON wm_events (instance_id, command_id) WHERE command_id IS NOT NULL`,
  `CREATE TABLE IF NOT EXISTS wm_instances (
     instance_id text PRIMARY KEY,
     tenant_id text NOT NULL,
     version integer NOT NULL,
     state jsonb NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS wm_index (
     instance_id text PRIMARY KEY,
     tenant_id text NOT NULL,
     template_id text NOT NULL,
     market_role text NOT NULL,
     status text NOT NULL,
     current_step_id text,
     version integer NOT NULL,
     created_at timestamptz NOT NULL,
     updated_at timestamptz NOT NULL,
     next_due_at timestamptz, -- when something is next due (a deadline, an automatic run); NULL: nothing
     entry jsonb NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS wm_index_keyset ON wm_index (tenant_id, created_at, instance_id)`,
  `CREATE INDEX IF NOT EXISTS wm_index_due ON wm_index (next_due_at) WHERE next_due_at IS NOT NULL`,
  `CREATE TABLE IF NOT EXISTS wm_templates (
     id text NOT NULL,
     version integer NOT NULL,
     name text NOT NULL,
     market_role text,
     template json NOT NULL, -- json, not jsonb: jsonb reorders keys, and a form's fields are ordered
     PRIMARY KEY (id, version)
   )`
]

export const migrate = async (client: SqlClient): Promise<void> => {
  for (const statement of migrations) await client.query(statement)
}
// #endregion tables

/**
 * The template store: publish once, immutable afterwards.
 */
// #region template-store
import { Conflict, storageError, type Template, type TemplateStoreService } from "@workflow-manager/core"
import { Effect } from "effect"
import { run } from "./run.ts"
import type { SqlClient } from "./SqlClient.ts"

export const makeTemplateStore = (client: SqlClient): TemplateStoreService => ({
  publish: (template) =>
    Effect.gen(function* () {
      const operation = "TemplateStore.publish"
      const json = JSON.stringify(template)
      const inserted = yield* run(operation, () =>
        client.query(
          `INSERT INTO wm_templates (id, version, name, market_role, template) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (id, version) DO NOTHING RETURNING id`,
          [template.id, template.version, template.name, template.marketRole ?? null, json]
        )
      )
      if (inserted.rows.length > 0) return
      // Published before: a repeat of the same definition is a no-op, another definition a Conflict.
      const stored = yield* run(operation, () =>
        client.query<{ same: boolean }>(
          "SELECT template::jsonb = $3::jsonb AS same FROM wm_templates WHERE id = $1 AND version = $2",
          [template.id, template.version, json]
        )
      )
      if (stored.rows[0]?.same !== true) {
        return yield* storageError(
          operation,
          new Conflict({
            message: `template ${template.id}@${template.version} is already published with another definition`
          })
        )
      }
    }),
  get: (id, version) =>
    run("TemplateStore.get", () =>
      client.query<{ template: Template }>("SELECT template FROM wm_templates WHERE id = $1 AND version = $2", [
        id,
        version
      ])
    ).pipe(Effect.map(({ rows }) => rows[0]?.template)),
  getLatest: (id) =>
    run("TemplateStore.getLatest", () =>
      client.query<{ template: Template }>(
        "SELECT template FROM wm_templates WHERE id = $1 ORDER BY version DESC LIMIT 1",
        [id]
      )
    ).pipe(Effect.map(({ rows }) => rows[0]?.template)),
  list: (filter) =>
    run("TemplateStore.list", () =>
      client.query<{ id: string; version: number; name: string; market_role: string | null }>(
        "SELECT id, version, name, market_role FROM wm_templates WHERE ($1::text IS NULL OR market_role = $1) ORDER BY id, version",
        [filter?.marketRole ?? null]
      )
    ).pipe(
      Effect.map(({ rows }) =>
        rows.map((row) => ({
          id: row.id,
          version: row.version,
          name: row.name,
          marketRole: row.market_role ?? undefined
        }))
      )
    )
})
// #endregion template-store

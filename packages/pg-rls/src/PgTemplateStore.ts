/**
 * The template store on PostgreSQL: table `workflow_templates`, shared by every tenant.
 *
 * Templates are global: the application role reads them in any scope (they are read in the
 * tenant-less `anonymous` scope, which sees no tenant row); publishing is an operator action — the
 * insert runs in the `market_ops` scope, the only one the insert policy admits — so a server must
 * expose `publish` to operators only. A published (id, version) is immutable: publishing it again
 * with an identical definition is a no-op, with another definition a `Conflict`. A template is read
 * back as the JSON text it was published as (column `document`, migration 0007), so its objects keep
 * their key order — a form's fields come back in the order they were written.
 *
 * @since 0.1.0
 */
import {
  Conflict,
  InvalidData,
  storageError,
  Template,
  type TemplateStoreService,
  type TemplateSummary
} from "@workflow-manager/core"
import { Effect } from "effect"
import { attempt } from "./internal/query.js"
import { checkIdentifier, checkInt, checkText, decodeWith, toJson } from "./internal/validate.js"
import { anonymous, type Scope, withTenant } from "./Scope.js"
import type { StoreConfig } from "./StoreConfig.js"

const decodeTemplate = decodeWith(Template, "template")

/**
 * The scope `publish` runs in.
 *
 * @since 0.1.0
 * @category templates
 */
export const PUBLISHER: Scope = { _tag: "Publisher" }

/**
 * Builds the template store over a client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTemplateStore = (config: StoreConfig): TemplateStoreService => {
  const { client } = config

  const readOne = (operation: string, sql: string, params: ReadonlyArray<unknown>) =>
    Effect.gen(function* () {
      const rows = yield* attempt(operation, () =>
        withTenant(client, anonymous, (tx) => tx.query<{ doc: string }>(sql, params))
      )
      const row = rows[0]
      if (row === undefined) return undefined
      // the text as published (migration 0007): JSON.parse keeps its objects' key order, which jsonb does not
      const doc = yield* Effect.try({
        try: (): unknown => JSON.parse(row.doc),
        catch: () => storageError(operation, new InvalidData({ message: "a stored template is not JSON" }))
      })
      return yield* decodeTemplate(operation, doc)
    })

  return {
    publish: (template) =>
      Effect.gen(function* () {
        const operation = "TemplateStore.publish"
        const decoded = yield* decodeTemplate(operation, template)
        const json = yield* toJson(operation, "template", decoded, config.maxDocumentBytes)
        const outcome = yield* attempt(operation, () =>
          withTenant(client, PUBLISHER, async (tx) => {
            const inserted = await tx.query(
              `insert into workflow_templates (id, version, name, market_role, definition, document)
               values ($1, $2, $3, $4, $5::jsonb, $6::text) on conflict (id, version) do nothing returning 1`,
              // the text twice: one parameter used as jsonb and as text would be typed jsonb, and its text reordered
              [decoded.id, decoded.version, decoded.name, decoded.marketRole ?? null, json, json]
            )
            if (inserted.length > 0) return "published" as const
            const same = await tx.query<{ same: boolean }>(
              "select definition = $3::jsonb as same from workflow_templates where id = $1 and version = $2",
              [decoded.id, decoded.version, json]
            )
            return same[0]?.same === true ? ("unchanged" as const) : ("different" as const)
          })
        )
        if (outcome === "different") {
          return yield* Effect.fail(
            storageError(
              operation,
              new Conflict({
                message: `template ${decoded.id} version ${decoded.version} is published with another definition`
              })
            )
          )
        }
      }),
    get: (id, version) =>
      Effect.gen(function* () {
        const operation = "TemplateStore.get"
        yield* checkIdentifier(operation, "template id", id)
        yield* checkInt(operation, "template version", version, 1, 2_147_483_647)
        return yield* readOne(
          operation,
          "select coalesce(document, definition::text) as doc from workflow_templates where id = $1 and version = $2 and published",
          [id, version]
        )
      }),
    getLatest: (id) =>
      Effect.gen(function* () {
        const operation = "TemplateStore.getLatest"
        yield* checkIdentifier(operation, "template id", id)
        return yield* readOne(
          operation,
          "select coalesce(document, definition::text) as doc from workflow_templates where id = $1 and published order by version desc limit 1",
          [id]
        )
      }),
    list: (filter) =>
      Effect.gen(function* () {
        const operation = "TemplateStore.list"
        const marketRole =
          filter?.marketRole === undefined ? null : yield* checkText(operation, "marketRole", filter.marketRole, 200)
        const rows = yield* attempt(operation, () =>
          withTenant(client, anonymous, (tx) =>
            tx.query<{ id: string; version: number; name: string; market_role: string | null }>(
              `select id, version, name, market_role from workflow_templates
                where published and ($1::text is null or market_role = $1) order by id, version`,
              [marketRole]
            )
          )
        )
        return rows.map(
          (row): TemplateSummary => ({
            id: row.id,
            version: row.version,
            name: row.name,
            marketRole: row.market_role ?? undefined
          })
        )
      })
  }
}

/**
 * The template store on MongoDB (for deployments without PostgreSQL): collection
 * `workflow_templates`, `_id` = `<templateId>#<version>`. Templates are shared by every tenant, so
 * this is the one collection without a tenant field. Publishing inserts; a duplicate key means the
 * version exists, and it is a no-op when the stored definition is the same (compared as canonical
 * JSON), a `Conflict` otherwise. Step ids and config keys are stored escaped.
 *
 * @since 0.1.0
 */
import { Conflict, storageError, type TemplateStoreService } from "@workflow-manager/core"
import { Effect } from "effect"
import { isDuplicateKeyError } from "./classifyMongoError.js"
import type { Context } from "./internal/context.js"
import { canonicalJson, decodeTemplate, readTemplate, toStored } from "./internal/documents.js"
import { attempt } from "./internal/run.js"
import { checkIdentifier, checkInt, checkText } from "./internal/validate.js"

/**
 * Builds the template store.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTemplateStore = (ctx: Context): TemplateStoreService => ({
  publish: (template) =>
    Effect.gen(function* () {
      const operation = "TemplateStore.publish"
      const checked = yield* decodeTemplate(operation, template)
      const json = canonicalJson(checked)
      const d = yield* toStored(operation, "template", checked, ctx.maxDocumentBytes)
      const key = `${checked.id}#${checked.version}`
      const same = yield* attempt(operation, async () => {
        try {
          await ctx.templates.insertOne(
            {
              _id: key as never,
              id: checked.id,
              v: checked.version,
              name: checked.name,
              r: checked.marketRole ?? null,
              d,
              j: json
            },
            { writeConcern: ctx.writeConcern }
          )
          return true
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error
          const stored = await ctx.templates.findOne({ _id: key as never }, { projection: { j: 1 } })
          return stored?.j === json
        }
      })
      if (!same) {
        return yield* storageError(
          operation,
          new Conflict({
            message: `template ${checked.id}@${checked.version} is already published with another definition`
          })
        )
      }
    }),
  get: (id, version) =>
    Effect.gen(function* () {
      const operation = "TemplateStore.get"
      yield* checkIdentifier(operation, "template id", id)
      yield* checkInt(operation, "template version", version, 1, 2_147_483_647)
      const doc = yield* attempt(operation, () => ctx.templates.findOne({ _id: `${id}#${version}` as never }))
      return doc === null ? undefined : yield* readTemplate(operation, doc.d)
    }),
  getLatest: (id) =>
    Effect.gen(function* () {
      const operation = "TemplateStore.getLatest"
      yield* checkIdentifier(operation, "template id", id)
      const doc = yield* attempt(operation, () => ctx.templates.findOne({ id }, { sort: { v: -1 } }))
      return doc === null ? undefined : yield* readTemplate(operation, doc.d)
    }),
  list: (filter) =>
    Effect.gen(function* () {
      const operation = "TemplateStore.list"
      const role =
        filter?.marketRole === undefined ? undefined : yield* checkText(operation, "marketRole", filter.marketRole, 200)
      const docs = yield* attempt(operation, () =>
        ctx.templates
          .find(role === undefined ? {} : { r: role }, { projection: { id: 1, v: 1, name: 1, r: 1 } })
          .sort({ id: 1, v: 1 })
          .toArray()
      )
      return docs.map((doc) => ({
        id: doc.id as string,
        version: doc.v as number,
        name: doc.name as string,
        marketRole: (doc.r as string | null) ?? undefined
      }))
    })
})

/**
 * The memory template store: versions published once (a repeat of the same definition is a no-op,
 * another definition under the same version a `Conflict`), stored as JSON.
 */
import { Effect, Result, Schema } from "effect"
import { Conflict, InvalidData, type StorageError, storageError } from "../../StorageError.js"
import { Template } from "../../Template.js"
import type { TemplateStoreService } from "../../TemplateStore.js"

const decodeTemplate = Schema.decodeUnknownResult(Template)

const parse = (text: string): Template => JSON.parse(text) as Template

export const makeMemoryTemplates = (
  templates: Map<string, string>,
  serialize: (operation: string, what: string, value: unknown, valid: (u: unknown) => boolean) => string | StorageError
): TemplateStoreService => ({
  publish: (template) =>
    Effect.suspend(() => {
      const operation = "TemplateStore.publish"
      const decoded = decodeTemplate(template)
      if (Result.isFailure(decoded)) {
        return Effect.fail(
          storageError(operation, new InvalidData({ message: `template: ${decoded.failure.message}` }))
        )
      }
      const json = serialize(operation, "template", decoded.success, () => true)
      if (typeof json !== "string") return Effect.fail(json)
      const key = `${template.id}@${template.version}`
      const stored = templates.get(key)
      if (stored !== undefined && stored !== json) {
        return Effect.fail(
          storageError(
            operation,
            new Conflict({ message: `template ${key} is already published with another definition` })
          )
        )
      }
      templates.set(key, json)
      return Effect.void
    }),
  get: (id, version) =>
    Effect.sync(() => {
      const stored = templates.get(`${id}@${version}`)
      return stored === undefined ? undefined : parse(stored)
    }),
  getLatest: (id) =>
    Effect.sync(() => {
      let latest: Template | undefined
      for (const json of templates.values()) {
        const t = parse(json)
        if (t.id === id && (latest === undefined || t.version > latest.version)) latest = t
      }
      return latest
    }),
  list: (filter) =>
    Effect.sync(() =>
      [...templates.values()]
        .map(parse)
        .filter((t) => filter?.marketRole === undefined || t.marketRole === filter.marketRole)
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.version - b.version))
        .map((t) => ({ id: t.id, version: t.version, name: t.name, marketRole: t.marketRole }))
    )
})

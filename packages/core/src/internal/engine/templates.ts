/**
 * Publishing: one template (validated against the handlers and the limits), or a whole pack with
 * its configuration baked into new template versions.
 */
import { Effect, Result, Schema } from "effect"
import { InvalidInput, type Issue, TemplateInvalid } from "../../DomainError.js"
import type { Json } from "../../Json.js"
import type { StorageError } from "../../StorageError.js"
import type { Template } from "../../Template.js"
import type { TemplatePack } from "../../TemplatePack.js"
import { validateTemplate } from "../../Validation.js"
import { checkJsonValue } from "../guard.js"
import { decodeWithIssues } from "../issues.js"
import { type EngineContext, isConflict } from "./context.js"
import { canonical } from "./input.js"

export const publishTemplate = <R>(
  ctx: EngineContext<R>,
  input: unknown
): Effect.Effect<Template, TemplateInvalid | StorageError> =>
  Effect.suspend((): Effect.Effect<Template, TemplateInvalid | StorageError> => {
    const validated = validateTemplate(input, ctx.registry, ctx.limits)
    if (Result.isFailure(validated)) return Effect.fail(validated.failure)
    return Effect.as(ctx.templates.publish(validated.success), validated.success)
  })

const withoutVersion = (template: Template): string => canonical({ ...template, version: 0 })

/** Publishes one template of a pack: the latest version when it has this definition, else the next version. */
const publishNext = <R>(
  ctx: EngineContext<R>,
  template: Template
): Effect.Effect<Template, TemplateInvalid | StorageError> =>
  Effect.gen(function* () {
    const latest = yield* ctx.templates.getLatest(template.id)
    if (latest !== undefined && withoutVersion(latest) === withoutVersion(template)) return latest
    return yield* publishTemplate(ctx, { ...template, version: (latest?.version ?? 0) + 1 })
  })

export interface PublishPackInput<Config> {
  readonly pack: TemplatePack<Config>
  /** The configuration, decoded by the pack's `configSchema` (defaults apply). */
  readonly config?: unknown
}

/** Whether a value is a template pack (code, not data: it is checked by shape, not decoded). */
const isPack = (pack: unknown): pack is TemplatePack<unknown> =>
  typeof pack === "object" &&
  pack !== null &&
  typeof (pack as TemplatePack).name === "string" &&
  (pack as TemplatePack).name.length > 0 &&
  (pack as TemplatePack).name.length <= 200 &&
  typeof (pack as TemplatePack).version === "string" &&
  (pack as TemplatePack).version.length <= 100 &&
  Schema.isSchema((pack as TemplatePack).configSchema) &&
  typeof (pack as TemplatePack).templates === "function"

export const publishPack = <R, Config>(ctx: EngineContext<R>, input: PublishPackInput<Config>) =>
  Effect.gen(function* () {
    if (typeof input !== "object" || input === null || !isPack(input.pack)) {
      return yield* new InvalidInput({
        operation: "publishPack",
        issues: [{ path: "pack", message: "must be a template pack (name, version, configSchema, templates)" }]
      })
    }
    const pack = input.pack as TemplatePack<Config>
    const invalid = (issues: ReadonlyArray<Issue>) => new TemplateInvalid({ templateId: pack.name, issues })
    const raw = input.config ?? {}
    const problem = checkJsonValue(raw, ctx.limits, "config")
    if (problem !== undefined) return yield* invalid([problem])
    const config = decodeWithIssues(pack.configSchema, raw, "config")
    if (Result.isFailure(config)) return yield* invalid(config.failure)
    const templates = yield* Effect.try({
      try: () => pack.templates(config.success),
      catch: (error) =>
        invalid([{ path: "templates", message: `the pack failed to build its templates: ${String(error)}` }])
    })
    const published: Array<Template> = []
    for (const template of templates) {
      const stamped: Template = {
        ...template,
        metadata: { ...template.metadata, pack: { name: pack.name, version: pack.version, config: raw as Json } }
      }
      // another publisher may take the next version first: look again
      const once = publishNext(ctx, stamped)
      published.push(
        yield* once.pipe(
          Effect.catch((error) => (isConflict(error) ? once : Effect.fail(error))),
          Effect.catch((error) => (isConflict(error) ? once : Effect.fail(error)))
        )
      )
    }
    return published as ReadonlyArray<Template>
  })

/**
 * A pack's templates for a raw configuration, as the engine's `publishPack` builds them: the
 * configuration must be plain JSON within core's default limits, then it is decoded, then built,
 * and each template is validated against the packs' handlers.
 */
import {
  checkJson,
  defaultLimits,
  type Template,
  TemplateInvalid,
  type TemplatePack,
  validateTemplate
} from "@workflow-manager/core"
import { Result, Schema } from "effect"
import { packHandlers } from "../extendTemplate.js"

export const buildTemplates = <Config>(
  pack: TemplatePack<Config>,
  raw: unknown
): Result.Result<ReadonlyArray<Template>, TemplateInvalid> => {
  const invalid = (path: string, message: string) =>
    Result.fail(new TemplateInvalid({ templateId: name, issues: [{ path, message: message.slice(0, 2000) }] }))
  let name = "(pack)"
  try {
    if (
      typeof pack !== "object" ||
      pack === null ||
      typeof pack.name !== "string" ||
      typeof pack.templates !== "function" ||
      !Schema.isSchema(pack.configSchema)
    ) {
      return invalid("pack", "is not a template pack (name, version, configSchema, templates)")
    }
    name = pack.name.slice(0, 200)
    const json = checkJson(raw ?? {}, defaultLimits, "config")
    if (Result.isFailure(json)) return Result.fail(new TemplateInvalid({ templateId: name, issues: json.failure }))
    const decoded = Schema.decodeUnknownExit(pack.configSchema)(raw ?? {})
    if (decoded._tag === "Failure") return invalid("config", `does not decode: ${String(decoded.cause)}`)
    const built: unknown = pack.templates(decoded.value)
    if (!Array.isArray(built)) return invalid("templates", "the pack's templates(config) did not return a list")
    const templates: Array<Template> = []
    for (const template of built) {
      const valid = validateTemplate(template, packHandlers())
      if (Result.isFailure(valid)) return Result.fail(valid.failure)
      templates.push(valid.success)
    }
    return Result.succeed(templates)
  } catch (error) {
    return invalid("templates", `the pack failed to build its templates: ${String(error)}`)
  }
}

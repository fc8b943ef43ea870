/**
 * Template composition: a template may extend a published base (the generic Contract Onboarding or
 * Portfolio Management templates) with a list of changes — insert steps before or after a step,
 * append, replace or remove a step, patch a step's routing or policies, and deep-merge its config.
 * The result is validated like any template: composition yields a valid template or a precise
 * error, never an invalid template.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { type Issue, TemplateInvalid } from "./DomainError.js"
import { decodeWithIssues } from "./internal/issues.js"
import { Identifier, type Json, type JsonObject, JsonObject as JsonObjectSchema } from "./Json.js"
import type { HandlerRegistry } from "./StepHandler.js"
import { Compensation, RetryPolicy, Route, Step, type Template, TemplateRef } from "./Template.js"
import { validateTemplate } from "./Validation.js"

/**
 * One change an extension applies to its base, in order.
 *
 * - `insertBefore` / `insertAfter` — insert `steps` next to an existing step;
 * - `append` — add `steps` at the end;
 * - `replace` — put `step` in place of `stepId`;
 * - `remove` — drop `stepId` (nothing may still route to it);
 * - `configure` — deep-merge `config` into the step's config (objects merge, other values
 *   replace, `null` deletes a key);
 * - `patch` — set the step's name, description, next, routes, timeout, retry or compensation.
 *
 * @since 0.1.0
 * @category composition
 */
export const Change = Schema.Union([
  Schema.Struct({ op: Schema.Literal("insertBefore"), before: Identifier, steps: Schema.Array(Step) }),
  Schema.Struct({ op: Schema.Literal("insertAfter"), after: Identifier, steps: Schema.Array(Step) }),
  Schema.Struct({ op: Schema.Literal("append"), steps: Schema.Array(Step) }),
  Schema.Struct({ op: Schema.Literal("replace"), stepId: Identifier, step: Step }),
  Schema.Struct({ op: Schema.Literal("remove"), stepId: Identifier }),
  Schema.Struct({ op: Schema.Literal("configure"), stepId: Identifier, config: JsonObjectSchema }),
  Schema.Struct({
    op: Schema.Literal("patch"),
    stepId: Identifier,
    name: Schema.optionalKey(Schema.String),
    description: Schema.optionalKey(Schema.String),
    next: Schema.optionalKey(Schema.NonEmptyString),
    routes: Schema.optionalKey(Schema.Array(Route)),
    timeoutMs: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThan(0))),
    retry: Schema.optionalKey(RetryPolicy),
    compensation: Schema.optionalKey(Compensation)
  })
])

/**
 * A change.
 *
 * @since 0.1.0
 * @category composition
 */
export type Change = typeof Change.Type

/**
 * A template that extends a base (stored shape, `schemaVersion` 1).
 *
 * @since 0.1.0
 * @category composition
 */
export const TemplateExtension = Schema.Struct({
  schemaVersion: Schema.Literal(1),
  id: Identifier,
  version: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  name: Schema.NonEmptyString,
  description: Schema.optionalKey(Schema.String),
  marketRole: Schema.optionalKey(Schema.NonEmptyString),
  extends: TemplateRef,
  changes: Schema.Array(Change),
  metadata: Schema.optionalKey(JsonObjectSchema)
})

/**
 * A template extension.
 *
 * @since 0.1.0
 * @category composition
 */
export type TemplateExtension = typeof TemplateExtension.Type

/**
 * Deep-merges `patch` into `base`: objects merge key by key, any other value replaces, `null`
 * deletes the key.
 *
 * @since 0.1.0
 * @category composition
 */
export const mergeConfig = (base: JsonObject, patch: JsonObject): JsonObject => {
  const out: Record<string, Json> = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key]
    if (value === null) delete out[key]
    else if (isObject(value) && current !== undefined && isObject(current)) out[key] = mergeConfig(current, value)
    else out[key] = value
  }
  return out
}

const isObject = (value: Json): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const applyChange = (steps: Array<Step>, change: Change, path: string): Issue | undefined => {
  const at = (id: string): number => steps.findIndex((s) => s.id === id)
  const missing = (field: string, id: string): Issue => ({
    path: `${path}.${field}`,
    message: `step "${id}" is not in the template being extended`
  })
  switch (change.op) {
    case "insertBefore": {
      const i = at(change.before)
      if (i < 0) return missing("before", change.before)
      steps.splice(i, 0, ...change.steps)
      return undefined
    }
    case "insertAfter": {
      const i = at(change.after)
      if (i < 0) return missing("after", change.after)
      steps.splice(i + 1, 0, ...change.steps)
      return undefined
    }
    case "append":
      steps.push(...change.steps)
      return undefined
    case "replace": {
      const i = at(change.stepId)
      if (i < 0) return missing("stepId", change.stepId)
      steps[i] = change.step
      return undefined
    }
    case "remove": {
      const i = at(change.stepId)
      if (i < 0) return missing("stepId", change.stepId)
      steps.splice(i, 1)
      return undefined
    }
    case "configure": {
      const i = at(change.stepId)
      const step = steps[i]
      if (step === undefined) return missing("stepId", change.stepId)
      steps[i] = { ...step, config: mergeConfig(step.config, change.config) }
      return undefined
    }
    case "patch": {
      const i = at(change.stepId)
      const step = steps[i]
      if (step === undefined) return missing("stepId", change.stepId)
      const { op: _, stepId: __, ...fields } = change
      steps[i] = { ...step, ...fields }
      return undefined
    }
  }
}

/**
 * Composes an extension onto its base and validates the result against the registry.
 * Problems in the extension itself are reported under `changes[i]...`; problems of the composed
 * template under `steps[i]...` (its own step list).
 *
 * @since 0.1.0
 * @category composition
 */
export const compose = <R>(
  base: Template,
  extension: unknown,
  registry: HandlerRegistry<R>
): Result.Result<Template, TemplateInvalid> => {
  const decoded = decodeWithIssues(TemplateExtension, extension, "")
  const extensionId =
    typeof extension === "object" && extension !== null && typeof (extension as { id?: unknown }).id === "string"
      ? (extension as { id: string }).id
      : "(unknown)"
  if (Result.isFailure(decoded)) return Result.fail(new TemplateInvalid({ templateId: extensionId, issues: decoded.failure }))
  const ext = decoded.success
  if (ext.extends.id !== base.id || ext.extends.version !== base.version) {
    return Result.fail(
      new TemplateInvalid({
        templateId: ext.id,
        issues: [
          {
            path: "extends",
            message: `extends ${ext.extends.id}@${ext.extends.version} but the base given is ${base.id}@${base.version}`
          }
        ]
      })
    )
  }
  const steps = [...base.steps]
  const issues: Array<Issue> = []
  ext.changes.forEach((change, i) => {
    const issue = applyChange(steps, change, `changes[${i}]`)
    if (issue !== undefined) issues.push(issue)
  })
  if (issues.length > 0) return Result.fail(new TemplateInvalid({ templateId: ext.id, issues }))
  const marketRole = ext.marketRole ?? base.marketRole
  const description = ext.description ?? base.description
  const metadata = ext.metadata === undefined ? base.metadata : mergeConfig(base.metadata ?? {}, ext.metadata)
  const composed: Template = {
    schemaVersion: 1,
    id: ext.id,
    version: ext.version,
    name: ext.name,
    ...(description === undefined ? {} : { description }),
    ...(marketRole === undefined ? {} : { marketRole }),
    extends: { id: base.id, version: base.version },
    steps,
    ...(metadata === undefined ? {} : { metadata })
  }
  return validateTemplate(composed, registry)
}

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
import { checkJsonValue } from "./internal/guard.js"
import { decodeWithIssues } from "./internal/issues.js"
import { Identifier, type Json, type JsonObject, JsonObject as JsonObjectSchema } from "./Json.js"
import { defaultLimits, type Limits } from "./Limits.js"
import type { HandlerRegistry } from "./StepHandler.js"
import { Step, Template, TemplateRef } from "./Template.js"
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
 * - `patch` — set the step's name, description, next, routes, timeout, retry, compensation or deadlines.
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
    // The patchable fields are the step's own optional fields, so the two can never drift apart.
    name: Step.fields.name,
    description: Step.fields.description,
    next: Step.fields.next,
    routes: Step.fields.routes,
    timeoutMs: Step.fields.timeoutMs,
    retry: Step.fields.retry,
    compensation: Step.fields.compensation,
    deadlines: Step.fields.deadlines
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
  schemaVersion: Template.fields.schemaVersion,
  id: Template.fields.id,
  version: Template.fields.version,
  name: Template.fields.name,
  description: Template.fields.description,
  marketRole: Template.fields.marketRole,
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
    const current = Object.hasOwn(out, key) ? out[key] : undefined
    if (value === null) delete out[key]
    else
      set(out, key, isObject(value) && current !== undefined && isObject(current) ? mergeConfig(current, value) : value)
  }
  return out
}

// An own data property even for `__proto__` (parsed JSON may carry it), never a prototype change.
const set = (target: Record<string, Json>, key: string, value: Json): void => {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

const isObject = (value: Json): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Where a composed step's definition, config and fields come from, as paths into the inputs. */
interface Origin {
  /** `base.steps[j]`, `changes[i].steps[k]` or `changes[i].step`. */
  readonly path: string
  /** The `configure` changes merged into its config, in order. */
  readonly configured: ReadonlyArray<{ readonly change: number; readonly config: JsonObject }>
  /** The `patch` changes applied to it, in order, with the fields each one set. */
  readonly patched: ReadonlyArray<{ readonly change: number; readonly fields: ReadonlyArray<string> }>
}

interface Slot {
  readonly step: Step
  readonly origin: Origin
}

const fresh = (step: Step, path: string): Slot => ({ step, origin: { path, configured: [], patched: [] } })

const applyChange = (slots: Array<Slot>, change: Change, index: number): Issue | undefined => {
  const path = `changes[${index}]`
  const at = (id: string): number => slots.findIndex((s) => s.step.id === id)
  const missing = (field: string, id: string): Issue => ({
    path: `${path}.${field}`,
    message: `step "${id}" is not in the template being extended`
  })
  const added = (steps: ReadonlyArray<Step>): Array<Slot> => steps.map((step, k) => fresh(step, `${path}.steps[${k}]`))
  switch (change.op) {
    case "insertBefore": {
      const i = at(change.before)
      if (i < 0) return missing("before", change.before)
      slots.splice(i, 0, ...added(change.steps))
      return undefined
    }
    case "insertAfter": {
      const i = at(change.after)
      if (i < 0) return missing("after", change.after)
      slots.splice(i + 1, 0, ...added(change.steps))
      return undefined
    }
    case "append":
      slots.push(...added(change.steps))
      return undefined
    case "replace": {
      const i = at(change.stepId)
      if (i < 0) return missing("stepId", change.stepId)
      slots[i] = fresh(change.step, `${path}.step`)
      return undefined
    }
    case "remove": {
      const i = at(change.stepId)
      if (i < 0) return missing("stepId", change.stepId)
      slots.splice(i, 1)
      return undefined
    }
    case "configure": {
      const i = at(change.stepId)
      const slot = slots[i]
      if (slot === undefined) return missing("stepId", change.stepId)
      slots[i] = {
        step: { ...slot.step, config: mergeConfig(slot.step.config, change.config) },
        origin: { ...slot.origin, configured: [...slot.origin.configured, { change: index, config: change.config }] }
      }
      return undefined
    }
    case "patch": {
      const i = at(change.stepId)
      const slot = slots[i]
      if (slot === undefined) return missing("stepId", change.stepId)
      const { op: _, stepId: __, ...fields } = change
      slots[i] = {
        step: { ...slot.step, ...fields },
        origin: { ...slot.origin, patched: [...slot.origin.patched, { change: index, fields: Object.keys(fields) }] }
      }
      return undefined
    }
  }
}

/** `.fields.vat[2].pattern` → `["fields", "vat", 2, "pattern"]`. */
const segments = (path: string): ReadonlyArray<string | number> =>
  [...path.matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] === undefined ? (m[1] as string) : Number(m[2])))

/** Whether `path` exists in `value` (a `configure` change that set it is where its value comes from). */
const hasPath = (value: Json, path: ReadonlyArray<string | number>): boolean => {
  let current: Json | undefined = value
  for (const key of path) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, key)) return false
    current = (current as { readonly [k: string]: Json })[key]
  }
  return true
}

/**
 * Re-addresses an issue of the composed template (`steps[3].config.fields.vat.pattern`) to where
 * the faulty value comes from in the inputs: the extension's `changes[i]...` (the change that
 * inserted, replaced, configured or patched it) or the base's `base.steps[j]...`.
 */
const locate = (issue: Issue, slots: ReadonlyArray<Slot>): Issue => {
  if (issue.path === "steps") return { path: "changes", message: `${issue.message} (in the composed template's steps)` }
  const match = /^steps\[(\d+)\](.*)$/.exec(issue.path)
  const slot = match === null ? undefined : slots[Number(match[1])]
  if (match === null || slot === undefined) return issue
  const rest = match[2] as string
  const message = `${issue.message} (composed template: ${issue.path})`
  const config = /^\.config((?:\.|\[).*)?$/.exec(rest)
  if (config !== null) {
    const inner = config[1] ?? ""
    const keys = segments(inner)
    for (let k = slot.origin.configured.length - 1; k >= 0; k--) {
      const configured = slot.origin.configured[k] as Origin["configured"][number]
      if (keys.length > 0 && hasPath(configured.config, keys)) {
        return { path: `changes[${configured.change}].config${inner}`, message }
      }
    }
    return { path: `${slot.origin.path}${rest}`, message }
  }
  const field = /^\.([A-Za-z]+)/.exec(rest)?.[1]
  if (field !== undefined) {
    for (let k = slot.origin.patched.length - 1; k >= 0; k--) {
      const patched = slot.origin.patched[k] as Origin["patched"][number]
      if (patched.fields.includes(field)) return { path: `changes[${patched.change}]${rest}`, message }
    }
  }
  return { path: `${slot.origin.path}${rest}`, message }
}

/**
 * Composes an extension onto its base and validates the result against the registry.
 *
 * Every issue's path points into the inputs, where the faulty value is written: problems of the
 * extension itself and of the steps, config and fields it brings are reported under
 * `changes[i]...` (e.g. `changes[2].steps[0].config.fields.vat.pattern`, or
 * `changes[1].config.fields.vat.pattern` for a `configure`); problems of a base step the changes
 * left untouched under `base.steps[j]...` (e.g. a `next` that names a removed step). The message
 * ends with the path in the composed template (`(composed template: steps[3].next)`).
 *
 * @since 0.1.0
 * @category composition
 */
export const compose = <R>(
  base: Template,
  extension: unknown,
  registry: HandlerRegistry<R>,
  limits: Limits = defaultLimits
): Result.Result<Template, TemplateInvalid> => {
  const extensionId =
    typeof extension === "object" &&
    extension !== null &&
    typeof (extension as { id?: unknown }).id === "string" &&
    (extension as { id: string }).id.length <= 200
      ? (extension as { id: string }).id
      : "(unknown)"
  const problem = checkJsonValue(extension, limits, "")
  if (problem !== undefined) return Result.fail(new TemplateInvalid({ templateId: extensionId, issues: [problem] }))
  const decoded = decodeWithIssues(TemplateExtension, extension, "")
  if (Result.isFailure(decoded))
    return Result.fail(new TemplateInvalid({ templateId: extensionId, issues: decoded.failure }))
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
  const slots = base.steps.map((step, j) => fresh(step, `base.steps[${j}]`))
  const issues: Array<Issue> = []
  ext.changes.forEach((change, i) => {
    const issue = applyChange(slots, change, i)
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
    steps: slots.map((slot) => slot.step),
    ...(metadata === undefined ? {} : { metadata })
  }
  return Result.mapError(
    validateTemplate(composed, registry, limits),
    (error) =>
      new TemplateInvalid({ templateId: error.templateId, issues: error.issues.map((issue) => locate(issue, slots)) })
  )
}

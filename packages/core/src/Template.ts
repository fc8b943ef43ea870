/**
 * Workflow templates: versioned, immutable once published, an ordered graph of steps.
 *
 * A step names its handler by `type` and carries the handler's `config`. After a step completes,
 * the first of its `routes` whose condition holds decides the next step; otherwise `next`; otherwise
 * the following step in the list. `next: "$end"` (or being last) ends the step sequence, which moves
 * the instance to `AWAITING_VALIDATION`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Condition, evaluate } from "./Condition.js"
import { Duration } from "./Duration.js"
import { Identifier, type Json, JsonObject } from "./Json.js"

/**
 * The marker for "no further step".
 *
 * @since 0.1.0
 * @category templates
 */
export const END = "$end"

/**
 * How a failed step is retried: at most `maxAttempts` attempts in all (reaching it fails the
 * workflow). An automatic or deferred step whose attempt failed with a retryable error is run again
 * by the engine after `initialDelayMs * backoffFactor^(attempt-1)`, capped at `maxDelayMs`, less a
 * random share of up to `jitter` of it (drawn from Effect's `Random`, so seeded tests are
 * deterministic); see `retryDelay`. Defaults: 1 s, factor 2, cap 1 h, jitter 0.2.
 *
 * @since 0.1.0
 * @category templates
 */
export const RetryPolicy = Schema.Struct({
  maxAttempts: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 100 })),
  initialDelayMs: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 86_400_000 }))),
  backoffFactor: Schema.optionalKey(Schema.Finite.check(Schema.isBetween({ minimum: 1, maximum: 100 }))),
  maxDelayMs: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 30 * 86_400_000 }))),
  jitter: Schema.optionalKey(Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 })))
})

/**
 * A retry policy.
 *
 * @since 0.1.0
 * @category templates
 */
export type RetryPolicy = typeof RetryPolicy.Type

/**
 * A conditional route: when `when` holds on the completed step's data, go to `to`.
 *
 * @since 0.1.0
 * @category templates
 */
export const Route = Schema.Struct({
  when: Condition,
  to: Schema.NonEmptyString
})

/**
 * A conditional route.
 *
 * @since 0.1.0
 * @category templates
 */
export type Route = typeof Route.Type

/**
 * What rolling back over a completed step does: `handler` runs the step handler's `compensate`
 * (the default when it has one), `none` records the compensation without side effects.
 *
 * @since 0.1.0
 * @category templates
 */
export const Compensation = Schema.Struct({
  strategy: Schema.Literals(["handler", "none"]),
  config: Schema.optionalKey(JsonObject)
})

/**
 * A step's compensation setting.
 *
 * @since 0.1.0
 * @category templates
 */
export type Compensation = typeof Compensation.Type

/**
 * What happens when a deadline passes:
 *
 * - `notify` — queue a message (kind `topic`, default `deadline`) in the outbox, with `payload`;
 * - `pause` — pause the workflow (nothing more when it is paused already);
 * - `fail` — fail the workflow;
 * - `route` — make step `to` the current step (the workflow keeps its status).
 *
 * @since 0.1.0
 * @category deadlines
 */
export const Escalation = Schema.Union([
  Schema.Struct({
    kind: Schema.Literal("notify"),
    topic: Schema.optionalKey(Identifier),
    payload: Schema.optionalKey(JsonObject)
  }),
  Schema.Struct({ kind: Schema.Literal("pause"), reason: Schema.optionalKey(Schema.String) }),
  Schema.Struct({ kind: Schema.Literal("fail"), reason: Schema.optionalKey(Schema.String) }),
  Schema.Struct({ kind: Schema.Literal("route"), to: Identifier, reason: Schema.optionalKey(Schema.String) })
])

/**
 * An escalation.
 *
 * @since 0.1.0
 * @category deadlines
 */
export type Escalation = typeof Escalation.Type

/**
 * What a deadline counts from: the moment its step became current (`"entered"`, the default), a
 * date in a step's data (`{ step, path }`, e.g. the guarantee's `expiresOn`) or in the instance's
 * metadata (`{ metadata: path }`). Dates are ISO-8601 dates or instants.
 *
 * @since 0.1.0
 * @category deadlines
 */
export const DeadlineAnchor = Schema.Union([
  Schema.Literal("entered"),
  Schema.Struct({ step: Identifier, path: Schema.NonEmptyString.check(Schema.isMaxLength(200)) }),
  Schema.Struct({ metadata: Schema.NonEmptyString.check(Schema.isMaxLength(200)) })
])

/**
 * A deadline anchor.
 *
 * @since 0.1.0
 * @category deadlines
 */
export type DeadlineAnchor = typeof DeadlineAnchor.Type

/**
 * A deadline of a step: due `offset` after its anchor (a negative offset is before it), escalating
 * when it passes while the step is current.
 *
 * @example
 * ```ts
 * import type { Deadline } from "@workflow-manager/core"
 *
 * // invite to the portal within 2 days; remind 90 days before the guarantee expires
 * const deadlines: ReadonlyArray<Deadline> = [
 *   { id: "invite", offset: "P2D", escalation: { kind: "notify" } },
 *   {
 *     id: "renewal",
 *     from: { step: "guarantee", path: "expiresOn" },
 *     offset: "-P90D",
 *     escalation: { kind: "notify", topic: "guarantee-renewal" }
 *   }
 * ]
 * ```
 *
 * @since 0.1.0
 * @category deadlines
 */
export const Deadline = Schema.Struct({
  id: Identifier,
  offset: Duration,
  from: Schema.optionalKey(DeadlineAnchor),
  escalation: Escalation
})

/**
 * A deadline.
 *
 * @since 0.1.0
 * @category deadlines
 */
export type Deadline = typeof Deadline.Type

/**
 * One step of a template.
 *
 * @since 0.1.0
 * @category templates
 */
export const Step = Schema.Struct({
  id: Identifier,
  type: Schema.NonEmptyString,
  name: Schema.optionalKey(Schema.String),
  description: Schema.optionalKey(Schema.String),
  config: JsonObject,
  next: Schema.optionalKey(Schema.NonEmptyString),
  routes: Schema.optionalKey(Schema.Array(Route)),
  timeoutMs: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThan(0))),
  retry: Schema.optionalKey(RetryPolicy),
  compensation: Schema.optionalKey(Compensation),
  deadlines: Schema.optionalKey(Schema.Array(Deadline).check(Schema.isMaxLength(20)))
})

/**
 * A step definition.
 *
 * @since 0.1.0
 * @category templates
 */
export type Step = typeof Step.Type

/**
 * A reference to a published template version.
 *
 * @since 0.1.0
 * @category templates
 */
export const TemplateRef = Schema.Struct({
  id: Identifier,
  version: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
})

/**
 * A template reference.
 *
 * @since 0.1.0
 * @category templates
 */
export type TemplateRef = typeof TemplateRef.Type

/**
 * A workflow template (stored shape, `schemaVersion` 1).
 *
 * @since 0.1.0
 * @category templates
 */
export const Template = Schema.Struct({
  schemaVersion: Schema.Literal(1),
  id: Identifier,
  version: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  name: Schema.NonEmptyString,
  description: Schema.optionalKey(Schema.String),
  marketRole: Schema.optionalKey(Schema.NonEmptyString),
  extends: Schema.optionalKey(TemplateRef),
  steps: Schema.Array(Step).check(Schema.isMinLength(1)),
  metadata: Schema.optionalKey(JsonObject)
})

/**
 * A workflow template.
 *
 * @since 0.1.0
 * @category templates
 */
export type Template = typeof Template.Type

/**
 * The `$id` of the template format's JSON Schema ({@link templateJsonSchema}).
 *
 * @since 0.1.0
 * @category templates
 */
export const TEMPLATE_SCHEMA_ID = "urn:workflow-manager:template:1"

/**
 * The JSON Schema (draft 2020-12) of the template format, for editors and other tools; shipped as
 * `@workflow-manager/core/template.schema.json`. It checks the shape only (handler configs are open
 * objects): `validateTemplate` remains the authority.
 *
 * @since 0.1.0
 * @category templates
 */
export const templateJsonSchema = (): { readonly [key: string]: unknown } => {
  const document = Schema.toJsonSchemaDocument(Template)
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: TEMPLATE_SCHEMA_ID,
    ...document.schema,
    title: "Workflow Manager template",
    description:
      "A versioned workflow template (schemaVersion 1): an ordered graph of steps, each naming its handler by `type` " +
      "with handler-specific `config`, optional `next`/`routes` (conditions as data), timeout, retry policy, compensation and deadlines.",
    ...(Object.keys(document.definitions).length > 0 ? { $defs: document.definitions } : {})
  }
}

/**
 * The id of the first step.
 *
 * @since 0.1.0
 * @category templates
 */
export const firstStepId = (template: Template): string => (template.steps[0] as Step).id

/**
 * Finds a step by id.
 *
 * @since 0.1.0
 * @category templates
 */
export const findStep = (template: Template, stepId: string): Step | undefined =>
  template.steps.find((step) => step.id === stepId)

/**
 * The step that follows `stepId` once it completed with `data`, or `null` at the end.
 * `dataOf` reads other steps' data for routes that name a `step`.
 *
 * @since 0.1.0
 * @category templates
 */
export const nextStepId = (
  template: Template,
  stepId: string,
  data: Json,
  dataOf: (step: string) => Json | undefined = () => undefined
): string | null => {
  const index = template.steps.findIndex((step) => step.id === stepId)
  const step = template.steps[index]
  if (step === undefined) return null
  const route = step.routes?.find((r) => evaluate(r.when, (s) => (s === undefined || s === stepId ? data : dataOf(s))))
  const target = route?.to ?? step.next ?? template.steps[index + 1]?.id ?? END
  return target === END ? null : target
}

/**
 * The ids of the steps a step can lead to (routes, `next` or the following step), `END` included.
 *
 * @since 0.1.0
 * @category templates
 */
export const successors = (template: Template, index: number): ReadonlyArray<string> => {
  const step = template.steps[index]
  if (step === undefined) return []
  const targets = (step.routes ?? []).map((r) => r.to)
  targets.push(step.next ?? template.steps[index + 1]?.id ?? END)
  return [...new Set(targets)]
}

/**
 * Everywhere a step can move the workflow: its {@link successors} and the steps its deadlines
 * route to (an escalation of kind `route`).
 *
 * @since 0.1.0
 * @category templates
 */
export const moves = (template: Template, index: number): ReadonlyArray<string> => {
  const routed = (template.steps[index]?.deadlines ?? []).flatMap((d) =>
    d.escalation.kind === "route" ? [d.escalation.to] : []
  )
  return routed.length === 0 ? successors(template, index) : [...new Set([...successors(template, index), ...routed])]
}

/**
 * The ids of the steps that can have completed when the step `stepId` runs: those whose completion
 * leads, by some path of the template ({@link moves}: routes, `next`, the following step, deadlines
 * that route), to it. A step on a cycle through `stepId` precedes it (it may run again); a step
 * reached only after it, with no way back, never does. Empty when the template has no such step.
 *
 * @example
 * ```ts
 * import { stepsBefore } from "@workflow-manager/core"
 *
 * // which steps' data an approval step may name in its `approves`
 * // stepsBefore(template, "approval").has("company") === true
 * ```
 *
 * @since 0.1.0
 * @category templates
 */
export const stepsBefore = (template: Template, stepId: string): ReadonlySet<string> => {
  const indexOf = new Map<string, number>()
  template.steps.forEach((step, i) => {
    if (!indexOf.has(step.id)) indexOf.set(step.id, i)
  })
  const target = indexOf.get(stepId)
  if (target === undefined) return new Set()
  const from: Array<Array<number>> = template.steps.map(() => [])
  template.steps.forEach((_, i) => {
    for (const id of moves(template, i)) {
      const j = indexOf.get(id)
      if (j !== undefined) from[j]?.push(i)
    }
  })
  // every step from which the target can be reached, each visited once
  const reaching = new Set<number>([target])
  const stack = [target]
  while (stack.length > 0) {
    for (const i of from[stack.pop() as number] ?? []) {
      if (!reaching.has(i)) {
        reaching.add(i)
        stack.push(i)
      }
    }
  }
  // the first move of the path is the step's completion
  const before = new Set<string>()
  template.steps.forEach((step, i) => {
    if (successors(template, i).some((id) => reaching.has(indexOf.get(id) ?? -1))) before.add(step.id)
  })
  return before
}

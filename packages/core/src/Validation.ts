/**
 * Template validation: shape, unique step ids, known targets, reachability, no dead ends, known
 * handler types and handler config — each problem named by its exact path
 * (`steps[3].config.fields.vat.pattern`).
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import type { Condition } from "./Condition.js"
import { type Issue, TemplateInvalid } from "./DomainError.js"
import { checkJsonValue } from "./internal/guard.js"
import { decodeWithIssues } from "./internal/issues.js"
import { defaultLimits, type Limits } from "./Limits.js"
import type { AnyStepHandler, HandlerRegistry } from "./StepHandler.js"
import { END, moves, type Step, Template } from "./Template.js"

/** The nesting depth of a condition (a comparison is 1). */
const conditionDepth = (condition: Condition): number => {
  if ("all" in condition) return 1 + Math.max(0, ...condition.all.map(conditionDepth))
  if ("any" in condition) return 1 + Math.max(0, ...condition.any.map(conditionDepth))
  if ("not" in condition) return 1 + conditionDepth(condition.not)
  return 1
}

const conditionSteps = (condition: Condition, path: string, out: Array<{ step: string; path: string }>): void => {
  if ("all" in condition) {
    for (const [i, c] of condition.all.entries()) conditionSteps(c, `${path}.all[${i}]`, out)
  } else if ("any" in condition) {
    for (const [i, c] of condition.any.entries()) conditionSteps(c, `${path}.any[${i}]`, out)
  } else if ("not" in condition) conditionSteps(condition.not, `${path}.not`, out)
  else if (condition.step !== undefined) out.push({ step: condition.step, path: `${path}.step` })
}

/** A handler's `checkStep` issues, at `steps[i].` paths; a throwing or malformed check is an issue too. */
const stepIssues = (
  handler: AnyStepHandler,
  config: unknown,
  step: Step,
  template: Template,
  i: number
): ReadonlyArray<Issue> => {
  const at = (path: string) => (path === "" ? `steps[${i}]` : `steps[${i}].${path}`)
  try {
    const found = handler.checkStep?.({ config, step, index: i, template }) ?? []
    if (!Array.isArray(found)) throw new TypeError("checkStep did not return an array of issues")
    return found.map((issue: Issue) =>
      typeof issue?.path === "string" && typeof issue.message === "string"
        ? { path: at(issue.path), message: issue.message }
        : { path: at(""), message: `the ${step.type} handler's checkStep returned a malformed issue` }
    )
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return [{ path: at(""), message: `the ${step.type} handler failed checking the step: ${reason.slice(0, 200)}` }]
  }
}

/**
 * The graph problems of a well-shaped template (no handler checks).
 *
 * @since 0.1.0
 * @category validation
 */
export const graphIssues = (template: Template): ReadonlyArray<Issue> => {
  const issues: Array<Issue> = []
  const index = new Map<string, number>()
  template.steps.forEach((step, i) => {
    if (index.has(step.id)) {
      issues.push({
        path: `steps[${i}].id`,
        message: `duplicate step id "${step.id}" (also steps[${index.get(step.id)}])`
      })
    } else index.set(step.id, i)
  })
  template.steps.forEach((step, i) => {
    if (step.next !== undefined && step.next !== END && !index.has(step.next)) {
      issues.push({ path: `steps[${i}].next`, message: `unknown step "${step.next}"` })
    }
    const deadlines = new Set<string>()
    step.deadlines?.forEach((deadline, j) => {
      const path = `steps[${i}].deadlines[${j}]`
      if (deadlines.has(deadline.id))
        issues.push({ path: `${path}.id`, message: `duplicate deadline id "${deadline.id}"` })
      deadlines.add(deadline.id)
      if (deadline.escalation.kind === "route" && !index.has(deadline.escalation.to)) {
        issues.push({ path: `${path}.escalation.to`, message: `unknown step "${deadline.escalation.to}"` })
      }
      const from = deadline.from
      if (typeof from === "object" && "step" in from && !index.has(from.step)) {
        issues.push({ path: `${path}.from.step`, message: `unknown step "${from.step}"` })
      }
    })
    step.routes?.forEach((route, j) => {
      if (route.to !== END && !index.has(route.to)) {
        issues.push({ path: `steps[${i}].routes[${j}].to`, message: `unknown step "${route.to}"` })
      }
      const refs: Array<{ step: string; path: string }> = []
      conditionSteps(route.when, `steps[${i}].routes[${j}].when`, refs)
      for (const ref of refs)
        if (!index.has(ref.step)) issues.push({ path: ref.path, message: `unknown step "${ref.step}"` })
    })
  })
  if (issues.length > 0) return issues
  // Reachability from the first step, and co-reachability of the end (deadlines that route count).
  const edges = template.steps.map((_, i) => moves(template, i))
  const reached = new Set<string>()
  const stack = [template.steps[0]?.id as string]
  while (stack.length > 0) {
    const id = stack.pop() as string
    if (reached.has(id) || id === END) continue
    reached.add(id)
    stack.push(...(edges[index.get(id) as number] ?? []))
  }
  const reachesEnd = new Set<string>()
  let changed = true
  while (changed) {
    changed = false
    template.steps.forEach((step, i) => {
      if (!reachesEnd.has(step.id) && (edges[i] ?? []).some((t) => t === END || reachesEnd.has(t))) {
        reachesEnd.add(step.id)
        changed = true
      }
    })
  }
  template.steps.forEach((step, i) => {
    if (!reached.has(step.id)) {
      issues.push({ path: `steps[${i}]`, message: `step "${step.id}" is unreachable from the first step` })
    } else if (!reachesEnd.has(step.id)) {
      issues.push({ path: `steps[${i}]`, message: `step "${step.id}" is a dead end: no path from it reaches the end` })
    }
  })
  return issues
}

/**
 * Validates an unknown value as a template against a handler registry and the limits: checks it is
 * JSON within the size and depth limits (before anything recurses into it), decodes the shape,
 * checks the number of steps and the depth of route conditions, the graph, the deadlines, the
 * handler types and each step's config against its handler's `configSchema`. Returns every problem
 * found, each with its path.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateTemplate = <R>(
  input: unknown,
  registry: HandlerRegistry<R>,
  limits: Limits = defaultLimits
): Result.Result<Template, TemplateInvalid> => {
  const templateId =
    typeof input === "object" &&
    input !== null &&
    typeof (input as { id?: unknown }).id === "string" &&
    (input as { id: string }).id.length <= 200
      ? (input as { id: string }).id
      : "(unknown)"
  const problem = checkJsonValue(input, limits, "")
  if (problem !== undefined) return Result.fail(new TemplateInvalid({ templateId, issues: [problem] }))
  const decoded = decodeWithIssues(Template, input, "")
  if (Result.isFailure(decoded)) return Result.fail(new TemplateInvalid({ templateId, issues: decoded.failure }))
  const template = decoded.success
  if (template.steps.length > limits.maxSteps) {
    return Result.fail(
      new TemplateInvalid({
        templateId,
        issues: [
          { path: "steps", message: `has ${template.steps.length} steps, above the limit of ${limits.maxSteps}` }
        ]
      })
    )
  }
  const deep: Array<Issue> = []
  template.steps.forEach((step, i) => {
    step.routes?.forEach((route, j) => {
      const depth = conditionDepth(route.when)
      if (depth > limits.maxConditionDepth) {
        deep.push({
          path: `steps[${i}].routes[${j}].when`,
          message: `is nested ${depth} levels deep, above the limit of ${limits.maxConditionDepth}`
        })
      }
    })
  })
  if (deep.length > 0) return Result.fail(new TemplateInvalid({ templateId, issues: deep }))
  const issues: Array<Issue> = [...graphIssues(template)]
  template.steps.forEach((step, i) => {
    const handler = registry.get(step.type)
    if (handler === undefined) {
      issues.push({
        path: `steps[${i}].type`,
        message: `unknown step handler type "${step.type}" (known: ${registry.types.join(", ") || "none"})`
      })
      return
    }
    const config = decodeWithIssues(handler.configSchema, step.config, `steps[${i}].config`, { closed: true })
    if (Result.isFailure(config)) issues.push(...config.failure)
    else if (handler.checkStep !== undefined) issues.push(...stepIssues(handler, config.success, step, template, i))
  })
  return issues.length > 0 ? Result.fail(new TemplateInvalid({ templateId, issues })) : Result.succeed(template)
}

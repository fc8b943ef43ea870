/**
 * The approval step checked against its whole template when the template is validated (the
 * handler's `checkStep`): `approves` names steps of the template that come before this one, and the
 * `rejected` and `changes_requested` outcomes are both routed — a decision the template does not
 * route would carry on to the step's `next` as if approved.
 */
import { END, type Issue, Step, stepsBefore, type Template } from "@workflow-manager/core"
import { Schema } from "effect"
import type { ApprovalConfig } from "../ApprovalConfig.js"
import type { ApprovalOutcome } from "../ApprovalRecord.js"
import { routesOutcome } from "./outcomeRoutes.js"
import { isConfig } from "./readable.js"

/** What the check reads of a step (its config is the handler's, decoded apart). */
const Routing = Schema.Struct({
  id: Step.fields.id,
  next: Step.fields.next,
  routes: Step.fields.routes,
  deadlines: Step.fields.deadlines
})
const isStep = Schema.is(Routing)
const isTemplate = Schema.is(Schema.Struct({ steps: Schema.Array(Routing) }))

/** The outcomes that must be routed, and what to route them to. */
const routed: ReadonlyArray<readonly [ApprovalOutcome, string]> = [
  ["rejected", `a rejection would carry on to "{next}" as if approved (route it to a closing step or to "${END}")`],
  [
    "changes_requested",
    `a request for changes would carry on to "{next}" as if approved (route it back to the step to correct)`
  ]
]

const approvesIssues = (config: ApprovalConfig, template: Template, index: number): ReadonlyArray<Issue> => {
  const self = template.steps[index]?.id
  const ids = new Set(template.steps.map((s) => s.id))
  const before = stepsBefore(template, template.steps[index]?.id ?? "")
  return (config.approves ?? []).flatMap((id, j): ReadonlyArray<Issue> => {
    const path = `config.approves[${j}]`
    if (id === self) return [{ path, message: "an approval step cannot approve its own decisions" }]
    if (!ids.has(id)) return [{ path, message: `the template has no step "${id}"` }]
    if (!before.has(id)) {
      return [
        {
          path,
          message: `step "${id}" never completes before this step: no path of the template leads from it here, so it has no data to approve`
        }
      ]
    }
    return []
  })
}

const routeIssues = (step: Step, template: Template, index: number): ReadonlyArray<Issue> => {
  const next = step.next ?? template.steps[index + 1]?.id ?? END
  return routed.flatMap(
    ([outcome, consequence]): ReadonlyArray<Issue> =>
      routesOutcome(step, outcome)
        ? []
        : [{ path: "routes", message: `no route for the outcome "${outcome}": ${consequence.replace("{next}", next)}` }]
  )
}

const unreadable: ReadonlyArray<Issue> = [
  { path: "", message: "the approval handler's checkStep was called with a config, step or template it cannot read" }
]

/** The issues of an approval step in its template, at paths relative to the step. */
export const approvalStepIssues = (args: unknown): ReadonlyArray<Issue> => {
  try {
    const { config, step, template } = (typeof args === "object" && args !== null ? args : {}) as {
      readonly [key: string]: unknown
    }
    if (!isConfig(config) || !isStep(step) || !isTemplate(template)) return unreadable
    // what the checks read of them (ids, next, routes, deadlines) is checked: read them as such
    const { steps } = template as Template
    const found = steps.indexOf(step as Step)
    const index = found >= 0 ? found : steps.findIndex((s) => s.id === step.id)
    if (index < 0) return [{ path: "", message: `step "${step.id}" is not in the template it is checked against` }]
    return [
      ...approvesIssues(config, template as Template, index),
      ...routeIssues(step as Step, template as Template, index)
    ]
  } catch {
    // a template too deep to walk (a direct call: the engine bounds templates before checking them)
    return unreadable
  }
}

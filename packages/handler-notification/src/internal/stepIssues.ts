/**
 * The notification step checked against its whole template when the template is validated (the
 * handler's `checkStep`): every `{{steps.<id>…}}` variable — in an address, the subject, the text,
 * the html or the JSON body — names a step of the template whose completion can lead to this step.
 * A variable naming a step the template does not have, a step only reached after this one with no
 * way back, or this step itself when nothing leads back to it, could never have a value when the
 * step runs: the step would fail with `MissingVariable` every time it runs for the first time.
 */
import { type Issue, type Json, Step, stepsBefore, type Template } from "@workflow-manager/core"
import { Schema } from "effect"
import { NotificationConfig } from "../NotificationConfig.js"
import { parseTemplate } from "./template.js"

/** What the check reads of a step (its config is decoded apart). */
const Routing = Schema.Struct({
  id: Step.fields.id,
  next: Step.fields.next,
  routes: Step.fields.routes,
  deadlines: Step.fields.deadlines
})
const isStep = Schema.is(Routing)
const isTemplate = Schema.is(Schema.Struct({ steps: Schema.Array(Routing) }))
const isConfig = Schema.is(NotificationConfig)
const isText = Schema.is(Schema.String)

/** A `{{steps.<id>…}}` variable and the config path of the field it is written in. */
interface StepVariable {
  readonly path: string
  readonly source: string
  readonly stepId: string
}

const variablesIn = (text: string, path: string): ReadonlyArray<StepVariable> => {
  const parts = parseTemplate(text)
  if (typeof parts === "string") return []
  const seen = new Set<string>()
  const found: Array<StepVariable> = []
  for (const part of parts) {
    if (typeof part === "string" || part.path[0] !== "steps" || seen.has(part.source)) continue
    seen.add(part.source)
    found.push({ path, source: part.source, stepId: part.path[1] as string })
  }
  return found
}

/** A key of a body path as core writes it: an index-like key as `[1]`, any other as `.key`. */
const keyPath = (path: string, key: string | number): string =>
  typeof key === "number" || /^\d+$/u.test(key) ? `${path}[${key}]` : `${path}.${key}`

/** The variables of a JSON body template, depth first in key order (its depth is bounded by the config's check). */
const bodyVariables = (value: Json, path: string): ReadonlyArray<StepVariable> => {
  if (isText(value)) return variablesIn(value, path)
  if (Array.isArray(value)) return value.flatMap((item, i) => bodyVariables(item, keyPath(path, i)))
  if (typeof value === "object" && value !== null) {
    return Object.keys(value).flatMap((key) =>
      bodyVariables((value as { readonly [k: string]: Json })[key] as Json, keyPath(path, key))
    )
  }
  return []
}

const variablesOf = (config: NotificationConfig): ReadonlyArray<StepVariable> => [
  ...(config.to ?? []).flatMap((r, k) =>
    r.address === undefined ? [] : variablesIn(r.address, `config.to[${k}].address`)
  ),
  ...(["subject", "text", "html"] as const).flatMap((key) => {
    const text = config[key]
    return text === undefined ? [] : variablesIn(text, `config.${key}`)
  }),
  ...(config.body === undefined ? [] : bodyVariables(config.body, "config.body"))
]

const problem = (variable: StepVariable, self: string, ids: ReadonlySet<string>, before: ReadonlySet<string>) => {
  const { source, stepId } = variable
  if (!ids.has(stepId)) return `{{${source}}}: the template has no step "${stepId}"`
  if (before.has(stepId)) return undefined
  return stepId === self
    ? `{{${source}}} names this step itself, which has no data when it runs: no path of the template leads from it back to it`
    : `{{${source}}}: step "${stepId}" never completes before this step (no path of the template leads from it here), so the variable could never have a value`
}

const unreadable: ReadonlyArray<Issue> = [
  {
    path: "",
    message: "the notification handler's checkStep was called with a config, step or template it cannot read"
  }
]

/** The issues of a notification step in its template, at paths relative to the step. */
export const notificationStepIssues = (args: unknown): ReadonlyArray<Issue> => {
  try {
    const { config, step, template } = (typeof args === "object" && args !== null ? args : {}) as {
      readonly [key: string]: unknown
    }
    if (!isConfig(config) || !isStep(step) || !isTemplate(template)) return unreadable
    // what the check reads of them (ids, next, routes, deadlines) is checked: read them as such
    const { steps } = template as Template
    const found = steps.indexOf(step as Step)
    const index = found >= 0 ? found : steps.findIndex((s) => s.id === step.id)
    if (index < 0) return [{ path: "", message: `step "${step.id}" is not in the template it is checked against` }]
    const ids = new Set(steps.map((s) => s.id))
    const before = stepsBefore(template as Template, steps[index]?.id ?? "")
    return variablesOf(config).flatMap((variable): ReadonlyArray<Issue> => {
      const message = problem(variable, step.id, ids, before)
      return message === undefined ? [] : [{ path: variable.path, message }]
    })
  } catch {
    // a template too deep to walk (a direct call: the engine bounds templates before checking them)
    return unreadable
  }
}

/**
 * What a client draws from a template: its Mermaid flowchart (core's `toMermaid`), each form step's
 * JSON Schema (the form handler's `formJsonSchema`, for a UI to render the form and check it the
 * way the server does) and what a rollback over each step does.
 *
 * @since 0.1.0
 */
import { type Step, type Template, toMermaid } from "@workflow-manager/core"
import { type FormConfig, formJsonSchema } from "@workflow-manager/handler-form"
import { Result } from "effect"
import { compensationOf } from "./rollbackPlan.ts"
import type { Resolver } from "./shared.ts"

/**
 * The JSON Schema of a form step's config; `null` for any other step (and for a form config the
 * handler refuses, which publication never lets through).
 *
 * @since 0.1.0
 * @category resolvers
 */
export const formSchemaOf = (step: Pick<Step, "type" | "config">): unknown => {
  if (step.type !== "form") return null
  const schema = formJsonSchema(step.config as unknown as FormConfig)
  return Result.isSuccess(schema) ? schema.success : null
}

/**
 * The resolvers of `Template.mermaid` and of `TemplateStep`'s derived fields.
 *
 * @since 0.1.0
 * @category resolvers
 */
export const templateViewResolvers = {
  Template: {
    mermaid: (template: Template) => toMermaid(template)
  } satisfies Record<string, Resolver<Template, never>>,
  TemplateStep: {
    formSchema: (step: Step) => formSchemaOf(step),
    compensation: (step: Step) => compensationOf(step)
  } satisfies Record<string, Resolver<Step, never>>
}

/**
 * The `notification` step handler. Automatic: the engine runs it as the system actor when its step
 * becomes current. It renders the step's templates against the instance and queues **one** outbox
 * message (kind `notification`, key `config.key` or `notification`) in the step's commit; it sends
 * nothing itself — `deliverNotifications` does, later, through the channel's transport.
 *
 * The message id is `${context.idempotencyKey}:${key}`: every run of one attempt (a replay, a
 * retried commit, a concurrent run) queues the same id, which the outbox stores once.
 *
 * Variables: `{{steps.<stepId>.data.<key>...}}` (a step's output; also `.completedAt`,
 * `.completedBy`), `{{metadata.<key>...}}` (the instance metadata), `{{instance.<field>}}` (`id`,
 * `tenantId`, `templateId`, `templateVersion`, `marketRole`, `createdAt`, `createdBy`). Syntax and
 * paths are checked when the template is published, and so (`checkStep`) is every step a variable
 * names: a step of the template whose completion can lead to this step — not a step the template
 * does not have, not one only reached after this one, not this step unless a path leads back to it.
 * A variable with no value (absent or `null`)
 * when the step runs fails the step (`STEP_FAILED`, code `MissingVariable`, not retryable, every
 * missing path named) and queues nothing; so does a value that is not text (an object) in a text
 * template (`NotText`), a rendered subject with a line break (`HeaderInjection`) and a rendered
 * address that is not a plain address (`InvalidAddress`).
 *
 * @since 0.1.0
 */
import {
  completeStep,
  defineStepHandler,
  type Json,
  StepHandlerError,
  type WorkflowState
} from "@workflow-manager/core"
import { Effect, Schema } from "effect"
import { addressProblem, headerProblem } from "./internal/address.js"
import { renderJson } from "./internal/jsonTemplate.js"
import { notificationStepIssues } from "./internal/stepIssues.js"
import { escapeHtml, type Parts, parseTemplate, type Rendered, renderText } from "./internal/template.js"
import { NOTIFICATION_KIND, type NotificationPayload } from "./Notification.js"
import { NotificationConfig, type Recipient } from "./NotificationConfig.js"

/** The largest rendered text, html or body (UTF-16 code units / JSON characters). */
const MAX_RENDERED = 512 * 1024

/** The scope templates are rendered against. */
const scopeOf = (state: WorkflowState): Json => ({
  steps: Object.fromEntries(
    Object.entries(state.stepStates).map(([id, step]) => [
      id,
      {
        ...(step.data === undefined ? {} : { data: step.data }),
        ...(step.completedAt === undefined ? {} : { completedAt: step.completedAt }),
        ...(step.completedBy === undefined ? {} : { completedBy: step.completedBy })
      }
    ])
  ),
  metadata: state.metadata,
  instance: {
    id: state.instanceId,
    tenantId: state.tenantId,
    templateId: state.templateId,
    templateVersion: state.templateVersion,
    marketRole: state.marketRole,
    createdAt: state.createdAt,
    createdBy: state.createdBy
  }
})

const failure = (code: string, message: string) => new StepHandlerError({ message, code, retryable: false })

class Renderer {
  readonly missing = new Set<string>()
  readonly notText = new Set<string>()
  readonly problems: Array<{ code: string; message: string }> = []
  constructor(readonly scope: Json) {}

  note<A>(rendered: Rendered<A>): A | undefined {
    if (rendered.ok) return rendered.value
    for (const m of rendered.missing) this.missing.add(m)
    for (const n of rendered.notText) this.notText.add(n)
    return undefined
  }

  text(template: string, encode?: (text: string) => string): string | undefined {
    // the config was checked at publication: a parse failure here means a hand-made config
    const parts: Parts | string = parseTemplate(template)
    if (typeof parts === "string") {
      this.problems.push({ code: "InvalidTemplate", message: parts })
      return undefined
    }
    return this.note(renderText(parts, this.scope, encode))
  }

  sized<A>(field: string, value: A | undefined): A | undefined {
    if (
      value !== undefined &&
      (typeof value === "string" ? value.length : JSON.stringify(value).length) > MAX_RENDERED
    ) {
      this.problems.push({
        code: "TooLarge",
        message: `the rendered ${field} is larger than ${MAX_RENDERED} characters`
      })
    }
    return value
  }

  error(): StepHandlerError | undefined {
    if (this.missing.size > 0) {
      return failure("MissingVariable", `no value for ${[...this.missing].map((m) => `{{${m}}}`).join(", ")}`)
    }
    if (this.notText.size > 0) {
      return failure("NotText", `not a text value: ${[...this.notText].map((m) => `{{${m}}}`).join(", ")}`)
    }
    const first = this.problems[0]
    return first === undefined ? undefined : failure(first.code, first.message)
  }
}

const render = (config: NotificationConfig, state: WorkflowState, stepId: string) => {
  const r = new Renderer(scopeOf(state))
  const to = config.to?.map((recipient): Recipient => {
    if (recipient.role !== undefined) return { role: recipient.role }
    const address = r.text(recipient.address ?? "")
    if (address !== undefined) {
      const problem = addressProblem(address)
      if (problem !== undefined) r.problems.push({ code: "InvalidAddress", message: problem })
    }
    return { address: address ?? "" }
  })
  const subject = config.subject === undefined ? undefined : r.text(config.subject)
  if (subject !== undefined) {
    const problem = headerProblem(subject)
    if (problem !== undefined) r.problems.push({ code: "HeaderInjection", message: `the subject ${problem}` })
  }
  const text = r.sized("text", config.text === undefined ? undefined : r.text(config.text))
  const html = r.sized("html", config.html === undefined ? undefined : r.text(config.html, escapeHtml))
  const body = r.sized("body", config.body === undefined ? undefined : r.note(renderJson(config.body, r.scope)))
  const error = r.error()
  if (error !== undefined) return Effect.fail(error)
  const payload: NotificationPayload = {
    schemaVersion: 1,
    channel: config.channel,
    stepId,
    ...(to === undefined ? {} : { to }),
    ...(subject === undefined ? {} : { subject }),
    ...(text === undefined ? {} : { text }),
    ...(html === undefined ? {} : { html }),
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(body === undefined ? {} : { body })
  }
  return Effect.succeed(payload)
}

/**
 * The `notification` step handler (automatic). Register it with the engine; configure a step with
 * a `NotificationConfig`. Its `checkStep` refuses, when the template is published, a
 * `{{steps.<id>…}}` variable naming a step the template does not have or one that never completes
 * before this step (issue at the field, `config.text`, `config.body.company`).
 *
 * @example
 * ```ts
 * import { createEngine, makeMemoryStorage } from "@workflow-manager/core"
 * import { notificationHandler } from "@workflow-manager/handler-notification"
 *
 * const storage = makeMemoryStorage()
 * const engine = await createEngine({ stores: storage.layer, handlers: [notificationHandler] })
 * // a template step:
 * // { id: "notify-ops", type: "notification", config: {
 * //     channel: "email", to: [{ role: "market_ops" }],
 * //     subject: "New BRP application: {{steps.company.data.legalName}}",
 * //     text: "{{steps.company.data.legalName}} ({{steps.company.data.vat}}) applied." } }
 * ```
 *
 * @since 0.1.0
 * @category handler
 */
export const notificationHandler = defineStepHandler({
  type: "notification",
  description: "Queues an e-mail, a webhook call or a message on a deployer's channel, once per attempt",
  automatic: true,
  configSchema: NotificationConfig,
  checkStep: (args) => notificationStepIssues(args),
  inputSchema: Schema.Null,
  execute: ({ config, context }) =>
    Effect.map(render(config, context.state, context.stepId), (payload) => {
      const key = config.key ?? NOTIFICATION_KIND
      return completeStep(
        { notification: { id: `${context.idempotencyKey}:${key}`, channel: config.channel } },
        { messages: [{ key, kind: NOTIFICATION_KIND, payload }] }
      )
    })
})

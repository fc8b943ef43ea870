/**
 * The config of a `notification` step: which channel, to whom, and the message templates. Checked
 * when the template is published: template syntax, variable paths, channel requirements, unknown
 * keys, CR/LF in a subject and addresses that are not plain `local@domain` are all issues with
 * their exact paths (`steps[2].config.subject`).
 *
 * @since 0.1.0
 */
import { Identifier, type Json } from "@workflow-manager/core"
import { Schema } from "effect"
import { addressProblem, headerProblem } from "./internal/address.js"
import { checkJsonTemplate } from "./internal/jsonTemplate.js"
import { parseTemplate } from "./internal/template.js"

const isTemplate = Schema.makeFilter<string>(
  (text) => {
    const parts = parseTemplate(text)
    return typeof parts === "string" ? parts : true
  },
  { expected: "a message template ({{steps.<stepId>.data.<key>}}, {{metadata.<key>}}, {{instance.<field>}})" }
)

const isHeaderText = Schema.makeFilter<string>((text) => headerProblem(text) ?? true, {
  expected: "a single line of text"
})

const isAddressTemplate = Schema.makeFilter<string>(
  (text) => {
    const parts = parseTemplate(text)
    if (typeof parts === "string") return parts
    // a literal address is checked now; one with placeholders when the step runs
    return parts.every((p) => typeof p === "string") ? (addressProblem(text) ?? true) : true
  },
  { expected: "an e-mail address (local@domain), or a placeholder that holds one" }
)

/**
 * A channel name: `email`, `webhook`, or the name of a channel a deployer adds with its own
 * transport (lower-case letters, digits, `_` and `-`, up to 64).
 *
 * @since 0.1.0
 * @category config
 */
export const ChannelName = Schema.String.check(
  Schema.isPattern(/^[a-z][a-z0-9_-]{0,63}$/u, { expected: "a channel name such as email, webhook or slack" })
)

const RoleName = Schema.String.check(
  Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/u, { expected: "a role name such as market_ops" })
)

const AddressTemplate = Schema.String.check(Schema.isMaxLength(500), isAddressTemplate)

/**
 * A struct that refuses keys it does not know (a typo such as `subjet` is an issue, not ignored).
 */
const closed = <F extends Schema.Struct.Fields>(fields: F) =>
  Schema.StructWithRest(Schema.Struct(fields), [Schema.Record(Schema.String, Schema.Unknown)]).check(
    Schema.makeFilter<{ readonly [key: string]: unknown }>((value) => {
      const unknown = Object.keys(value).filter((key) => !Object.hasOwn(fields, key))
      return unknown.length === 0
        ? true
        : unknown.map((key) => ({ path: [key], issue: `unknown key (known: ${Object.keys(fields).join(", ")})` }))
    })
  )

/**
 * A recipient: `{ role }` — the members of a role, resolved at delivery by the deployer's
 * `Recipients` directory — or `{ address }` — a plain `local@domain` address, or a placeholder
 * holding one (`{{steps.contacts.data.email}}`, checked when the step runs). Exactly one of the two.
 *
 * @since 0.1.0
 * @category config
 */
export const Recipient = closed({
  role: Schema.optionalKey(RoleName),
  address: Schema.optionalKey(AddressTemplate)
}).check(
  Schema.makeFilter<{ readonly role?: string; readonly address?: string }>((r) =>
    (r.role === undefined) === (r.address === undefined) ? "a recipient has either a role or an address" : true
  )
)

/**
 * A recipient (`role` or `address`).
 *
 * @since 0.1.0
 * @category config
 */
export interface Recipient {
  readonly role?: string
  readonly address?: string
}

/** The most recipient entries a step may name. */
const MAX_RECIPIENTS = 50

interface Fields {
  readonly channel: string
  readonly to?: ReadonlyArray<Recipient>
  readonly subject?: string
  readonly text?: string
  readonly html?: string
  readonly endpoint?: string
  readonly body?: Json
}

const channelRules = (
  config: Fields
): ReadonlyArray<{ readonly path: ReadonlyArray<string>; readonly issue: string }> => {
  const issues: Array<{ path: ReadonlyArray<string>; issue: string }> = []
  const need = (key: keyof Fields, why: string) => {
    if (config[key] === undefined) issues.push({ path: [key], issue: why })
  }
  const refuse = (key: keyof Fields) => {
    if (config[key] !== undefined) issues.push({ path: [key], issue: `is not used by the ${config.channel} channel` })
  }
  if (config.channel === "email") {
    need("to", "an e-mail needs recipients")
    need("subject", "an e-mail needs a subject")
    if (config.text === undefined && config.html === undefined) {
      issues.push({ path: ["text"], issue: "an e-mail needs a text or an html body" })
    }
    refuse("endpoint")
    refuse("body")
  } else if (config.channel === "webhook") {
    need("endpoint", "a webhook names one of the deployer's endpoints")
    need("body", "a webhook needs a JSON body template")
    for (const key of ["to", "subject", "text", "html"] as const) refuse(key)
  } else if (config.text === undefined && config.html === undefined && config.body === undefined) {
    issues.push({ path: ["text"], issue: `the ${config.channel} channel needs a text, html or body` })
  }
  return issues
}

const isNotificationConfig = Schema.makeFilter<Fields>(
  (config) => {
    const issues: Array<{ path: ReadonlyArray<string | number>; issue: string }> = [...channelRules(config)]
    if (config.body !== undefined) {
      const problem = checkJsonTemplate(config.body)
      if (problem !== undefined) issues.push({ path: ["body", ...problem.path], issue: problem.message })
    }
    return issues.length === 0 ? true : issues
  },
  { expected: "a notification step config" }
)

/**
 * The config of a `notification` step.
 *
 * | key | channels | meaning |
 * | --- | --- | --- |
 * | `channel` | all | `email`, `webhook` or a deployer's channel name |
 * | `key` | all | the outbox message key (default `notification`) |
 * | `to` | email (required), custom | 1–50 recipients, `{ role }` or `{ address }` |
 * | `subject` | email (required), custom | one line of text, a template |
 * | `text`, `html` | email (one required), custom | bodies, templates (values HTML-escaped in `html`) |
 * | `endpoint` | webhook (required), custom | the name of a deployer-configured endpoint |
 * | `body` | webhook (required), custom | a JSON template |
 *
 * @since 0.1.0
 * @category config
 */
export const NotificationConfig = closed({
  channel: ChannelName,
  key: Schema.optionalKey(Identifier),
  to: Schema.optionalKey(Schema.Array(Recipient).check(Schema.isMinLength(1), Schema.isMaxLength(MAX_RECIPIENTS))),
  subject: Schema.optionalKey(Schema.String.check(Schema.isMaxLength(998), isHeaderText, isTemplate)),
  text: Schema.optionalKey(Schema.String.check(Schema.isMaxLength(100_000), isTemplate)),
  html: Schema.optionalKey(Schema.String.check(Schema.isMaxLength(100_000), isTemplate)),
  endpoint: Schema.optionalKey(
    Schema.String.check(Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/u, { expected: "an endpoint name" }))
  ),
  body: Schema.optionalKey(Schema.Json)
}).check(isNotificationConfig)

/**
 * A decoded notification step config.
 *
 * @since 0.1.0
 * @category config
 */
export type NotificationConfig = typeof NotificationConfig.Type

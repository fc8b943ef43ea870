/**
 * The docs generator every pack shares: a pack and a configuration → Markdown with, per template,
 * its `toMermaid` diagram and a table of its steps — fields, approvers, deadlines and where each
 * step leads. Each pack's test regenerates `docs/templates/<pack>.md` and fails when the committed
 * file differs.
 *
 * @since 0.1.0
 */
import {
  type Deadline,
  describeCondition,
  type Json,
  type JsonObject,
  type Step,
  type Template,
  type TemplateInvalid,
  type TemplatePack,
  toMermaid
} from "@workflow-manager/core"
import { Result } from "effect"
import { buildTemplates } from "./internal/buildTemplates.js"

/**
 * What to put around the generated tables.
 *
 * @since 0.1.0
 * @category docs
 */
export interface PackDocsOptions {
  /** The configuration to document the pack with (decoded by the pack's schema, defaults applied). */
  readonly config?: unknown
  /** The page's title (default: the pack's name). */
  readonly title?: string
  /** Paragraphs under the title. */
  readonly intro?: ReadonlyArray<string>
  /** Notes listed before the templates (e.g. how working days are stated). */
  readonly notes?: ReadonlyArray<string>
}

/**
 * The note every pack with deadlines states: durations are calendar days, since core has no
 * working-day calendar yet.
 *
 * @since 0.1.0
 * @category docs
 */
export const calendarDaysNote =
  "Deadlines are stated in calendar days: core has no working-day or banking-day calendar yet. Where DOMAIN.md " +
  "counts working or banking days, the pack's default uses the same number of calendar days, so an escalation " +
  "fires early rather than late; configure a longer duration to allow for weekends and holidays."

const cell = (text: string): string => text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ")
const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const strings = (value: Json | undefined): ReadonlyArray<string> =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []

/** `company.headOffice.postcode`, `contacts[].email` … with `*` when required and the validator. */
const fieldLines = (fields: Json | undefined, prefix: string, depth: number): ReadonlyArray<string> => {
  if (!isObject(fields) || depth > 8) return []
  return Object.entries(fields).flatMap(([name, field]) => {
    if (!isObject(field)) return []
    const path = `${prefix}${name}`
    const type = typeof field.type === "string" ? field.type : "?"
    const marks = [
      field.required === true ? "required" : undefined,
      typeof field.validator === "string" ? field.validator : undefined,
      type === "enum" ? strings(field.values).join("/") : undefined
    ].filter((m): m is string => m !== undefined && m !== "")
    const line = `${code(path)} ${type}${marks.length > 0 ? ` (${marks.join(", ")})` : ""}`
    if (type === "object") return [line, ...fieldLines(field.fields, `${path}.`, depth + 1)]
    if (type === "array" && isObject(field.item)) {
      const item = field.item
      const bounds = `${typeof field.min === "number" ? field.min : 0}–${typeof field.max === "number" ? field.max : "…"}`
      const head = `${code(path)} list of ${bounds}${field.required === true ? " (required)" : ""}`
      return item.type === "object"
        ? [head, ...fieldLines(item.fields, `${path}[].`, depth + 1)]
        : [head, ...fieldLines({ item }, `${path}[].`, depth + 1)]
    }
    return [line]
  })
}

const settings = (step: Step): string => {
  const c = step.config
  switch (step.type) {
    case "form":
      return fieldLines(c.fields, "", 0).join("<br>")
    case "notification": {
      const to = Array.isArray(c.to)
        ? c.to.flatMap((r) =>
            isObject(r) ? [typeof r.role === "string" ? `role ${r.role}` : `address ${String(r.address)}`] : []
          )
        : []
      return `${String(c.channel)}${to.length > 0 ? ` to ${to.join(", ")}` : ""}: ${code(String(c.subject ?? c.endpoint ?? ""))}`
    }
    case "api-call":
      return `${String(c.method)} ${code(String(c.url))}${c.run === "deferred" ? " (deferred)" : ""}${
        isObject(c.compensate) ? `; on rollback ${String(c.compensate.method)} ${code(String(c.compensate.url))}` : ""
      }`
    default:
      return ""
  }
}

const approvers = (step: Step): string => {
  if (step.type !== "approval") return ""
  const c = step.config
  const parts = [
    `roles ${strings(c.approverRoles).join(", ")}`,
    ...(Array.isArray(c.approvers) ? [`only users ${strings(c.approvers).join(", ")}`] : []),
    `quorum ${typeof c.quorum === "number" ? c.quorum : 1}`,
    c.fourEyes === false ? "no four-eyes" : "four-eyes"
  ]
  if (Array.isArray(c.approves)) parts.push(`approves ${strings(c.approves).join(", ")}`)
  return parts.join("; ")
}

const UNITS: ReadonlyArray<readonly [RegExp, string]> = [
  [/(\d+)Y/, "year"],
  [/(\d+)M(?![^T]*T)/, "month"],
  [/(\d+)W/, "week"],
  [/(\d+)D/, "calendar day"],
  [/T.*?(\d+)H/, "hour"]
]

/** `-P3M` → "3 months before", `P2D` → "2 calendar days after". */
const human = (offset: string): string => {
  const negative = offset.startsWith("-")
  const date = offset.replace(/^-?P/, "").split("T")[0] ?? ""
  const parts = UNITS.flatMap(([pattern, unit]) => {
    const source = unit === "hour" ? offset : date
    const n = pattern.exec(source)?.[1]
    return n === undefined || Number(n) === 0 ? [] : [`${n} ${unit}${Number(n) === 1 ? "" : "s"}`]
  })
  if (parts.length === 0) return "at"
  return `${parts.join(" ")} ${negative ? "before" : "after"}`
}

const deadline = (d: Deadline): string => {
  const from =
    d.from === undefined || d.from === "entered"
      ? "the step's start"
      : "step" in d.from
        ? code(`${d.from.step}.${d.from.path}`)
        : code(`metadata.${d.from.metadata}`)
  const e = d.escalation
  const escalation =
    e.kind === "notify"
      ? `notify ${code(e.topic ?? "deadline")}`
      : e.kind === "route"
        ? `route to ${code(e.to)}`
        : e.kind
  return `${code(d.id)}: ${code(d.offset)} = ${human(d.offset)} ${from} → ${escalation}`
}

const leadsTo = (template: Template, index: number): string => {
  const step = template.steps[index] as Step
  const fallback = step.next ?? template.steps[index + 1]?.id ?? "$end"
  const routes = (step.routes ?? []).map((r) => `${describeCondition(r.when)} → ${code(r.to)}`)
  return [...routes, `${routes.length > 0 ? "otherwise " : ""}${code(fallback)}`].join("<br>")
}

/**
 * One template's section: heading, description, Mermaid diagram and the steps table.
 *
 * @since 0.1.0
 * @category docs
 */
export const templateDocs = (template: Template): string => {
  const rows = template.steps.map(
    (step, i) =>
      `| ${i + 1} | ${cell(step.name ?? step.id)}<br>${code(step.id)} | ${cell(step.type)} | ${cell(settings(step))} | ${cell(
        approvers(step)
      )} | ${cell((step.deadlines ?? []).map(deadline).join("<br>"))} | ${cell(leadsTo(template, i))} |`
  )
  return [
    `## ${template.name} (${code(template.id)})`,
    "",
    ...(template.description === undefined ? [] : [template.description, ""]),
    ...(template.marketRole === undefined ? [] : [`Market role: ${template.marketRole}.`, ""]),
    ...(template.extends === undefined ? [] : [`Extends ${code(template.extends.id)}.`, ""]),
    "```mermaid",
    toMermaid(template).trimEnd(),
    "```",
    "",
    "| # | Step | Type | Fields / settings | Approvers | Deadlines | Next |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    ""
  ].join("\n")
}

const stable = (value: unknown): string => JSON.stringify(value, null, 2)

/**
 * A pack's documentation page: title, intro, the configuration it was generated with, notes, then
 * {@link templateDocs} for each template. Fails with `TemplateInvalid` (path `config...`) when the
 * configuration does not decode, or when the pack cannot build its templates.
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { basePack } from "@workflow-manager/templates-base"
 * import { packDocs } from "@workflow-manager/templates-base/docs"
 *
 * const markdown = Result.getOrThrow(packDocs(basePack, { config: { register: { url: "https://register.tso.example/api" } } }))
 * ```
 *
 * @since 0.1.0
 * @category docs
 */
export const packDocs = <Config>(
  pack: TemplatePack<Config>,
  options: PackDocsOptions = {}
): Result.Result<string, TemplateInvalid> => {
  const given = typeof options === "object" && options !== null ? options : {}
  const texts = (value: unknown): ReadonlyArray<string> =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []
  const raw = given.config ?? {}
  const built = buildTemplates(pack, raw)
  if (Result.isFailure(built)) return Result.fail(built.failure)
  const templates = built.success
  return Result.succeed(
    [
      `# ${typeof given.title === "string" ? given.title : pack.name}`,
      "",
      "<!-- Generated from the pack by packDocs (@workflow-manager/templates-base/docs); do not edit by hand. -->",
      "",
      ...texts(given.intro).flatMap((p) => [p, ""]),
      `Pack ${code(pack.name)} ${pack.version}, documented with this configuration:`,
      "",
      "```json",
      stable(raw),
      "```",
      "",
      ...(texts(given.notes).length === 0 ? [] : [...texts(given.notes).map((note) => `- ${note}`), ""]),
      ...templates.map(templateDocs)
    ].join("\n")
  )
}

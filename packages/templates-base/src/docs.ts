/**
 * `@workflow-manager/templates-base/docs` — the docs generator template packs share: a pack and a
 * configuration → Markdown with each template's Mermaid diagram and its steps, fields, approvers
 * and deadlines.
 *
 * @packageDocumentation
 */
export { calendarDaysNote, type PackDocsOptions, packDocs, templateDocs } from "./PackDocs.js"

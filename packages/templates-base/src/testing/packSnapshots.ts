/**
 * Snapshots of a pack's composed templates: one JSON file per template, checked in beside the
 * pack (`snapshots/<id>.json`) and compared by its test, so any change to a template shows in review.
 *
 * @since 0.1.0
 */
import type { TemplateInvalid, TemplatePack } from "@workflow-manager/core"
import { Result } from "effect"
import { buildTemplates } from "../internal/buildTemplates.js"

/**
 * One template's snapshot: its file name (`<id>.json`) and content (2-space JSON, final newline).
 *
 * @since 0.1.0
 * @category testing
 */
export interface TemplateSnapshot {
  readonly id: string
  readonly file: string
  readonly json: string
}

/**
 * The snapshots of the templates a pack builds for `config` (decoded by the pack's schema).
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { expect, it } from "vitest"
 * import { basePack } from "@workflow-manager/templates-base"
 * import { packSnapshots } from "@workflow-manager/templates-base/testing"
 *
 * it("matches the checked-in snapshots", async () => {
 *   for (const s of Result.getOrThrow(packSnapshots(basePack, { register: { url: "https://register.tso.example/api" } }))) {
 *     await expect(s.json).toMatchFileSnapshot(`../snapshots/${s.file}`)
 *   }
 * })
 * ```
 *
 * @since 0.1.0
 * @category testing
 */
export const packSnapshots = <Config>(
  pack: TemplatePack<Config>,
  config?: unknown
): Result.Result<ReadonlyArray<TemplateSnapshot>, TemplateInvalid> =>
  Result.map(buildTemplates(pack, config), (templates) =>
    templates.map((template) => ({
      id: template.id,
      file: `${template.id}.json`,
      json: `${JSON.stringify(template, null, 2)}\n`
    }))
  )

/**
 * Template packs: a named, versioned set of templates built from a configuration — the generic
 * Contract Onboarding and Portfolio Management templates, and one pack per market role that
 * customises them. Publishing a pack with a configuration bakes the configuration into the
 * templates: a template whose definition changed (a new pack version, another configuration) is
 * published as a new template version; a published version never changes, and publishing the same
 * pack with the same configuration again is a no-op.
 *
 * @since 0.1.0
 */
import type { Schema } from "effect"
import type { Template } from "./Template.js"

/**
 * A template pack.
 *
 * @typeParam Config - its decoded configuration (values DOMAIN.md leaves open, with defaults)
 *
 * @since 0.1.0
 * @category packs
 */
export interface TemplatePack<Config = unknown> {
  /** The pack's name, e.g. its npm package name. */
  readonly name: string
  /** The pack's own version (recorded in each template's `metadata.pack`). */
  readonly version: string
  /** Decodes (and defaults) the configuration given to `publishPack`. */
  readonly configSchema: Schema.Decoder<Config>
  /**
   * The templates for a configuration. Their `version` fields are ignored: `publishPack` numbers
   * them after the versions already published.
   */
  readonly templates: (config: Config) => ReadonlyArray<Template>
}

/**
 * Defines a template pack, inferring its configuration type from its schema.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { defineTemplatePack } from "@workflow-manager/core"
 *
 * export const brpPack = defineTemplatePack({
 *   name: "@workflow-manager/templates-brp",
 *   version: "0.1.0",
 *   configSchema: Schema.Struct({ invitationDays: Schema.Int }),
 *   templates: ({ invitationDays }) => [
 *     {
 *       schemaVersion: 1,
 *       id: "brp-onboarding",
 *       version: 1,
 *       name: "BRP onboarding",
 *       marketRole: "BRP",
 *       steps: [
 *         {
 *           id: "company",
 *           type: "form",
 *           config: {},
 *           deadlines: [{ id: "invite", offset: `P${invitationDays}D`, escalation: { kind: "notify" } }]
 *         }
 *       ]
 *     }
 *   ]
 * })
 * ```
 *
 * @since 0.1.0
 * @category packs
 */
export const defineTemplatePack = <Config>(pack: TemplatePack<Config>): TemplatePack<Config> => pack

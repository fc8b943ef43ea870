/**
 * The template store port: published template versions, immutable once published.
 *
 * Guide for adapter authors: publishing an (id, version) that exists succeeds only when the
 * stored definition is identical (a repeated publish is a no-op); a different definition under
 * the same id and version fails with `Conflict`. Templates are shared by all tenants.
 *
 * @since 0.1.0
 */
import { Context, type Effect } from "effect"
import type { StorageError } from "./StorageError.js"
import type { Template } from "./Template.js"

/**
 * What `list` returns for each template version.
 *
 * @since 0.1.0
 * @category templates
 */
export interface TemplateSummary {
  readonly id: string
  readonly version: number
  readonly name: string
  readonly marketRole: string | undefined
}

/**
 * The template store interface.
 *
 * @since 0.1.0
 * @category ports
 */
export interface TemplateStoreService {
  /** Publishes a template version; `Conflict` when that version exists with another definition. */
  readonly publish: (template: Template) => Effect.Effect<void, StorageError>
  /** One version, or `undefined`. */
  readonly get: (id: string, version: number) => Effect.Effect<Template | undefined, StorageError>
  /** The highest published version of a template, or `undefined`. */
  readonly getLatest: (id: string) => Effect.Effect<Template | undefined, StorageError>
  /** Every published version (optionally of one market role), by id then version. */
  readonly list: (filter?: {
    readonly marketRole?: string
  }) => Effect.Effect<ReadonlyArray<TemplateSummary>, StorageError>
}

/**
 * The template store port.
 *
 * @since 0.1.0
 * @category ports
 */
export class TemplateStore extends Context.Service<TemplateStore, TemplateStoreService>()(
  "@workflow-manager/core/TemplateStore"
) {}

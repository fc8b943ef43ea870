/**
 * Per-request DataLoaders: the tenants, templates and instance states a list needs are read in one
 * batch per kind, not once per row. Each loader reads with the actor's own access scope, so
 * row-level security answers what is not the actor's as missing.
 *
 * @since 0.1.0
 */
import { type Actor, accessOf, runPromise, type Template, type WorkflowState } from "@workflow-manager/core"
import type { Tenant } from "@workflow-manager/pg-rls"
import DataLoader from "dataloader"
import type { ApiDeps } from "./context.ts"

/**
 * The loaders of one request.
 *
 * @since 0.1.0
 * @category loaders
 */
export interface Loaders {
  /** Tenants by id; `undefined` when missing or not visible. */
  readonly tenants: DataLoader<string, Tenant | undefined>
  /** Templates by `id@version` (or `id@latest`); `undefined` when there is none. */
  readonly templates: DataLoader<string, Template | undefined>
  /** Instance states by id; `undefined` when missing or not visible. */
  readonly states: DataLoader<string, WorkflowState | undefined>
  /** How many batches each loader ran (read by the tests). */
  readonly batches: { tenants: number; templates: number; states: number }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The key of a template version for {@link Loaders.templates}.
 *
 * @since 0.1.0
 * @category loaders
 */
export const templateKey = (id: string, version?: number | null): string =>
  `${id}@${version === undefined || version === null ? "latest" : String(version)}`

/**
 * The loaders of a request by `actor` (none without an actor: every key answers `undefined`).
 *
 * @since 0.1.0
 * @category loaders
 */
export const makeLoaders = (deps: ApiDeps, actor: Actor | undefined): Loaders => {
  const services = deps.storage.services
  const batches = { tenants: 0, templates: 0, states: 0 }
  const tenants = new DataLoader<string, Tenant | undefined>(async (ids) => {
    batches.tenants++
    if (actor === undefined) return ids.map(() => undefined)
    const access = accessOf(actor)
    const wanted = ids.filter((id) => UUID.test(id))
    if (wanted.length === 0) return ids.map(() => undefined)
    const found =
      wanted.length === 1
        ? [await runPromise(services.tenants.get(access, wanted[0] as string))]
        : await runPromise(services.tenants.list(access))
    const byId = new Map(found.filter((t): t is Tenant => t !== undefined).map((t) => [t.id, t]))
    return ids.map((id) => byId.get(id))
  })
  const templates = new DataLoader<string, Template | undefined>(async (keys) => {
    batches.templates++
    return Promise.all(
      keys.map((key) => {
        const at = key.lastIndexOf("@")
        const id = key.slice(0, at)
        const version = key.slice(at + 1)
        return runPromise(
          version === "latest" ? services.templateStore.getLatest(id) : services.templateStore.get(id, Number(version))
        ).catch(() => undefined)
      })
    )
  })
  const states = new DataLoader<string, WorkflowState | undefined>(async (ids) => {
    batches.states++
    if (actor === undefined) return ids.map(() => undefined)
    const found = await runPromise(services.instanceStore.getMany(accessOf(actor), ids))
    const byId = new Map(found.map((state) => [state.instanceId, state]))
    return ids.map((id) => byId.get(id))
  })
  return { tenants, templates, states, batches }
}

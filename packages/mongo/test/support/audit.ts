/**
 * The tenant-scoping audit: every `find`, `aggregate`, `insert`, `update` and `delete` the adapter
 * sends to its collections (seen through the driver's command monitoring) must filter on the
 * tenant field `t` or on a key that starts with the tenant id (`<tenant>/<instance>#<sequence>`),
 * or insert documents that carry `t`. A tenant-scoped filter names the tenant;
 * a cross-tenant read (operator, system) names `t: { $exists: true }`, and is counted.
 */
import type { CommandStartedEvent, Document, MongoClient } from "mongodb"

const AUDITED = new Set(["find", "aggregate", "insert", "update", "delete"])
/** Templates are shared by every tenant: the one collection without a tenant field. */
const SHARED = new Set(["workflow_templates"])

export interface AuditLog {
  readonly checked: number
  readonly crossTenant: number
  readonly violations: ReadonlyArray<string>
}

/** A key that starts with the tenant id (`<tenant>/...`): a read by it is a read of that tenant's. */
const TENANT_KEY = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}\//

const tenantCondition = (filter: unknown): "tenant" | "all" | undefined => {
  if (filter === null || typeof filter !== "object") return undefined
  const id = (filter as Document)._id
  if (typeof id === "string" && TENANT_KEY.test(id)) return "tenant"
  const t = (filter as Document).t
  if (typeof t === "string" && t.length > 0) return "tenant"
  if (t !== null && typeof t === "object" && Object.keys(t).length === 1 && (t as Document).$exists === true)
    return "all"
  return undefined
}

/** What one command filters on (or inserts), one entry per filter or document. */
const conditionsOf = (name: string, command: Document): ReadonlyArray<"tenant" | "all" | undefined> => {
  switch (name) {
    case "find":
      return [tenantCondition(command.filter)]
    case "aggregate": {
      const first = (command.pipeline as ReadonlyArray<Document> | undefined)?.[0]
      return [tenantCondition(first?.$match)]
    }
    case "insert":
      return (command.documents as ReadonlyArray<Document>).map((d) => (typeof d.t === "string" ? "tenant" : undefined))
    case "update":
      return (command.updates as ReadonlyArray<Document>).map((u) => tenantCondition(u.q))
    case "delete":
      return (command.deletes as ReadonlyArray<Document>).map((d) => tenantCondition(d.q))
    default:
      return []
  }
}

/** Starts auditing a client created with `monitorCommands: true`. */
export const audit = (client: MongoClient) => {
  let checked = 0
  let crossTenant = 0
  const violations: Array<string> = []
  client.on("commandStarted", (event: CommandStartedEvent) => {
    if (!AUDITED.has(event.commandName)) return
    const collection = event.command[event.commandName] as unknown
    if (typeof collection !== "string" || !collection.startsWith("workflow_") || SHARED.has(collection)) return
    for (const condition of conditionsOf(event.commandName, event.command)) {
      checked++
      if (condition === "all") crossTenant++
      if (condition === undefined) {
        violations.push(`${event.commandName} on ${collection}: ${JSON.stringify(event.command).slice(0, 300)}`)
      }
    }
  })
  // MONGO_PROFILE=1: time per kind of command, printed when the file ends
  const profile = new Map<string, { n: number; ms: number }>()
  const kinds = new Map<number, string>()
  if (process.env.MONGO_PROFILE === "1") {
    client.on("commandStarted", (e: CommandStartedEvent) => {
      const filter = (e.command.filter ?? e.command.updates?.[0]?.q ?? e.command.deletes?.[0]?.q ?? {}) as Document
      kinds.set(e.requestId, `${e.commandName} ${String(e.command[e.commandName])} ${Object.keys(filter).join(",")}`)
    })
    client.on("commandSucceeded", (e) => {
      const kind = kinds.get(e.requestId) ?? e.commandName
      const entry = profile.get(kind) ?? { n: 0, ms: 0 }
      entry.n++
      entry.ms += e.duration
      profile.set(kind, entry)
    })
  }
  return {
    log: (): AuditLog => ({ checked, crossTenant, violations: [...violations] }),
    profile: (): string =>
      [...profile.entries()]
        .sort((x, y) => y[1].ms - x[1].ms)
        .slice(0, 15)
        .map(([k, v]) => `${v.n}x ${(v.ms / v.n).toFixed(1)} ms = ${(v.ms / 1000).toFixed(1)} s  ${k}`)
        .join("\n")
  }
}

/**
 * The collections and indexes of the adapter, created when it starts (`createIndexes` is
 * idempotent: an index that exists with the same key and name is left as it is).
 *
 * | collection | index | used by |
 * | --- | --- | --- |
 * | `workflow_events` | `_id` = `<instanceId>#<first sequence>` (unique) | the conflict key of a commit |
 * | `workflow_events` | `tail`: `{ t, i, f: -1 }` | `load`, the expected-version check, reads by range |
 * | `workflow_events` | `by_command`: `{ t, i, c }` | `readByCommand`, a keyed command's replay |
 * | `workflow_events` | `by_time`: `{ t, ca }` | the reconciler, the index read fallback |
 * | `workflow_owners` | `_id` = `<instanceId>` (unique) | which tenant owns an instance id |
 * | `workflow_commands` | `_id` = `<instanceId>/<commandId>` | whether a command id recorded anything (`readByCommand` by `_id`) |
 * | `workflow_projected` | `_id` = a commit's `_id`; `by_instance`: `{ t, i }` | which commits are projected (the reconciler; `lag` merges the markers with the commits in `_id` order) |
 * | `workflow_instances` | `_id` = `<instanceId>#<version>`; `latest`: `{ t, i, v: -1 }` | `InstanceStore` |
 * | `workflow_index` | `_id` = `<instanceId>#<version>`; `latest`: `{ t, i, v: -1 }`; `page`: `{ t, ck, i }`; `due`: `{ t, dk }` | `WorkflowIndex` (MongoDB-only deployments) |
 * | `workflow_templates` | `_id` = `<templateId>#<version>`; `latest`: `{ id, v: -1 }` | `TemplateStore` (MongoDB-only deployments) |
 * | `workflow_outbox` | `_id` = `<tenantId>/<messageId>`; `queue`: `{ t, av, s }`; `by_instance`: `{ t, i }` | the queued messages (`Outbox.claim`; `stats` reads them all in `{ t, m }` order) |
 * | `workflow_outbox_claims` | `_id` = `<tenantId>/<messageId>#<slot>`; `by_message`: `{ t, m }` | claims and settlements of a message (`Outbox`; `stats` reads them all in `{ t, m, k }` order) |
 *
 * Field names: `t` tenant, `i` instance, `f`/`l` first/last sequence of a commit, `c` command ids,
 * `ca` written at, `v` version, `ck`/`uk`/`dk` created/updated/due keys; in the outbox `m` message id,
 * `kd` kind, `s` sequence, `av`/`ak` available at (date / fixed-width key), `k` slot, `n` attempt.
 *
 * @since 0.1.0
 */
import type { Db, IndexDescription } from "mongodb"

/**
 * The collection names.
 *
 * @since 0.1.0
 * @category indexes
 */
export const COLLECTIONS = {
  events: "workflow_events",
  owners: "workflow_owners",
  commands: "workflow_commands",
  projected: "workflow_projected",
  instances: "workflow_instances",
  index: "workflow_index",
  templates: "workflow_templates",
  outbox: "workflow_outbox",
  outboxClaims: "workflow_outbox_claims"
} as const

/**
 * The indexes of each collection (besides the unique `_id`).
 *
 * @since 0.1.0
 * @category indexes
 */
export const INDEXES: { readonly [K in keyof typeof COLLECTIONS]: ReadonlyArray<IndexDescription> } = {
  events: [
    { key: { t: 1, i: 1, f: -1 }, name: "tail" },
    { key: { t: 1, i: 1, c: 1 }, name: "by_command" },
    { key: { t: 1, ca: 1 }, name: "by_time" }
  ],
  owners: [],
  commands: [],
  projected: [{ key: { t: 1, i: 1 }, name: "by_instance" }],
  instances: [{ key: { t: 1, i: 1, v: -1 }, name: "latest" }],
  index: [
    { key: { t: 1, i: 1, v: -1 }, name: "latest" },
    { key: { t: 1, ck: 1, i: 1 }, name: "page" },
    { key: { t: 1, dk: 1 }, name: "due" }
  ],
  templates: [{ key: { id: 1, v: -1 }, name: "latest" }],
  outbox: [
    { key: { t: 1, av: 1, s: 1 }, name: "queue" },
    { key: { t: 1, i: 1 }, name: "by_instance" }
  ],
  outboxClaims: [{ key: { t: 1, m: 1 }, name: "by_message" }]
}

/**
 * Creates every index (idempotent). Run when the adapter starts, or from a deploy script.
 *
 * One `createIndexes` command per index: FerretDB 1.24 drops the connection (a panic, "slice
 * bounds out of range") when one command names two or more indexes that all exist already —
 * which is every start after the first, on SQLite and on PostgreSQL.
 *
 * @example
 * ```ts
 * import { MongoClient } from "mongodb"
 * import { ensureIndexes } from "@workflow-manager/mongo"
 *
 * const client = await new MongoClient("mongodb://127.0.0.1:27017/").connect()
 * await ensureIndexes(client.db("workflows"))
 * ```
 *
 * @since 0.1.0
 * @category indexes
 */
export const ensureIndexes = async (db: Db): Promise<void> => {
  for (const [name, indexes] of Object.entries(INDEXES) as Array<
    [keyof typeof COLLECTIONS, ReadonlyArray<IndexDescription>]
  >) {
    const collection = db.collection(COLLECTIONS[name])
    // one index per command (see above); an index that exists with the same key and name is a no-op
    for (const index of indexes) await collection.createIndexes([index])
    if (indexes.length === 0) await db.createCollection(COLLECTIONS[name]).catch(() => undefined) // exists already: fine
  }
}

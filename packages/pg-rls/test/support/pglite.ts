/**
 * A migrated PGlite instance for a test file. Starting PGlite and migrating costs seconds; a data
 * directory dumped right after the first migration (cached in the OS temp folder, keyed by the
 * migrations' SQL) loads in a fraction of that. `migrations.test.ts` still migrates fresh
 * instances, so the migration path itself is always tested.
 */
import { createHash, randomBytes } from "node:crypto"
import { readFile, rename, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PGlite } from "@electric-sql/pglite"
import { Effect } from "effect"
import { fromPGlite, loadMigrations, migrate, type PGliteLike } from "../../src/index.js"

export const migratedPGlite = async (): Promise<PGlite> => {
  const shipped = await Effect.runPromise(loadMigrations())
  const key = createHash("sha256")
    .update(shipped.map((m) => `${m.version}:${m.sql}`).join("\n"))
    .digest("hex")
    .slice(0, 16)
  const file = join(tmpdir(), `wm-pg-rls-pglite-${key}.tar`)
  const cached = await readFile(file).catch(() => undefined)
  if (cached !== undefined) {
    try {
      return await PGlite.create({ loadDataDir: new Blob([cached]) })
    } catch {
      // a damaged snapshot: build a new one below
    }
  }
  const db = await PGlite.create()
  await Effect.runPromise(migrate(fromPGlite(db as unknown as PGliteLike)))
  const dump = await db.dumpDataDir("none")
  const partial = `${file}.${randomBytes(4).toString("hex")}`
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()))
  await rename(partial, file)
  return db
}

/**
 * Rewrites the marked `ts` blocks of the guides from their regions:
 * `pnpm --filter @workflow-manager/example-embed-in-a-service docs:sync`.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { guides, repositoryRoot, sync } from "./docSnippets.ts"

for (const guide of guides) {
  const path = join(repositoryRoot, guide)
  const before = readFileSync(path, "utf8")
  const after = sync(before)
  if (after !== before) writeFileSync(path, after)
  console.log(`${guide}: ${after === before ? "up to date" : "updated"}`)
}

/**
 * Rewrites the marked `ts` blocks of docs/writing-a-step-handler.md from their regions:
 * `pnpm --filter @acme/handler-bank-guarantee docs:sync`.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { guide, repositoryRoot, sync } from "./guide.ts"

const path = join(repositoryRoot, guide)
const before = readFileSync(path, "utf8")
const after = sync(before)
if (after !== before) writeFileSync(path, after)
console.log(`${guide}: ${after === before ? "up to date" : "updated"}`)

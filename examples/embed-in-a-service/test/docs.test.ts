/**
 * Every TypeScript block of docs/embedding.md and docs/writing-an-adapter.md is a region of code
 * in this example — typechecked by `tsc` and run by the tests. Run `pnpm docs:sync` (in this
 * package) after changing a region.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { blocks, guides, region, repositoryRoot } from "../scripts/docSnippets.ts"

describe.each(guides)("%s", (guide) => {
  const found = blocks(readFileSync(join(repositoryRoot, guide), "utf8"))

  it("has TypeScript blocks, each marked with the region it shows", () => {
    expect(found.length).toBeGreaterThan(0)
    expect(found.filter((b) => b.source === undefined).map((b) => `${guide}:${b.line}`)).toEqual([])
  })

  it("shows each region exactly as it is in the code (else: pnpm docs:sync)", () => {
    for (const block of found) {
      if (block.source === undefined) continue
      expect(block.text, `${guide}:${block.line} (${block.source.file}#${block.source.region})`).toBe(
        region(block.source.file, block.source.region)
      )
    }
  })
})

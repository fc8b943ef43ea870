/**
 * docs/writing-a-step-handler.md cannot drift from this example: every TypeScript block is a region
 * of its code (typechecked, and run by its tests), its package.json block is this package's
 * manifest, and its relative links lead to files that exist. After changing a region, run
 * `pnpm docs:sync` in this package.
 */
import { existsSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { describe, expect, it } from "vitest"
import { blocks, guide, region, repositoryRoot } from "../scripts/guide.ts"

const text = readFileSync(join(repositoryRoot, guide), "utf8")
const found = blocks(text)

describe(guide, () => {
  it("has TypeScript blocks, each marked with the region it shows", () => {
    expect(found.length).toBeGreaterThan(10)
    // a longer fence (a region quoting a Markdown fence) would hide its block from these checks
    expect(text.split("\n").filter((line) => /^````/.test(line))).toEqual([])
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

  it("its package.json block is this package's manifest, key for key", () => {
    const manifest = JSON.parse(readFileSync(join(repositoryRoot, "examples/custom-step-handler/package.json"), "utf8"))
    const block = /<!-- manifest -->\n```json\n([\s\S]*?)\n```/.exec(text)
    expect(block, "a ```json block after <!-- manifest -->").not.toBeNull()
    const shown = JSON.parse(block?.[1] ?? "{}") as Record<string, unknown>
    expect(Object.keys(shown).length).toBeGreaterThan(5)
    for (const [key, value] of Object.entries(shown)) expect(value, key).toEqual(manifest[key])
  })

  it("links to files that exist", () => {
    const links = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1] as string)
    const relative = links.filter((l) => !/^[a-z]+:/.test(l))
    expect(relative.length).toBeGreaterThan(5)
    const missing = relative.filter((l) => !existsSync(join(repositoryRoot, dirname(guide), l)))
    expect(missing).toEqual([])
  })
})

/**
 * Determinism: core's sources read no clock, draw no randomness and do no I/O — time and ids come
 * in through commands (and Effect's Clock/Random services in the engine). Every file under src/ is
 * scanned (comments aside, so docs may name what they forbid).
 */
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const src = resolve(dirname(fileURLToPath(import.meta.url)), "../../src")

const files = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []
  )

/** Source without comments (string contents are kept: `"node:fs"` in an import must be seen). */
const code = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1")

const forbidden: ReadonlyArray<readonly [string, RegExp]> = [
  ["Date.now", /\bDate\s*\.\s*now\b/],
  ["Math.random", /\bMath\s*\.\s*random\b/],
  ["crypto.randomUUID", /\brandomUUID\b/],
  ["new Date() without arguments", /\bnew\s+Date\s*\(\s*\)/],
  ["performance.now", /\bperformance\s*\.\s*now\b/],
  [
    "an I/O module (fs, net, http, child_process)",
    /(?:from\s*|import\s*\(\s*|require\s*\(\s*)["'](?:node:)?(?:fs|fs\/promises|net|http|https|http2|child_process)["']/
  ]
]

describe("determinism of core's sources", () => {
  const all = files(src)

  it("scans every source file", () => {
    expect(all.length).toBeGreaterThan(20)
    expect(all.map((f) => relative(src, f))).toEqual(
      expect.arrayContaining(["Decide.ts", "Evolve.ts", "Saga.ts", "internal/issues.ts"])
    )
  })

  it.each(forbidden)("no file uses %s", (_, pattern) => {
    const offenders = all.flatMap((file) => {
      const lines = code(readFileSync(file, "utf8")).split("\n")
      return lines.flatMap((line, i) => (pattern.test(line) ? [`${relative(src, file)}:${i + 1}: ${line.trim()}`] : []))
    })
    expect(offenders).toEqual([])
  })

  it("the scanner sees what it forbids", () => {
    const sample = [
      'import { readFileSync } from "node:fs"',
      "const t = Date.now()",
      "const r = Math.random()",
      "const id = crypto.randomUUID()",
      "const d = new Date()",
      "const p = performance.now()",
      'const m = await import("child_process")'
    ]
    for (const line of sample)
      expect(
        forbidden.some(([, p]) => p.test(code(line))),
        line
      ).toBe(true)
    for (const line of [
      "// Date.now is forbidden",
      "/* Math.random */",
      'Date.parse("2026-01-01T00:00:00Z")',
      "new Date(ms)"
    ]) {
      expect(
        forbidden.some(([, p]) => p.test(code(line))),
        line
      ).toBe(false)
    }
  })
})

/**
 * Keeps the TypeScript blocks of the guides identical to real, typechecked and tested code.
 *
 * In a guide, a block preceded by `<!-- snippet: <path from the repository root>#<region> -->` is
 * the text between `// #region <region>` and `// #endregion <region>` in that file (dedented).
 * Every `ts` block of a guide must have such a marker.
 */
import { readFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

/** The repository root (this file is `examples/embed-in-a-service/scripts/docSnippets.ts`). */
export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..")

/** The guides whose blocks come from this example. */
export const guides = ["docs/embedding.md", "docs/writing-an-adapter.md"]

const marker = /^<!-- snippet: (\S+)#(\S+) -->$/

/** The text of a region, dedented; throws when the file has no such region. */
export const region = (file: string, name: string): string => {
  const lines = readFileSync(join(repositoryRoot, file), "utf8").split("\n")
  const start = lines.findIndex((line) => line.trim() === `// #region ${name}`)
  const end = lines.findIndex((line, i) => i > start && line.trim() === `// #endregion ${name}`)
  if (start < 0 || end < 0) throw new Error(`${file} has no region ${name}`)
  const body = lines.slice(start + 1, end)
  const indent = Math.min(...body.filter((l) => l.trim() !== "").map((l) => l.length - l.trimStart().length))
  return body.map((l) => l.slice(indent)).join("\n")
}

/** One `ts` block of a guide: where it is, its text, and the region it must equal (if marked). */
export interface Block {
  readonly line: number
  readonly text: string
  readonly source: { readonly file: string; readonly region: string } | undefined
}

/** The `ts` blocks of a guide's text. */
export const blocks = (markdown: string): ReadonlyArray<Block> => {
  const lines = markdown.split("\n")
  const found: Array<Block> = []
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== "```ts") continue
    const end = lines.findIndex((line, j) => j > i && line.trim() === "```")
    const match = marker.exec(lines[i - 1]?.trim() ?? "")
    found.push({
      line: i + 1,
      text: lines.slice(i + 1, end).join("\n"),
      source: match === null ? undefined : { file: match[1] as string, region: match[2] as string }
    })
    i = end
  }
  return found
}

/** The guide's text with every marked block replaced by its region. */
export const sync = (markdown: string): string => {
  const lines = markdown.split("\n")
  const out: Array<string> = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    out.push(line)
    const match = marker.exec(line.trim())
    if (match === null || lines[i + 1]?.trim() !== "```ts") continue
    const end = lines.findIndex((l, j) => j > i + 1 && l.trim() === "```")
    out.push("```ts", region(match[1] as string, match[2] as string), "```")
    i = end
  }
  return out.join("\n")
}

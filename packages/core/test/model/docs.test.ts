/**
 * docs/concepts.md cannot drift from the code: its status diagram is statusMachineMermaid()'s
 * output verbatim, its template example is valid and drawn by toMermaid() verbatim, its extension
 * example composes, and its sequence-4 event table is what the decider records.
 */
import { readFileSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { compose, statusMachineMermaid, type Template, toMermaid, validateTemplate } from "../../src/index.js"
import { pureWorkflow, registry, reviewer, sequence4Template } from "../fixtures/index.js"

const doc = readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), "../../../../docs/concepts.md"), "utf8")
const blocks = (lang: string): ReadonlyArray<string> =>
  [...doc.matchAll(new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, "gm"))].map((m) => m[1] as string)

describe("docs/concepts.md", () => {
  it("draws the status machine with statusMachineMermaid()'s current output, verbatim", () => {
    expect(blocks("mermaid")).toContain(statusMachineMermaid())
  })

  it("its template example is valid and drawn by toMermaid()'s current output, verbatim", () => {
    const template = JSON.parse(blocks("json")[0] as string) as Template
    expect(Result.isSuccess(validateTemplate(template, registry))).toBe(true)
    expect(blocks("mermaid")).toContain(toMermaid(template))
  })

  it("its extension example composes onto the template example", () => {
    const [template, extension] = blocks("json").map((b) => JSON.parse(b))
    const result = compose(template as Template, extension, registry)
    expect(Result.isSuccess(result) && result.success.steps.map((s) => s.id)).toEqual([
      "company-info",
      "portfolio",
      "grid-check",
      "approval",
      "activation"
    ])
  })

  it("its sequence-4 table lists the events the decider records", () => {
    const wf = pureWorkflow(sequence4Template)
    wf.create()
    wf.run("StartWorkflow", {})
    wf.complete("company-info", { companyName: "Engie Belgium", vat: "BE0403170701" })
    wf.complete("portfolio", { accessPoints: "541449000000000001" })
    wf.complete("approval", { decision: "approve" })
    wf.rollback("company-info", reviewer)
    for (const e of wf.events) {
      const row = `| ${e.sequence} | \`${e.type}\` | ${"stepId" in e ? `\`${e.stepId}\`` : ""} | \`${JSON.stringify(e.data)}\` |`
      expect(doc.replace(/ +/g, " ")).toContain(row.replace(/ +/g, " "))
    }
  })
})

/**
 * Diagrams: a template as a Mermaid flowchart and the status machine as a state diagram —
 * checked by the nodes and edges they must contain (no snapshots).
 */
import { describe, expect, it } from "vitest"
import { statusMachineMermaid, type Template, toMermaid } from "../../src/index.js"
import { routedTemplate, sequence4Template } from "../fixtures/index.js"

const lines = (text: string) =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => l.trim())

describe("toMermaid", () => {
  it("draws the seed's sequence-4 template: nodes with names and types, the default path, the end", () => {
    const out = lines(toMermaid(sequence4Template))
    expect(out[0]).toBe("flowchart TD")
    expect(out).toContain('start(["BRP onboarding with approval"])')
    expect(out).toContain('s_company_info["Company information<br/><small>form</small>"]')
    expect(out).toContain('s_approval["Market ops approval<br/><small>approval</small>"]')
    expect(out).toContain("finish([submit for approval])")
    expect(out).toContain("start --> s_company_info")
    expect(out).toContain("s_company_info --> s_portfolio")
    expect(out).toContain("s_portfolio --> s_approval")
    expect(out).toContain("s_approval --> s_activation")
    expect(out).toContain("s_activation --> finish")
    expect(out.filter((l) => l.includes("-->"))).toHaveLength(5)
  })

  it("draws routes as labelled edges and the fallback as 'otherwise'", () => {
    const out = lines(toMermaid(routedTemplate))
    expect(out).toContain('s_company_info -->|"country ≠ #quot;BE#quot;"| s_foreign_docs')
    expect(out).toContain("s_company_info -. otherwise .-> s_portfolio")
    expect(out).toContain('s_metering -->|"kind = #quot;grid-user#quot; and portfolio.accessPoints set"| s_activation')
    expect(out).toContain("s_metering -. otherwise .-> s_approval")
    expect(out).toContain("s_foreign_docs --> s_portfolio")
    expect(out).toContain("s_activation --> finish")
  })

  it("escapes quotes and pipes in labels", () => {
    const t: Template = {
      schemaVersion: 1,
      id: "t",
      version: 1,
      name: 'Say "hi" | bye',
      steps: [{ id: "a.b", type: "form", name: 'A "quoted" step', config: {} }]
    }
    const out = lines(toMermaid(t))
    expect(out).toContain('start(["Say #quot;hi#quot; #124; bye"])')
    expect(out).toContain('s_a_b["A #quot;quoted#quot; step<br/><small>form</small>"]')
  })
})

describe("statusMachineMermaid", () => {
  it("draws exactly the seed's state machine plus reject and a deadline's pause", () => {
    expect(lines(statusMachineMermaid())).toEqual([
      "stateDiagram-v2",
      "[*] --> DRAFT: createWorkflow()",
      "DRAFT --> IN_PROGRESS: startWorkflow()",
      "IN_PROGRESS --> PAUSED: pause()",
      "PAUSED --> IN_PROGRESS: resume()",
      "IN_PROGRESS --> IN_PROGRESS: executeStep()",
      "IN_PROGRESS --> AWAITING_VALIDATION: executeLastStep()",
      "IN_PROGRESS --> FAILED: error",
      "AWAITING_VALIDATION --> SUBMITTED: validate() + submit()",
      "SUBMITTED --> COMPLETED: approve()",
      "SUBMITTED --> IN_PROGRESS: reject()",
      "IN_PROGRESS --> IN_PROGRESS: rollback(toStepId)",
      "PAUSED --> ROLLED_BACK: rollback(toStepId)",
      "ROLLED_BACK --> IN_PROGRESS: resume()",
      "PAUSED --> FAILED: timeout/error",
      "IN_PROGRESS --> PAUSED: deadline",
      "COMPLETED --> [*]",
      "FAILED --> [*]"
    ])
  })
})

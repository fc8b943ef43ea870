/**
 * Diagrams: templates as Mermaid flowcharts (for the template packs' docs) and the status machine
 * as a Mermaid state diagram, both drawn from the same data the engine runs.
 *
 * @since 0.1.0
 */
import { describe } from "./Condition.js"
import { transitions } from "./Decide.js"
import { END, type Template } from "./Template.js"

const nodeId = (stepId: string): string => `s_${stepId.replace(/[^A-Za-z0-9_]/g, "_")}`
const label = (text: string): string => text.replace(/"/g, "#quot;").replace(/\|/g, "#124;")

/**
 * Renders a template as a Mermaid flowchart: one node per step (name and handler type), the
 * default path as solid arrows, conditional routes as labelled arrows, and start and end nodes.
 *
 * @since 0.1.0
 * @category diagrams
 */
export const toMermaid = (template: Template): string => {
  const lines = ["flowchart TD", `  start(["${label(template.name)}"])`]
  for (const step of template.steps) {
    lines.push(`  ${nodeId(step.id)}["${label(step.name ?? step.id)}<br/><small>${label(step.type)}</small>"]`)
  }
  lines.push("  finish([submit for approval])")
  const target = (id: string): string => (id === END ? "finish" : nodeId(id))
  lines.push(`  start --> ${nodeId((template.steps[0] as { id: string }).id)}`)
  template.steps.forEach((step, i) => {
    for (const route of step.routes ?? []) {
      lines.push(`  ${nodeId(step.id)} -->|"${label(describe(route.when))}"| ${target(route.to)}`)
    }
    const fallback = step.next ?? template.steps[i + 1]?.id ?? END
    lines.push(`  ${nodeId(step.id)} ${step.routes?.length ? "-. otherwise .->" : "-->"} ${target(fallback)}`)
  })
  return `${lines.join("\n")}\n`
}

/**
 * Renders the status machine ({@link transitions}) as a Mermaid state diagram.
 *
 * @since 0.1.0
 * @category diagrams
 */
export const statusMachineMermaid = (): string => {
  const lines = ["stateDiagram-v2"]
  const seen = new Set<string>()
  const state = (status: string): string => (status === "NONE" ? "[*]" : status)
  // A self-loop is drawn only when it is the whole operation: the intermediate steps of an operation
  // that ends elsewhere (a rollback from PAUSED ends in ROLLED_BACK) are not edges of the diagram.
  const endsElsewhere = (from: string, label: string): boolean =>
    transitions.some((t) => t.from === from && t.label === label && t.to.some((to) => to !== from))
  for (const t of transitions) {
    for (const to of t.to) {
      if (t.from === to && endsElsewhere(t.from, t.label)) continue
      const edge = `  ${state(t.from)} --> ${to}: ${t.label}`
      if (!seen.has(edge)) {
        seen.add(edge)
        lines.push(edge)
      }
    }
  }
  lines.push("  COMPLETED --> [*]", "  FAILED --> [*]")
  return `${lines.join("\n")}\n`
}

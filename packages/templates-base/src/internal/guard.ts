/** Runs a builder; what it throws that is not already a `TemplateInvalid` (a hostile getter, a proxy) becomes one. */
import { TemplateInvalid } from "@workflow-manager/core"

export const guarded = <A>(what: string, build: () => A): A => {
  try {
    return build()
  } catch (error) {
    if (error instanceof TemplateInvalid) throw error
    throw new TemplateInvalid({
      templateId: `(${what})`,
      issues: [{ path: what, message: `could not be read: ${String(error).slice(0, 200)}` }]
    })
  }
}

/**
 * Conformance: the `TemplateStore` port — published once, immutable, latest and listed.
 */
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { Template } from "../../Template.js"
import { TemplateStore } from "../../TemplateStore.js"
import { conformanceTemplate, uuid } from "../fixtures.js"
import { failureTag, type Harness } from "./context.js"

export const templateStoreCases = (h: Harness): void => {
  describe("TemplateStore", () => {
    it("publishes once: a repeat is a no-op, another definition under the same version conflicts", async () => {
      const t: Template = conformanceTemplate(`immutable-${uuid().slice(0, 8)}`)
      await h.run(Effect.flatMap(TemplateStore, (s) => s.publish(t)))
      expect(await h.inspect.template(t.id, 1)).toEqual(t)
      await h.run(Effect.flatMap(TemplateStore, (s) => s.publish(t)))
      const changed: Template = { ...t, name: "Changed after publication" }
      const result = await h.exit(Effect.flatMap(TemplateStore, (s) => s.publish(changed)))
      expect(failureTag(result)).toBe("Conflict")
      expect(await h.inspect.template(t.id, 1)).toEqual(t)
      const v2: Template = { ...t, version: 2, name: "Second version" }
      await h.run(Effect.flatMap(TemplateStore, (s) => s.publish(v2)))
      expect(await h.run(Effect.flatMap(TemplateStore, (s) => s.get(t.id, 1)))).toEqual(t)
      expect(await h.run(Effect.flatMap(TemplateStore, (s) => s.getLatest(t.id)))).toEqual(v2)
      expect(await h.run(Effect.flatMap(TemplateStore, (s) => s.get(t.id, 3)))).toBeUndefined()
      const listed = await h.run(Effect.flatMap(TemplateStore, (s) => s.list({ marketRole: "BRP" })))
      expect(listed.filter((x) => x.id === t.id)).toEqual([
        { id: t.id, version: 1, name: t.name, marketRole: "BRP" },
        { id: t.id, version: 2, name: v2.name, marketRole: "BRP" }
      ])
    })

    it("gives a template back with its objects' keys in the order they were published", async () => {
      // a form's fields are filled in the order they are written: `zeta` first, whatever sorting says
      const fields = { zeta: { label: "Z" }, a: { label: "A" }, middle: { label: "M" }, bb: { label: "B" } }
      const base = conformanceTemplate(`ordered-${uuid().slice(0, 8)}`)
      const t: Template = {
        ...base,
        steps: base.steps.map((step, i) => (i === 0 ? { ...step, config: { fields, zz: 1, a: 2 } } : step))
      }
      await h.run(Effect.flatMap(TemplateStore, (s) => s.publish(t)))
      for (const read of [
        await h.run(Effect.flatMap(TemplateStore, (s) => s.get(t.id, 1))),
        await h.run(Effect.flatMap(TemplateStore, (s) => s.getLatest(t.id)))
      ]) {
        const config = read?.steps[0]?.config as { fields: object } | undefined
        expect(Object.keys(config ?? {})).toEqual(["fields", "zz", "a"])
        expect(Object.keys(config?.fields ?? {})).toEqual(["zeta", "a", "middle", "bb"])
      }
    })
  })
}

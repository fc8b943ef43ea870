/**
 * The JSON Schema of the template format (what scripts/emit-json-schema.mjs writes to
 * dist/template.schema.json), generated here from the sources: its structure, and — when a JSON
 * Schema validator (Ajv) is present in node_modules — that it accepts the fixture templates and
 * rejects broken ones.
 */
import { existsSync, readdirSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { TEMPLATE_SCHEMA_ID, templateJsonSchema } from "../../src/index.js"
import { routedTemplate, sequence1Template, sequence4Template } from "../fixtures/index.js"

type JsonSchemaObject = { readonly [key: string]: unknown }
const schema = templateJsonSchema() as JsonSchemaObject & {
  properties: {
    steps: {
      type: string
      minItems: number
      items: { type: string; required: ReadonlyArray<string>; properties: Record<string, JsonSchemaObject> }
    }
  }
}

/** An Ajv 2020 constructor, if one is installed (hoisted or in pnpm's store); we do not add one. */
const findAjv2020 = ():
  | (new (
      options: object
    ) => { compile: (s: object) => ((x: unknown) => boolean) & { errors?: unknown } })
  | undefined => {
  const require = createRequire(import.meta.url)
  const load = (path: string) => {
    const mod = require(path) as { default?: unknown }
    return (mod.default ?? mod) as never
  }
  try {
    return load("ajv/dist/2020")
  } catch {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../node_modules/.pnpm")
    if (!existsSync(root)) return undefined
    const candidates = readdirSync(root)
      .filter((d) => /^ajv@8\./.test(d))
      .sort()
      .reverse()
      .map((d) => join(root, d, "node_modules/ajv/dist/2020.js"))
      .filter((p) => existsSync(p))
    return candidates[0] === undefined ? undefined : load(candidates[0])
  }
}

describe("template JSON Schema", () => {
  it("is a draft 2020-12 document with $id, title and description", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema")
    expect(schema.$id).toBe(TEMPLATE_SCHEMA_ID)
    expect(schema.title).toBe("Workflow Manager template")
    expect(typeof schema.description).toBe("string")
    expect(schema.type).toBe("object")
    expect(schema.required).toEqual(["schemaVersion", "id", "version", "name", "steps"])
  })

  it("has a steps array whose items require id, type and config", () => {
    const steps = schema.properties.steps
    expect(steps.type).toBe("array")
    expect(steps.minItems).toBe(1)
    expect(steps.items.type).toBe("object")
    expect(steps.items.required).toEqual(["id", "type", "config"])
    expect(Object.keys(steps.items.properties)).toEqual(
      expect.arrayContaining(["id", "type", "config", "next", "routes", "timeoutMs", "retry", "compensation"])
    )
    // Identifiers carry their pattern; conditions are a recursive definition.
    expect(steps.items.properties.id).toMatchObject({ type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$" })
    expect(schema.$defs).toHaveProperty("Condition")
  })

  it("is plain JSON", () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema)
  })

  const Ajv = findAjv2020()
  it.runIf(Ajv !== undefined)("accepts the fixture templates and rejects broken ones (Ajv, draft 2020-12)", () => {
    const ajv = new (Ajv as NonNullable<typeof Ajv>)({ allErrors: true, strict: false })
    const validate = ajv.compile(schema)
    for (const t of [sequence1Template, sequence4Template, routedTemplate]) {
      expect(validate(JSON.parse(JSON.stringify(t))), JSON.stringify(validate.errors)).toBe(true)
    }
    expect(validate({ ...sequence1Template, steps: [] })).toBe(false)
    expect(validate({ ...sequence1Template, steps: [{ id: "a", config: {} }] })).toBe(false)
    expect(validate({ ...sequence1Template, id: "bad id!" })).toBe(false)
    expect(
      validate({
        ...sequence1Template,
        steps: [{ id: "a", type: "form", config: {}, routes: [{ when: { op: "approx", field: "x" }, to: "b" }] }]
      })
    ).toBe(false)
  })
})

/**
 * Writes dist/template.schema.json: the JSON Schema (draft 2020-12) of the template format, for
 * editors (`"$schema": "./node_modules/@workflow-manager/core/dist/template.schema.json"`) and other
 * tools. Runs after tsup in the package's build script and imports the BUILT package, so the file
 * describes exactly the schema that ships.
 */
import { writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { templateJsonSchema } from "../dist/index.js"

const target = fileURLToPath(new URL("../dist/template.schema.json", import.meta.url))
const schema = templateJsonSchema()
writeFileSync(target, `${JSON.stringify(schema, null, 2)}\n`)
console.log(`emit-json-schema: wrote ${target} (${schema.$id})`)

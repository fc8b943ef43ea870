/**
 * Module hooks for running the package's TypeScript sources in a child Node process (Node strips
 * the types): `./x.js` imports resolve to `./x.ts`, `@workflow-manager/core` to core's `src/`. With
 * `WM_HIDE_PACKAGES=pg,@electric-sql/pglite` those packages resolve as if they were not installed,
 * so a missing optional driver is tested without uninstalling anything.
 *
 *     node --import ./test/support/sourceHooks.ts src/cli.ts --help
 */
import { registerHooks } from "node:module"

const core = new URL("../../../core/src/index.ts", import.meta.url).href
const hidden = new Set((process.env.WM_HIDE_PACKAGES ?? "").split(",").filter((name) => name !== ""))

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (hidden.has(specifier)) {
      throw Object.assign(new Error(`Cannot find package '${specifier}' imported from ${context.parentURL}`), {
        code: "ERR_MODULE_NOT_FOUND"
      })
    }
    if (specifier === "@workflow-manager/core") return { url: core, shortCircuit: true }
    if (specifier.startsWith(".") && specifier.endsWith(".js") && context.parentURL?.endsWith(".ts") === true) {
      try {
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context)
      } catch {
        // a real .js file
      }
    }
    return nextResolve(specifier, context)
  }
})

import { packageProject } from "../vitest.shared.js"

// graphql 17 has a `development` export condition that vitest resolves and Node does not: graphql-http
// goes through vite's resolver too, so that both load the same copy of graphql.
export default packageProject(import.meta.url, {
  testTimeout: 60_000,
  hookTimeout: 120_000,
  server: { deps: { inline: [/graphql-http/] } }
})

import { packageProject } from "../../vitest.shared.js"

// PGlite takes ~5 s to start and the isolation suites run 1,000+ transactions: generous timeouts.
export default packageProject(import.meta.url, { testTimeout: 60_000, hookTimeout: 60_000 })

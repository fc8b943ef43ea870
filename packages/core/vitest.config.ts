import { packageProject } from "../../vitest.shared.js"

// The property tests run 1,000 cases each: on a shared two-core machine under load one can take
// longer than vitest's default 5 s without anything being wrong (a timeout is not a finding).
export default packageProject(import.meta.url, { testTimeout: 30_000 })

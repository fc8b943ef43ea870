import { packageProject } from "../vitest.shared.js"

export default packageProject(import.meta.url, { testTimeout: 60_000, hookTimeout: 120_000 })

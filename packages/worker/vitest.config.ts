import { packageProject } from "../../vitest.shared.js"

export default packageProject(import.meta.url, { testTimeout: 30_000 })

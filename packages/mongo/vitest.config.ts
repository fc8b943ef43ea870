import { packageProject } from "../../vitest.shared.js"

// FerretDB answers in milliseconds but the crash-injection and race files write thousands of documents.
export default packageProject(import.meta.url, { testTimeout: 60_000, hookTimeout: 60_000 })

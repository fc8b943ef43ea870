/**
 * The dashboard's unit tests (`market-ops-dashboard`): its pure modules, in Node. The form checks are
 * compared with the form handler's own (`checkForm`), imported from the workspace's sources.
 */
import { packageProject } from "../../vitest.shared.js"

export default packageProject(import.meta.url, { include: ["test/unit/**/*.test.ts"] })

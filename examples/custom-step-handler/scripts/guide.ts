/**
 * The guide this example holds the code of, and its snippet tooling — the same markers and regions
 * as `examples/embed-in-a-service` (`<!-- snippet: <file>#<region> -->` before a `ts` block).
 */
export { blocks, region, repositoryRoot, sync } from "../../embed-in-a-service/scripts/docSnippets.ts"

/** The guide whose TypeScript blocks are regions of this example. */
export const guide = "docs/writing-a-step-handler.md"

/**
 * Listing workflows (docs/embedding.md, "Listing").
 */
import type { Actor, IndexEntry, PromiseEngine } from "@workflow-manager/core"

// #region listing
/** Every workflow of the actor's tenant awaiting a decision, page by page. */
export const submittedWorkflows = async (engine: PromiseEngine, actor: Actor): Promise<Array<IndexEntry>> => {
  const all: Array<IndexEntry> = []
  let cursor: string | undefined
  do {
    const page = await engine.list({
      actor,
      filter: { status: ["SUBMITTED"], marketRole: "BRP" },
      page: cursor === undefined ? { limit: 100 } : { limit: 100, cursor }
    })
    all.push(...page.items)
    cursor = page.nextCursor
  } while (cursor !== undefined)
  return all
}
// #endregion listing

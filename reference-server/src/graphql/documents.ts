/**
 * A bounded cache of documents that parsed and validated, by their text: a client repeating the
 * same operation (the usual case) skips parsing and validation; the limits, which depend on the
 * variables, are checked on every request all the same.
 *
 * @since 0.1.0
 */
import type { DocumentNode } from "graphql"

/**
 * The cache.
 *
 * @since 0.1.0
 * @category documents
 */
export interface DocumentCache {
  readonly get: (text: string) => DocumentNode | undefined
  readonly set: (text: string, document: DocumentNode) => void
  readonly size: () => number
}

/**
 * A cache of at most `max` documents (least recently used out first) of at most `maxLength`
 * characters each.
 *
 * @example
 * ```ts
 * const cache = makeDocumentCache(500, 10_000)
 * ```
 *
 * @since 0.1.0
 * @category documents
 */
export const makeDocumentCache = (max: number, maxLength: number): DocumentCache => {
  const entries = new Map<string, DocumentNode>()
  return {
    get: (text) => {
      const document = entries.get(text)
      if (document !== undefined) {
        entries.delete(text)
        entries.set(text, document)
      }
      return document
    },
    set: (text, document) => {
      if (max <= 0 || text.length > maxLength) return
      entries.delete(text)
      entries.set(text, document)
      while (entries.size > max) entries.delete(entries.keys().next().value as string)
    },
    size: () => entries.size
  }
}

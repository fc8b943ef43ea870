/**
 * Row helpers shared by the repositories.
 */
import { NotFound, storageError } from "@workflow-manager/core"

/** A `timestamptz` value (a `Date` from both drivers, or text) as an ISO-8601 UTC instant. */
export const instant = (value: unknown): string =>
  (value instanceof Date ? value : new Date(String(value))).toISOString()

export const notFound = (operation: string, entity: string, id: string) =>
  storageError(operation, new NotFound({ message: `${entity} ${id} does not exist or is not visible`, entity, id }))

/**
 * An UPDATE's `SET` list from the fields of a patch that are present (`undefined` = leave as is),
 * with parameters numbered after `offset`.
 */
export const setList = (
  columns: ReadonlyArray<readonly [column: string, value: unknown]>,
  offset: number
): { readonly sql: string; readonly params: ReadonlyArray<unknown> } => {
  const present = columns.filter(([, value]) => value !== undefined)
  return {
    sql: [...present.map(([column], i) => `${column} = $${offset + i + 1}`), "updated_at = now()"].join(", "),
    params: present.map(([, value]) => value)
  }
}

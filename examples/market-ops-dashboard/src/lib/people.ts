/**
 * Who did what, in words: "you", a known user's name (the tenant's users, for those who may list
 * them), else a short form of the id.
 */
import type { User } from "./types.ts"

export type Directory = ReadonlyMap<string, Pick<User, "displayName" | "email" | "role">>

export const directoryOf = (users: ReadonlyArray<User>): Directory => new Map(users.map((user) => [user.id, user]))

/** A person's name for display. */
export const personName = (id: string | null | undefined, me: string | undefined, directory: Directory): string => {
  if (id === null || id === undefined) return "nobody"
  if (id === me) return "you"
  const known = directory.get(id)
  if (known !== undefined) return `${known.displayName ?? known.email} (${known.role})`
  return id.startsWith("system") ? "the system" : `user ${id.slice(0, 8)}`
}

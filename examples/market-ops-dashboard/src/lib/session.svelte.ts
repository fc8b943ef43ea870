/**
 * The signed-in user: the token from `login` (kept in sessionStorage, so a reload keeps the tab
 * signed in and closing it signs out), when it expires, and who it is (`me`). Tokens last at most
 * 15 minutes and cannot be renewed: past `expiresAt` the server answers UNAUTHENTICATED, and the
 * dashboard asks to sign in again.
 */
import type { Me } from "./types.ts"

const KEY = "wm-dashboard-session"

export interface SessionData {
  readonly token: string
  readonly expiresAt: string
  readonly me: Me
}

const read = (): SessionData | undefined => {
  if (typeof sessionStorage === "undefined") return undefined
  try {
    const raw = sessionStorage.getItem(KEY)
    if (raw === null) return undefined
    const parsed = JSON.parse(raw) as SessionData
    return Date.parse(parsed.expiresAt) > Date.now() ? parsed : undefined
  } catch {
    return undefined
  }
}

class Session {
  current = $state<SessionData | undefined>(read())
  /** Why the last session ended, for the sign-in page. */
  ended = $state<string | undefined>(undefined)

  get me(): Me | undefined {
    return this.current?.me
  }

  get token(): string | undefined {
    return this.current?.token
  }

  signIn(data: SessionData): void {
    this.current = data
    this.ended = undefined
    sessionStorage.setItem(KEY, JSON.stringify(data))
  }

  signOut(reason?: string): void {
    this.current = undefined
    this.ended = reason
    sessionStorage.removeItem(KEY)
  }

  can(permission: string): boolean {
    return this.current?.me.permissions.includes(permission) ?? false
  }
}

/** The one session of the tab. */
export const session = new Session()

/**
 * Who is calling. This example trusts three headers so that it can be tried with curl:
 * `x-user-id`, `x-tenant-id`, `x-role` (and optionally `x-permissions`, comma-separated).
 *
 * A real service must never do that: it takes the actor from a verified token instead — e.g. a JWT
 * checked with `jose` (`jwtVerify` with the algorithm pinned and `iss`, `aud`, `exp` required),
 * mapping `sub` → `userId` and its own claims → `tenantId`, `role`, `permissions`.
 */
import type { IncomingHttpHeaders } from "node:http"
import { Actor } from "@workflow-manager/core"
import { Result, Schema } from "effect"
import { HttpError } from "./HttpError.ts"

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** The actor of a request, or a thrown 401 `Unauthenticated`. */
export const actorFromHeaders = (headers: IncomingHttpHeaders): Actor => {
  const decoded = Schema.decodeUnknownResult(Actor)({
    userId: header(headers, "x-user-id"),
    tenantId: header(headers, "x-tenant-id"),
    role: header(headers, "x-role"),
    permissions: (header(headers, "x-permissions") ?? "")
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p !== "")
  })
  if (Result.isFailure(decoded)) {
    throw new HttpError(401, "Unauthenticated", "send x-user-id, x-tenant-id and x-role (identifiers)")
  }
  return decoded.success
}

/**
 * The tenant condition that opens every filter the adapter sends. A tenant scope filters on its
 * tenant id; the operator and system scopes, which read every tenant by an explicit rule, filter on
 * "has a tenant" — the field is still in the filter, so the command-monitoring audit sees it.
 */
import type { Access } from "@workflow-manager/core"

/** The condition of a cross-tenant read (operator, system). */
export const ALL_TENANTS = { $exists: true } as const

/** `{ t: <tenant>, ...rest }` for a tenant scope, `{ t: { $exists: true }, ...rest }` otherwise. */
export const scoped = <F extends object>(access: Access, rest: F): { readonly t: unknown } & F => ({
  t: access._tag === "Tenant" ? access.tenantId : ALL_TENANTS,
  ...rest
})

/**
 * The error table (src/graphql/errors.ts), without a server: every tagged error of core, pg-rls
 * and the auth module maps to its `extensions.code`; another tenant's target answers as a missing
 * one; anything unexpected is masked and reported.
 */
import {
  CompensationFailed,
  Conflict,
  Forbidden,
  IdempotencyKeyReused,
  IllegalTransition,
  InvalidCommand,
  InvalidData,
  InvalidInput,
  Misconfigured,
  NotFound,
  StorageError,
  TemplateInvalid,
  TenantViolation,
  Unavailable,
  UnknownHandler,
  ValidationFailed
} from "@workflow-manager/core"
import { GraphQLError } from "graphql"
import { describe, expect, it } from "vitest"
import { AuthError } from "../src/auth/index.ts"
import { toGraphQLError } from "../src/graphql/errors.ts"

const subject = { entity: "workflow", id: "w-1" }
const storage = (reason: ConstructorParameters<typeof StorageError>[0]["reason"]) =>
  new StorageError({ operation: "op", reason })

describe("the error table", () => {
  const table: ReadonlyArray<[string, unknown, string]> = [
    ["IllegalTransition", new IllegalTransition({ status: "DRAFT", command: "submit" }), "ILLEGAL_TRANSITION"],
    [
      "InvalidCommand",
      new InvalidCommand({ command: "executeStep", reason: "not the current step" }),
      "INVALID_COMMAND"
    ],
    [
      "ValidationFailed",
      new ValidationFailed({ issues: [{ path: "company.vat", message: "bad" }] }),
      "VALIDATION_FAILED"
    ],
    ["TemplateInvalid", new TemplateInvalid({ templateId: "t", issues: [] }), "TEMPLATE_INVALID"],
    ["UnknownHandler", new UnknownHandler({ type: "fax" }), "TEMPLATE_INVALID"],
    ["CompensationFailed", new CompensationFailed({ stepId: "s", reason: "down" }), "COMPENSATION_FAILED"],
    [
      "InvalidInput",
      new InvalidInput({ operation: "get", issues: [{ path: "instanceId", message: "bad" }] }),
      "BAD_USER_INPUT"
    ],
    [
      "IdempotencyKeyReused",
      new IdempotencyKeyReused({ operation: "start", instanceId: "w", idempotencyKey: "k" }),
      "CONFLICT"
    ],
    [
      "Forbidden (permission)",
      new Forbidden({ operation: "approve", userId: "u", reason: "MissingPermission", detail: "x" }),
      "FORBIDDEN"
    ],
    [
      "Forbidden (other tenant)",
      new Forbidden({ operation: "get", userId: "u", reason: "OtherTenant", detail: "x" }),
      "NOT_FOUND"
    ],
    ["NotFound", storage(new NotFound({ message: "m", entity: "instance", id: "w-1" })), "NOT_FOUND"],
    ["Conflict", storage(new Conflict({ message: "m", expectedVersion: 1, actualVersion: 2 })), "CONFLICT"],
    ["Unavailable", storage(new Unavailable({ message: "m" })), "UNAVAILABLE"],
    ["Misconfigured", storage(new Misconfigured({ message: "m" })), "UNAVAILABLE"],
    ["TenantViolation", storage(new TenantViolation({ message: "m" })), "FORBIDDEN"],
    ["InvalidData", storage(new InvalidData({ message: "m" })), "BAD_USER_INPUT"],
    ["AuthError THROTTLED", new AuthError("THROTTLED", "slow down"), "THROTTLED"],
    ["AuthError UNAUTHENTICATED", new AuthError("UNAUTHENTICATED", "no"), "UNAUTHENTICATED"]
  ]
  it.each(table)("%s → its code", (_name, error, code) => {
    expect(toGraphQLError(error, subject).extensions.code).toBe(code)
  })

  it("answers another tenant's target and a missing one with the same error", () => {
    const other = toGraphQLError(
      new Forbidden({ operation: "get", userId: "u", reason: "OtherTenant", detail: "another tenant" }),
      subject
    )
    const missing = toGraphQLError(
      storage(new NotFound({ message: "instance w-1 in tenant t", entity: "instance", id: "w-1" })),
      subject
    )
    expect(other.toJSON()).toEqual(missing.toJSON())
    expect(other.message).toBe("workflow w-1 not found")
  })

  it("keeps the field paths of a validation failure and the version of a failed step", () => {
    const failed = toGraphQLError(new ValidationFailed({ issues: [{ path: "company.vat", message: "bad" }] }))
    expect(failed.extensions.issues).toEqual([{ path: "company.vat", message: "bad" }])
    const conflict = toGraphQLError(storage(new Conflict({ message: "m", expectedVersion: 1, actualVersion: 2 })))
    expect(conflict.extensions).toMatchObject({ expectedVersion: 1, actualVersion: 2 })
  })

  it("masks anything unexpected as INTERNAL and reports it", () => {
    const seen: Array<unknown> = []
    const boom = new TypeError("Cannot read properties of undefined (reading 'x') at /src/secret.ts:12")
    const error = toGraphQLError(boom, undefined, (e) => seen.push(e))
    expect(error.extensions.code).toBe("INTERNAL")
    expect(error.message).toBe("internal error")
    expect(seen).toEqual([boom])
    for (const odd of [null, undefined, 42, "text", { _tag: 7 }, { _tag: "StorageError", reason: null }]) {
      expect(toGraphQLError(odd).extensions.code).toBe("INTERNAL")
    }
  })

  it("keeps a GraphQL error that already has a code", () => {
    const own = new GraphQLError("x", { extensions: { code: "FORBIDDEN" } })
    expect(toGraphQLError(own)).toBe(own)
  })
})

import {
  CompensationFailed,
  Conflict,
  Forbidden,
  IllegalTransition,
  InvalidCommand,
  InvalidData,
  NotFound,
  StepFailed,
  storageError,
  TemplateInvalid,
  TenantViolation,
  Unavailable,
  UnknownHandler,
  ValidationFailed
} from "@workflow-manager/core"
import { describe, expect, it } from "vitest"
import { errorResponse } from "../../src/http/errorResponse.ts"
import { HttpError } from "../../src/http/HttpError.ts"

describe("errorResponse", () => {
  it.each([
    [new IllegalTransition({ status: "DRAFT", command: "ApproveWorkflow" }), 409, "IllegalTransition"],
    [new InvalidCommand({ command: "ExecuteStep", reason: "not the current step" }), 409, "InvalidCommand"],
    [new ValidationFailed({ issues: [{ path: "company-info.input.vat", message: "bad" }] }), 422, "ValidationFailed"],
    [new Forbidden({ command: "approve", userId: "u", reason: "reviewers only" }), 403, "Forbidden"],
    [new StepFailed({ stepId: "portfolio", attempt: 1, reason: "held", retryable: false }), 422, "StepFailed"],
    [new StepFailed({ stepId: "portfolio", attempt: 2, reason: "timeout", retryable: true }), 503, "StepFailed"],
    [new CompensationFailed({ stepId: "portfolio", reason: "register down" }), 503, "CompensationFailed"],
    [storageError("get", new NotFound({ message: "gone", entity: "workflow", id: "wf-1" })), 404, "NotFound"],
    [storageError("start", new Conflict({ message: "v", expectedVersion: 1, actualVersion: 2 })), 409, "Conflict"],
    [storageError("start", new Unavailable({ message: "connection refused 10.0.0.7:5432" })), 503, "Unavailable"],
    [storageError("save", new TenantViolation({ message: "other tenant" })), 403, "Forbidden"],
    [storageError("list", new InvalidData({ message: "malformed page cursor" })), 400, "BadRequest"],
    [new HttpError(400, "BadRequest", "the request body is not valid JSON"), 400, "BadRequest"]
  ])("%s → %i", (error, status, tag) => {
    const response = errorResponse(error)
    expect(response.status).toBe(status)
    expect(response.body.error).toBe(tag)
  })

  it("keeps the details a caller needs", () => {
    expect(errorResponse(new ValidationFailed({ issues: [{ path: "p", message: "m" }] })).body.issues).toEqual([
      { path: "p", message: "m" }
    ])
    expect(
      errorResponse(storageError("start", new Conflict({ message: "v", expectedVersion: 1, actualVersion: 2 }))).body
    ).toMatchObject({
      expectedVersion: 1,
      actualVersion: 2
    })
    expect(
      errorResponse(new StepFailed({ stepId: "s", attempt: 2, reason: "timeout", retryable: true })).headers
    ).toEqual({
      "retry-after": "1"
    })
  })

  it("answers 500 without any internal detail for everything else", () => {
    const secret = new Error("password=hunter2 at /srv/app/db.ts:12")
    for (const error of [
      secret,
      new TemplateInvalid({ templateId: "t", issues: [] }),
      new UnknownHandler({ type: "x" }),
      "a string",
      undefined,
      { _tag: "SomethingElse" }
    ]) {
      const response = errorResponse(error)
      expect(response).toEqual({ status: 500, body: { error: "InternalError", message: "internal error" } })
    }
    // Storage details do not leak either.
    expect(
      JSON.stringify(errorResponse(storageError("x", new Unavailable({ message: "10.0.0.7:5432" }))))
    ).not.toContain("10.0.0.7")
  })
})

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
  StepFailed,
  storageError,
  TemplateInvalid,
  TenantViolation,
  Unavailable,
  UnknownHandler,
  ValidationFailed,
  type WorkflowState
} from "@workflow-manager/core"
import { describe, expect, it } from "vitest"
import { errorResponse } from "../../src/http/errorResponse.ts"
import { HttpError } from "../../src/http/HttpError.ts"

/** The state a StepFailed carries: the workflow after the recorded failure. */
const failedAt = (version: number): WorkflowState => ({
  schemaVersion: 1,
  instanceId: "wf-1",
  tenantId: "engie-be",
  templateId: "brp-onboarding",
  templateVersion: 1,
  marketRole: "BRP",
  status: "IN_PROGRESS",
  currentStepId: "portfolio",
  stepStates: {},
  metadata: {},
  version,
  createdAt: "2026-01-05T09:00:00.000Z",
  createdBy: "mo-alice",
  updatedAt: "2026-01-05T09:30:00.000Z"
})

const stepFailed = (attempt: number, retryable: boolean, code?: string) =>
  new StepFailed({
    stepId: "portfolio",
    attempt,
    reason: retryable ? "timeout" : "held",
    retryable,
    ...(code === undefined ? {} : { code }),
    version: 5 + attempt,
    state: failedAt(5 + attempt)
  })

const forbidden = (reason: "OtherTenant" | "MissingPermission" | "NotPermitted") =>
  new Forbidden({ operation: "approve", userId: "u", reason, detail: "because" })

describe("errorResponse", () => {
  it.each([
    [new InvalidInput({ operation: "get", issues: [{ path: "instanceId", message: "bad" }] }), 400, "InvalidInput"],
    [new IllegalTransition({ status: "DRAFT", command: "ApproveWorkflow" }), 409, "IllegalTransition"],
    [new InvalidCommand({ command: "ExecuteStep", reason: "not the current step" }), 409, "InvalidCommand"],
    [
      new IdempotencyKeyReused({ operation: "executeStep", instanceId: "wf-1", idempotencyKey: "k" }),
      422,
      "IdempotencyKeyReused"
    ],
    [new ValidationFailed({ issues: [{ path: "company-info.input.vat", message: "bad" }] }), 422, "ValidationFailed"],
    [forbidden("MissingPermission"), 403, "Forbidden"],
    [forbidden("NotPermitted"), 403, "Forbidden"],
    [forbidden("OtherTenant"), 404, "NotFound"],
    [stepFailed(1, false), 422, "StepFailed"],
    [stepFailed(2, true), 503, "StepFailed"],
    [new CompensationFailed({ stepId: "portfolio", reason: "register down" }), 503, "CompensationFailed"],
    [storageError("get", new NotFound({ message: "gone", entity: "workflow", id: "wf-1" })), 404, "NotFound"],
    [storageError("start", new Conflict({ message: "v", expectedVersion: 1, actualVersion: 2 })), 409, "Conflict"],
    [storageError("start", new Unavailable({ message: "connection refused 10.0.0.7:5432" })), 503, "Unavailable"],
    [storageError("save", new TenantViolation({ message: "other tenant" })), 403, "Forbidden"],
    [storageError("list", new InvalidData({ message: "malformed page cursor" })), 400, "BadRequest"],
    [storageError("check", new Misconfigured({ message: "the database is not migrated" })), 500, "InternalError"],
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
      errorResponse(new InvalidInput({ operation: "reject", issues: [{ path: "reason", message: "too short" }] })).body
    ).toMatchObject({ error: "InvalidInput", issues: [{ path: "reason", message: "too short" }] })
    expect(
      errorResponse(storageError("start", new Conflict({ message: "v", expectedVersion: 1, actualVersion: 2 }))).body
    ).toMatchObject({
      expectedVersion: 1,
      actualVersion: 2
    })
    expect(errorResponse(stepFailed(2, true)).headers).toEqual({ "retry-after": "1" })
    expect(
      errorResponse(new IdempotencyKeyReused({ operation: "submit", instanceId: "wf-1", idempotencyKey: "k-7" })).body
    ).toMatchObject({ idempotencyKey: "k-7" })
    expect(errorResponse(forbidden("NotPermitted")).body).toEqual({
      error: "Forbidden",
      message: "u may not approve: because",
      reason: "NotPermitted"
    })
  })

  it("a StepFailed carries the version to send next, and the handler's code", () => {
    expect(errorResponse(stepFailed(1, false, "held-elsewhere")).body).toEqual({
      error: "StepFailed",
      message: "step portfolio failed (attempt 1): held",
      stepId: "portfolio",
      attempt: 1,
      retryable: false,
      code: "held-elsewhere",
      version: 6
    })
    // The state it also carries is not copied into the answer: GET the workflow for it.
    expect(errorResponse(stepFailed(2, true)).body).not.toHaveProperty("state")
  })

  it("answers another tenant's data exactly as if it did not exist", () => {
    const missing = errorResponse(
      storageError("get", new NotFound({ message: "gone", entity: "workflow", id: "wf-1" })),
      "wf-1"
    )
    const foreign = errorResponse(forbidden("OtherTenant"), "wf-1")
    expect(foreign).toEqual(missing)
    expect(foreign).toEqual({ status: 404, body: { error: "NotFound", message: "workflow wf-1 not found" } })
    // Without a workflow in the path (a list or a create naming another tenant): the tenant is unknown.
    expect(errorResponse(forbidden("OtherTenant"))).toEqual({
      status: 404,
      body: { error: "NotFound", message: "no such tenant" }
    })
    expect(JSON.stringify(errorResponse(forbidden("OtherTenant"), "wf-1"))).not.toContain("because")
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

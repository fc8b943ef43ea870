/**
 * Hostile decisions through the engine: wrong types, unknown decisions and keys, `__proto__`,
 * oversized or malformed comments, deep nesting, a non-identifier delegate. Each is a typed error
 * (`InvalidInput` from the engine's guard or `ValidationFailed` from the handler's schemas), nothing
 * is recorded, nothing is polluted, and the step still takes a valid decision afterwards.
 */
import { describe, expect, it } from "vitest"
import { MAX_COMMENT_LENGTH } from "../src/index.js"
import { alice, carol, instance, makeEngine, rejection } from "./fixtures.js"

const deep = (levels: number): unknown => {
  let value: unknown = "x"
  for (let i = 0; i < levels; i++) value = { comment: value }
  return value
}

const hostile: ReadonlyArray<readonly [string, unknown]> = [
  ["null", null],
  ["a string", "approve"],
  ["a number", 42],
  ["an array", [{ decision: "approve" }]],
  ["an empty object", {}],
  ["a numeric decision", { decision: 1 }],
  ["an unknown decision", { decision: "approve_all" }],
  ["an upper-case decision", { decision: "APPROVE" }],
  ["a decision array", { decision: ["approve"] }],
  ["a comment of the wrong type", { decision: "approve", comment: { text: "ok" } }],
  ["an oversized comment", { decision: "approve", comment: "x".repeat(MAX_COMMENT_LENGTH + 1) }],
  ["a huge comment", { decision: "approve", comment: "x".repeat(5_000_000) }],
  ["a NUL in the comment", { decision: "approve", comment: "ok\u0000" }],
  ["a lone surrogate in the comment", { decision: "approve", comment: "ok\ud800" }],
  ["a __proto__ key", JSON.parse('{"decision":"approve","__proto__":{"isAdmin":true}}')],
  ["only a __proto__ key", JSON.parse('{"__proto__":{"decision":"approve"}}')],
  ["a constructor key", { decision: "approve", constructor: { prototype: { isAdmin: true } } }],
  ["an unknown key", { decision: "approve", quorum: 0 }],
  ["a path as delegate", { decision: "delegate", to: "../../etc/passwd" }],
  ["an oversized delegate", { decision: "delegate", to: "a".repeat(201) }],
  ["a numeric delegate", { decision: "delegate", to: 7 }],
  ["deep nesting", deep(10_000)],
  ["a Date", { decision: "approve", comment: new Date(0) }],
  ["a function", { decision: () => "approve" }],
  ["a BigInt", { decision: "approve", comment: 1n }]
]

describe("hostile decisions", () => {
  it("each is a typed error that records nothing and pollutes nothing", async () => {
    const { engine, storage } = await makeEngine()
    const wf = await instance(engine)
    await wf.fill()
    const before = await storage.inspect.events(wf.id)
    for (const [name, input] of hostile) {
      const error = await rejection(wf.decide(alice, input))
      expect(error, name).toMatchObject({ _tag: expect.stringMatching(/^(InvalidInput|ValidationFailed)$/) })
      expect((error as { issues: ReadonlyArray<unknown> }).issues.length, name).toBeGreaterThan(0)
    }
    expect(await storage.inspect.events(wf.id)).toEqual(before)
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
    // the step is unharmed: two valid approvals complete it
    await wf.decide(alice, { decision: "approve" })
    await wf.decide(carol, { decision: "approve" })
    expect(wf.state.stepStates.approval?.status).toBe("completed")
  })

  it("names the offending field", async () => {
    const { engine } = await makeEngine()
    const wf = await instance(engine)
    await wf.fill()
    expect(await rejection(wf.decide(alice, { decision: "approve_all" }))).toMatchObject({
      _tag: "ValidationFailed",
      issues: [{ path: "approval.input.decision" }]
    })
    expect(
      await rejection(wf.decide(alice, JSON.parse('{"decision":"approve","__proto__":{"isAdmin":true}}')))
    ).toMatchObject({
      _tag: "ValidationFailed",
      issues: [
        {
          path: expect.stringContaining("__proto__"),
          message: "is not a field of an approval decision (decision, comment, to)"
        }
      ]
    })
    expect(
      await rejection(wf.decide(alice, { decision: "approve", comment: "x".repeat(MAX_COMMENT_LENGTH + 1) }))
    ).toMatchObject({ _tag: "ValidationFailed", issues: [{ path: "approval.input.comment" }] })
  })
})

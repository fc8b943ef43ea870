/**
 * Hostile calls of the public functions: wrong types, `__proto__` keys, cycles, deep nesting,
 * throwing getters and proxies get a typed result (`undefined`, `TemplateInvalid`, `InvalidInput`),
 * never a `TypeError` or a crash.
 */
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { packDocs } from "../src/docs.js"
import {
  applyCalls,
  applyRoutes,
  basePack,
  changeCall,
  checkBaseConfig,
  choiceList,
  contactServices,
  contractOnboarding,
  deliveryPointField,
  deliveryPointsFields,
  deliveryPointsStep,
  dsoApprovalSteps,
  dsoContractsField,
  dsoPortfolioChanges,
  emailNotice,
  extendTemplate,
  followsMetadata,
  followsOf,
  portfolioManagement,
  withDefault
} from "../src/index.js"
import { packSnapshots } from "../src/testing.js"
import { docsConfig } from "./fixtures.js"

const thrown = (f: () => unknown): unknown => {
  try {
    f()
    return undefined
  } catch (error) {
    return error
  }
}

const throwingProxy = new Proxy(
  {},
  {
    get: () => {
      throw new Error("boom")
    },
    has: () => {
      throw new Error("boom")
    },
    ownKeys: () => {
      throw new Error("boom")
    },
    getOwnPropertyDescriptor: () => {
      throw new Error("boom")
    }
  }
)

const cyclic: Record<string, unknown> = { register: { url: "https://register.tso.example/api" } }
cyclic.self = cyclic

let deep: unknown = "x"
for (let i = 0; i < 10_000; i++) deep = { a: deep }

const values: ReadonlyArray<unknown> = [
  undefined,
  null,
  42,
  "follows",
  [],
  JSON.parse('{"__proto__": {"instanceId": "wf-1"}, "follows": {"__proto__": {"x": 1}}}'),
  { follows: { instanceId: "wf 1", templateId: "x", templateVersion: 0 } },
  { follows: throwingProxy },
  throwingProxy,
  cyclic,
  deep
]

describe("hostile input", () => {
  it("followsOf reads nothing from what is not a link", () => {
    for (const value of values) expect(followsOf(value)).toBeUndefined()
    expect(
      followsOf({ follows: { instanceId: "wf-1", templateId: "contract-onboarding", templateVersion: 2 } })
    ).toEqual({
      instanceId: "wf-1",
      templateId: "contract-onboarding",
      templateVersion: 2
    })
  })

  it("followsMetadata refuses what is not an instance with InvalidInput", () => {
    for (const value of values) {
      expect(thrown(() => followsMetadata(value as never))).toMatchObject({
        _tag: "InvalidInput",
        operation: "followsMetadata"
      })
    }
  })

  it("the template functions refuse what is not a configuration with TemplateInvalid", () => {
    const notConfigs = [
      ...values.filter((v) => v !== cyclic),
      { register: { url: "https://x.example/{{input.host}}" } }
    ]
    for (const value of notConfigs) {
      for (const f of [contractOnboarding, portfolioManagement, checkBaseConfig]) {
        expect(thrown(() => f(value as never))).toMatchObject({ _tag: "TemplateInvalid" })
      }
    }
  })

  it("packDocs and packSnapshots return TemplateInvalid for a bad pack, configuration or options", () => {
    for (const value of values) {
      expect(Result.isFailure(packDocs(value as never))).toBe(true)
      expect(Result.isFailure(packSnapshots(value as never))).toBe(true)
      const docs = packDocs(basePack, { config: value })
      expect(docs).toMatchObject({ _tag: "Failure", failure: { _tag: "TemplateInvalid" } })
    }
    const throwing = {
      ...basePack,
      templates: () => {
        throw new Error("no templates")
      }
    }
    expect(packSnapshots(throwing, docsConfig)).toMatchObject({
      failure: { issues: [{ path: "templates", message: expect.stringContaining("no templates") }] }
    })
    // odd options are ignored, not fatal
    const odd = packDocs(basePack, { config: docsConfig, title: 42, intro: "x", notes: [null, "a note"] } as never)
    expect(Result.isSuccess(odd) && odd.success.includes("- a note")).toBe(true)
  })

  it("extendTemplate returns TemplateInvalid for a bad base or extension", () => {
    const base = contractOnboarding(checkBaseConfig(docsConfig))
    for (const value of values) {
      expect(Result.isFailure(extendTemplate(value as never, { id: "x", name: "X", changes: [] }))).toBe(true)
      expect(Result.isFailure(extendTemplate(base, value as never))).toBe(true)
    }
  })

  it("the step and change builders refuse what is not their options with TemplateInvalid", () => {
    const register = { url: "https://register.tso.example/api" }
    const call = { id: "apply-x", name: "Apply x", data: { x: "{{step.x}}" } }
    const calls: ReadonlyArray<() => unknown> = values.flatMap((v) => [
      () => withDefault(v as never, 1 as never),
      () => contactServices(v as never),
      () => contactServices(["contract"], v as never),
      () => emailNotice(v as never),
      () => emailNotice({ id: "n", name: "N", to: v as never, subject: "s", text: "t" }),
      () => changeCall(v as never, call),
      () => changeCall(register, v as never),
      () => changeCall(register, { ...call, data: v as never }),
      () => applyRoutes(v as never),
      () => applyCalls(register, v as never),
      () => applyCalls(register, { applies: v as never }),
      () => applyCalls(register, { applies: {}, calls: v as never }),
      () => applyCalls(register, { applies: {}, calls: [v as never] })
    ])
    for (const f of calls) {
      const error = thrown(f)
      // some values are acceptable for some slots (an array of recipients, an empty record): never a TypeError
      if (error !== undefined) expect(error).toMatchObject({ _tag: "TemplateInvalid" })
    }
    expect(thrown(() => changeCall(register, { ...call, data: JSON.parse('{"__proto__": {"x": 1}}') }))).toMatchObject({
      _tag: "TemplateInvalid"
    })
    expect(thrown(() => applyRoutes({ "add-points": 42 as never }))).toMatchObject({ _tag: "TemplateInvalid" })
    expect(thrown(() => contactServices([]))).toMatchObject({ _tag: "TemplateInvalid" })
  })

  it("the delivery-point and DSO builders refuse bad arguments with TemplateInvalid, never a TypeError", () => {
    const calls: ReadonlyArray<() => unknown> = [
      () => choiceList("Products", null as never),
      () => choiceList("Products", ["a", "a"]),
      () => choiceList(undefined as never, ["a"]),
      () => deliveryPointField("FCR" as never),
      () => dsoContractsField(null as never),
      () => dsoApprovalSteps(null as never),
      () => dsoPortfolioChanges(null as never),
      () => dsoPortfolioChanges({ products: ["FCR"], endpoint: "x", approverRoles: "market_ops" as never }),
      () => deliveryPointsFields({ length: 1 } as never),
      () => deliveryPointsStep(undefined as never),
      () => dsoApprovalSteps(JSON.parse('{"__proto__": {"pointsStep": "x"}}')),
      () =>
        dsoApprovalSteps({
          pointsStep: "points",
          approves: ["points"],
          changesRequested: "points",
          rejected: "rejection-notice",
          next: "change-review",
          endpoint: "https://evil.example/",
          approverRoles: ["market_ops"]
        })
    ]
    for (const call of calls) expect(thrown(call)).toMatchObject({ _tag: "TemplateInvalid" })
  })
})

/**
 * Hostile calls of the public functions: wrong types, `__proto__` keys, cycles, deep nesting,
 * throwing getters and proxies get a typed result (`undefined`, `TemplateInvalid`, `InvalidInput`),
 * never a `TypeError` or a crash.
 */
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { packDocs } from "../src/docs.js"
import {
  basePack,
  checkBaseConfig,
  contractOnboarding,
  extendTemplate,
  followsMetadata,
  followsOf,
  portfolioManagement
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
})

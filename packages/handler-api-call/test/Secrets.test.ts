/**
 * The two shipped secret resolvers: values come back `Redacted` (never printed), names map to
 * environment variables predictably, and unknown names are a typed `SecretNotFound`.
 */
import { Effect, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { secretEnvName, secretsFromEnv, secretsFromMap } from "../src/index.js"

describe("secretsFromMap", () => {
  it("resolves known names to Redacted values that do not print", async () => {
    const secrets = secretsFromMap(new Map([["registry-token", "v4lue"]]))
    const value = await Effect.runPromise(secrets.resolve("registry-token"))
    expect(Redacted.value(value)).toBe("v4lue")
    expect(String(value)).not.toContain("v4lue")
    expect(JSON.stringify(value)).not.toContain("v4lue")
  })

  it("is a copy: later changes to the map are not seen", async () => {
    const map: Record<string, string> = { a: "1" }
    const secrets = secretsFromMap(map)
    map.a = "2"
    expect(Redacted.value(await Effect.runPromise(secrets.resolve("a")))).toBe("1")
  })
})

describe("secretsFromEnv", () => {
  it("maps names to PREFIX + upper snake case, read at each resolution", async () => {
    expect(secretEnvName("WM_SECRET_", "registry-token.v2")).toBe("WM_SECRET_REGISTRY_TOKEN_V2")
    const env: Record<string, string | undefined> = { WM_SECRET_REGISTRY_TOKEN: "one" }
    const secrets = secretsFromEnv("WM_SECRET_", env)
    expect(Redacted.value(await Effect.runPromise(secrets.resolve("registry-token")))).toBe("one")
    env.WM_SECRET_REGISTRY_TOKEN = "two"
    expect(Redacted.value(await Effect.runPromise(secrets.resolve("registry-token")))).toBe("two")
  })

  it("an unset or empty variable is SecretNotFound naming the secret, not the variable's value", async () => {
    const secrets = secretsFromEnv("WM_SECRET_", { WM_SECRET_EMPTY: "" })
    for (const name of ["empty", "missing"]) {
      const error = await Effect.runPromise(Effect.flip(secrets.resolve(name)))
      expect(error).toMatchObject({ _tag: "SecretNotFound", name })
    }
  })
})

/**
 * `loadAuthConfig`: the embedded default's key generated once in the data folder (mode 0600, a
 * printed warning, the same key on the next start), one key source pinned to one algorithm, and a
 * clear AuthConfigError naming the variable for every bad setting.
 */
import { generateKeyPairSync } from "node:crypto"
import { chmod, mkdtemp, readFile, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { AuthConfigError, checkAuthConfig, createAuth, loadAuthConfig } from "../src/auth/index.ts"
import { testConfig } from "./auth.support.ts"

const folders: Array<string> = []
const dataDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), "wm-auth-config-"))
  folders.push(dir)
  return dir
}
afterEach(async () => {
  for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true })
})

const pem = (type: "rsa" | "ec" | "ed25519", options: object = {}) =>
  String(
    generateKeyPairSync(type as "rsa", { modulusLength: 2048, ...options }).privateKey.export({
      type: "pkcs8",
      format: "pem"
    })
  )

const refusal = async (env: NodeJS.ProcessEnv, defaults: { dataDir?: string } = {}): Promise<string> => {
  const error = await loadAuthConfig(env, { ...defaults, warn: () => {} }).then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(AuthConfigError)
  return (error as Error).message
}

describe("loadAuthConfig", () => {
  it("embedded default: generates an ES256 key once in <dataDir>/auth (0600), warns, and reuses it", async () => {
    const dir = await dataDir()
    const warnings: Array<string> = []
    const first = await loadAuthConfig({}, { dataDir: dir, warn: (m) => warnings.push(m) })
    const file = join(dir, "auth", "jwt-signing-key.pem")
    expect(first.keys).toMatchObject({ kind: "keyPair", algorithm: "ES256", file })
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, "auth"))).mode & 0o077).toBe(0)
    expect(await readFile(file, "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(file)
    expect(warnings[0]).toContain("AUTH_JWT_PRIVATE_KEY")
    expect(first.warnings).toEqual(warnings)
    const second = await loadAuthConfig({}, { dataDir: dir, warn: () => {} })
    expect(second.keys.kind === "keyPair" && second.keys.keyId).toBe(first.keys.kind === "keyPair" && first.keys.keyId)
    // defaults
    expect(first).toMatchObject({
      issuer: "workflow-manager-reference-server",
      audience: "workflow-manager",
      tokenTtlSeconds: 900,
      throttle: { perAccount: 10, perAddress: 100, windowSeconds: 900 },
      userCacheMs: 0
    })
  })

  it("refuses a generated key file others can read", async () => {
    const dir = await dataDir()
    await loadAuthConfig({}, { dataDir: dir, warn: () => {} })
    await chmod(join(dir, "auth", "jwt-signing-key.pem"), 0o644)
    expect(await refusal({}, { dataDir: dir })).toMatch(/readable by others.*chmod 600/)
  })

  it("pins the algorithm to the configured key", async () => {
    const load = (env: NodeJS.ProcessEnv) => loadAuthConfig(env, { warn: () => {} })
    expect((await load({ AUTH_JWT_SECRET: "s".repeat(32) })).keys).toMatchObject({ kind: "secret", algorithm: "HS256" })
    expect((await load({ AUTH_JWT_PRIVATE_KEY: pem("rsa") })).keys).toMatchObject({ algorithm: "RS256" })
    expect((await load({ AUTH_JWT_PRIVATE_KEY: pem("ec", { namedCurve: "P-256" }) })).keys).toMatchObject({
      algorithm: "ES256"
    })
    expect((await load({ AUTH_JWT_PRIVATE_KEY: pem("ed25519") })).keys).toMatchObject({ algorithm: "EdDSA" })
    expect((await load({ AUTH_JWKS_URL: "https://idp.example/jwks" })).keys).toMatchObject({
      kind: "jwks",
      algorithm: "RS256"
    })
    expect(
      (await load({ AUTH_JWKS_URL: "http://127.0.0.1:8080/jwks", AUTH_JWT_ALGORITHM: "ES256" })).keys
    ).toMatchObject({ kind: "jwks", algorithm: "ES256" })
    const custom = await load({
      AUTH_JWT_SECRET: "s".repeat(40),
      AUTH_JWT_ISSUER: "https://wm.example",
      AUTH_JWT_AUDIENCE: "wm-api",
      AUTH_TOKEN_TTL_SECONDS: "300",
      AUTH_THROTTLE_PER_ACCOUNT: "5",
      AUTH_THROTTLE_PER_ADDRESS: "50",
      AUTH_THROTTLE_WINDOW_SECONDS: "600",
      AUTH_USER_CACHE_MS: "1000"
    })
    expect(custom).toMatchObject({
      issuer: "https://wm.example",
      audience: "wm-api",
      tokenTtlSeconds: 300,
      throttle: { perAccount: 5, perAddress: 50, windowSeconds: 600 },
      userCacheMs: 1000,
      warnings: []
    })
  })

  it("a bad setting is an AuthConfigError naming the variable", async () => {
    const secret = "s".repeat(32)
    const cases: ReadonlyArray<[NodeJS.ProcessEnv, RegExp]> = [
      [{}, /set AUTH_JWT_PRIVATE_KEY, AUTH_JWT_SECRET or AUTH_JWKS_URL/],
      [{ AUTH_JWT_SECRET: "short" }, /AUTH_JWT_SECRET must be at least 32 bytes/],
      [{ AUTH_JWT_SECRET: secret, AUTH_JWKS_URL: "https://idp.example/jwks" }, /only one of/],
      [{ AUTH_JWT_PRIVATE_KEY: "not a key" }, /AUTH_JWT_PRIVATE_KEY must be a private key in PEM/],
      [{ AUTH_JWT_PRIVATE_KEY: pem("rsa", { modulusLength: 1024 }) }, /RSA key of 2048 bits or more/],
      [{ AUTH_JWT_PRIVATE_KEY: pem("ec", { namedCurve: "P-384" }) }, /P-256/],
      [
        {
          AUTH_JWT_PRIVATE_KEY: String(
            generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" })
          )
        },
        /AUTH_JWT_PRIVATE_KEY must be a private key/
      ],
      [{ AUTH_JWKS_URL: "http://idp.example/jwks" }, /https URL/],
      [{ AUTH_JWKS_URL: "not a url" }, /AUTH_JWKS_URL must be a URL/],
      [{ AUTH_JWKS_URL: "https://user:pw@idp.example/jwks" }, /credentials/],
      [{ AUTH_JWKS_URL: "https://idp.example/jwks", AUTH_JWT_ALGORITHM: "HS256" }, /AUTH_JWT_ALGORITHM/],
      [{ AUTH_JWKS_URL: "https://idp.example/jwks", AUTH_JWT_ALGORITHM: "none" }, /AUTH_JWT_ALGORITHM/],
      [
        { AUTH_JWT_SECRET: secret, AUTH_TOKEN_TTL_SECONDS: "3600" },
        /AUTH_TOKEN_TTL_SECONDS must be an integer from 60 to 900/
      ],
      [{ AUTH_JWT_SECRET: secret, AUTH_TOKEN_TTL_SECONDS: "1e3" }, /AUTH_TOKEN_TTL_SECONDS/],
      [{ AUTH_JWT_SECRET: secret, AUTH_THROTTLE_PER_ACCOUNT: "0" }, /AUTH_THROTTLE_PER_ACCOUNT/],
      [{ AUTH_JWT_SECRET: secret, AUTH_THROTTLE_PER_ADDRESS: "-1" }, /AUTH_THROTTLE_PER_ADDRESS/],
      [{ AUTH_JWT_SECRET: secret, AUTH_THROTTLE_WINDOW_SECONDS: "999999999" }, /AUTH_THROTTLE_WINDOW_SECONDS/],
      [{ AUTH_JWT_SECRET: secret, AUTH_USER_CACHE_MS: "60001" }, /AUTH_USER_CACHE_MS/],
      [{ AUTH_JWT_SECRET: secret, AUTH_JWT_ISSUER: "a\nb" }, /AUTH_JWT_ISSUER/],
      [{ AUTH_JWT_SECRET: secret, AUTH_JWT_AUDIENCE: "x".repeat(201) }, /AUTH_JWT_AUDIENCE/]
    ]
    for (const [env, message] of cases) expect(await refusal(env)).toMatch(message)
  })

  it("hostile arguments are an AuthConfigError, never a TypeError", async () => {
    for (const env of [undefined, null, "AUTH_JWT_SECRET=x", 42]) {
      await expect(loadAuthConfig(env as never, {})).rejects.toBeInstanceOf(AuthConfigError)
    }
    // odd defaults are ignored: no data folder, stderr for warnings
    await expect(loadAuthConfig({}, undefined as never)).rejects.toThrow(/no data folder/)
    const secret = await loadAuthConfig({ AUTH_JWT_SECRET: "s".repeat(32) }, { dataDir: 7, warn: "x" } as never)
    expect(secret.keys.kind).toBe("secret")
    // a non-string variable is as if unset
    await expect(loadAuthConfig({ AUTH_JWT_SECRET: { length: 99 } } as never, { warn: () => {} })).rejects.toThrow(
      /set AUTH_JWT_PRIVATE_KEY/
    )
    for (const deps of [undefined, null, {}, { users: null }, "deps"]) {
      await expect(createAuth(deps as never)).rejects.toBeInstanceOf(AuthConfigError)
    }
  })

  it("checkAuthConfig refuses a configuration built in code with a bad field, naming it", () => {
    const good = testConfig()
    expect(checkAuthConfig(good)).toBe(good)
    const cases: ReadonlyArray<[object, RegExp]> = [
      [{ issuer: "" }, /AuthConfig.issuer/],
      [{ audience: 7 }, /AuthConfig.audience/],
      [{ tokenTtlSeconds: 3600 }, /AuthConfig.tokenTtlSeconds/],
      [{ tokenTtlSeconds: 1.5 }, /AuthConfig.tokenTtlSeconds/],
      [{ userCacheMs: -1 }, /AuthConfig.userCacheMs/],
      [{ throttle: { perAccount: 0, perAddress: 1, windowSeconds: 1 } }, /AuthConfig.throttle/],
      [{ throttle: null }, /AuthConfig.throttle/],
      [{ keys: { kind: "secret", algorithm: "HS256", secret: new Uint8Array(8), keyId: "k" } }, /AuthConfig.keys/],
      [{ keys: { kind: "secret", algorithm: "none", secret: new Uint8Array(64), keyId: "k" } }, /AuthConfig.keys/],
      [{ keys: { kind: "jwks", algorithm: "HS256", url: new URL("https://idp.example") } }, /AuthConfig.keys/],
      [{ keys: { kind: "keyPair", algorithm: "RS256" } }, /AuthConfig.keys/],
      [{ keys: null }, /AuthConfig.keys/]
    ]
    for (const [patch, message] of cases) {
      expect(() => checkAuthConfig({ ...good, ...patch } as never)).toThrow(message)
    }
    expect(() => checkAuthConfig(null as never)).toThrow(AuthConfigError)
  })
})

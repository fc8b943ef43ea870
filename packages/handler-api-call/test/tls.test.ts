/**
 * https through the guard: the connection goes to the checked address while SNI and the
 * certificate check keep the URL's host name — a certificate for `registry.test` is accepted for
 * `https://registry.test/` resolved to 127.0.0.1, and refused for the bare address or another name.
 */
import { readFileSync } from "node:fs"
import { createServer, type Server } from "node:https"
import type { AddressInfo } from "node:net"
import type { TLSSocket } from "node:tls"
import { Effect, Exit } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeHttpClient } from "../src/index.js"

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")
const cert = fixture("registry.test.cert.pem")

let server: Server
let port = 0
const seen: Array<{ servername: string | false | null; host: string | undefined }> = []

beforeAll(async () => {
  server = createServer({ key: fixture("registry.test.key.pem"), cert }, (req, res) => {
    seen.push({ servername: (req.socket as TLSSocket).servername, host: req.headers.host })
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}')
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  port = (server.address() as AddressInfo).port
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const client = () =>
  makeHttpClient({
    allow: [`127.0.0.1:${port}`],
    lookup: (name) => Effect.succeed(name.endsWith(".test") ? ["127.0.0.1"] : []),
    ca: cert
  })

const outcome = async (url: string) => {
  const exit = await Effect.runPromiseExit(client().request({ method: "GET", url, timeoutMs: 5000 }))
  if (Exit.isSuccess(exit)) return `${exit.value.status}`
  const reason = exit.cause.reasons.find((r) => r._tag === "Fail")
  return reason?._tag === "Fail" ? reason.error.reason : String(exit.cause)
}

describe("https", () => {
  it("connects to the checked address with SNI and Host set to the name, and verifies the certificate for it", async () => {
    expect(await outcome(`https://registry.test:${port}/`)).toBe("200")
    expect(seen.at(-1)).toEqual({ servername: "registry.test", host: `registry.test:${port}` })
  })

  it("a certificate for another name is refused (TlsFailed), for an address or a different host", async () => {
    const before = seen.length
    expect(await outcome(`https://127.0.0.1:${port}/`)).toBe("TlsFailed")
    expect(await outcome(`https://other.test:${port}/`)).toBe("TlsFailed")
    expect(seen.length).toBe(before)
  })

  it("without the CA, the self-signed certificate is not trusted", async () => {
    const plain = makeHttpClient({ allow: [`127.0.0.1:${port}`], lookup: () => Effect.succeed(["127.0.0.1"]) })
    const exit = await Effect.runPromiseExit(
      plain.request({ method: "GET", url: `https://registry.test:${port}/`, timeoutMs: 5000 })
    )
    expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toContain('"reason":"TlsFailed"')
  })
})

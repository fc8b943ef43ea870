/**
 * Real `node:http` peers on loopback for the tests: each records the requests it answered and
 * counts the TCP connections it accepted; `close` ends every connection and the listener.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { afterEach } from "vitest"

export interface Recorded {
  readonly method: string
  readonly path: string
  readonly headers: IncomingMessage["headers"]
  readonly body: string
}

export interface TestServer {
  readonly host: string
  readonly port: number
  /** `http://host:port` (IPv6 hosts bracketed). */
  readonly origin: string
  readonly requests: Array<Recorded>
  /** TCP connections accepted so far. */
  connections: number
  readonly close: () => Promise<void>
}

export type Respond = (request: Recorded, index: number, res: ServerResponse) => void

/** Starts a server on `host` (default 127.0.0.1) answering each request with `respond`. */
export const startServer = async (respond: Respond, host = "127.0.0.1"): Promise<TestServer> => {
  const requests: Array<Recorded> = []
  const server: Server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      const recorded: Recorded = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8")
      }
      requests.push(recorded)
      respond(recorded, requests.length - 1, res)
    })
  })
  const state: TestServer = {
    host,
    port: 0,
    origin: "",
    requests,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
  server.on("connection", () => {
    state.connections++
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  return Object.assign(state, { port, origin: `http://${host.includes(":") ? `[${host}]` : host}:${port}` })
}

/** Answers JSON with a status. */
export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Respond =>
  (_request, _index, res) => {
    res.writeHead(status, { "content-type": "application/json", ...headers })
    res.end(JSON.stringify(body))
  }

/** Answers `failures` times with `status`, then with `ok`. */
export const failThen =
  (failures: number, status: number, ok: Respond, headers: Record<string, string> = {}): Respond =>
  (request, index, res) => {
    if (index < failures) {
      res.writeHead(status, headers)
      res.end("try again")
    } else ok(request, index, res)
  }

/** Accepts the request and never answers (the test's `close` ends the connection). */
export const hang: Respond = () => undefined

/** A `serve(respond)` whose servers are all closed after each test of the calling file. */
export const serversPerTest = (): ((respond: Respond) => Promise<TestServer>) => {
  const servers: Array<TestServer> = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()))
  })
  return async (respond) => {
    const server = await startServer(respond)
    servers.push(server)
    return server
  }
}

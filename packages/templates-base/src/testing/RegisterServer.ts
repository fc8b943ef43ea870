/**
 * A stand-in for the operator's register, as a real HTTP server on loopback: it answers the calls
 * the templates' activation and apply steps make, and records each request.
 *
 * @since 0.1.0
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

/**
 * A request the register received.
 *
 * @since 0.1.0
 * @category testing
 */
export interface RegisterRequest {
  readonly method: string
  readonly path: string
  readonly idempotencyKey: string | undefined
  readonly authorization: string | undefined
  readonly body: unknown
}

/**
 * A running register: its base URL (`http://127.0.0.1:<port>`), the requests so far, and `close`.
 *
 * @since 0.1.0
 * @category testing
 */
export interface RegisterServer {
  readonly url: string
  readonly host: string
  readonly requests: ReadonlyArray<RegisterRequest>
  readonly close: () => Promise<void>
}

const MAX_BODY = 1024 * 1024

const reply = (res: ServerResponse, status: number, body?: unknown): void => {
  if (body === undefined) {
    res.writeHead(status).end()
    return
  }
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body))
}

/**
 * Starts a register on `127.0.0.1` (a free port): `POST /registrations` → 201
 * `{ id: "REG-<n>", status: "active" }`, `POST /changes` → 200 `{ id: "CHG-<n>", status: "applied" }`,
 * `DELETE /registrations/<id>` → 204; other requests 404, bodies over 1 MiB 413, bodies that are
 * not JSON 400. Close it when done.
 *
 * @example
 * ```ts
 * import { startRegister } from "@workflow-manager/templates-base/testing"
 *
 * const register = await startRegister()
 * // ... config: { register: { url: register.url } }, allow-list register.host
 * await register.close()
 * ```
 *
 * @since 0.1.0
 * @category testing
 */
export const startRegister = async (): Promise<RegisterServer> => {
  const requests: Array<RegisterRequest> = []
  let registrations = 0
  let changes = 0
  /** The answer to one request: its status and JSON body (none for 204). */
  const answer = (req: IncomingMessage, raw: string): readonly [number, unknown] => {
    let body: unknown = null
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw)
      } catch {
        return [400, { error: "the body is not JSON" }]
      }
    }
    const path = (req.url ?? "/").split("?")[0] ?? "/"
    const header = (name: string): string | undefined => {
      const value = req.headers[name]
      return typeof value === "string" ? value : undefined
    }
    requests.push({
      method: req.method ?? "",
      path,
      idempotencyKey: header("idempotency-key"),
      authorization: header("authorization"),
      body
    })
    if (req.method === "POST" && path.endsWith("/registrations")) {
      registrations += 1
      return [201, { id: `REG-${String(registrations).padStart(4, "0")}`, status: "active" }]
    }
    if (req.method === "POST" && path.endsWith("/changes")) {
      changes += 1
      return [200, { id: `CHG-${String(changes).padStart(4, "0")}`, status: "applied" }]
    }
    if (req.method === "DELETE" && /\/registrations\/[^/]+$/.test(path)) return [204, undefined]
    return [404, { error: "not found" }]
  }
  const server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    let size = 0
    req.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) {
        reply(res, 413, { error: "too large" })
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on("end", () => {
      if (size > MAX_BODY) return
      const [status, body] = answer(req, Buffer.concat(chunks).toString("utf8"))
      reply(res, status, body)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

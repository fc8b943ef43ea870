/**
 * A real HTTP server on 127.0.0.1 (`node:http`) for the webhook tests: it records every request
 * (headers and body) and answers by a script — a status, a delay, a large body, or no answer.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

export interface Received {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

export type Reply =
  | { readonly status: number; readonly body?: string; readonly delayMs?: number; readonly location?: string }
  | { readonly hang: true }
  | { readonly bytes: number }

export interface TestHttpServer {
  readonly url: string
  readonly received: Array<Received>
  /** Replies for the next requests, in order; then 200. */
  readonly script: Array<Reply>
  readonly close: () => Promise<void>
}

export const startHttpServer = async (): Promise<TestHttpServer> => {
  const received: Array<Received> = []
  const script: Array<Reply> = []
  const open = new Set<ServerResponse>()
  const server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      received.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8")
      })
      const reply = script.shift() ?? { status: 200, body: "ok" }
      if ("hang" in reply) {
        open.add(res)
        return
      }
      if ("bytes" in reply) {
        res.writeHead(200, { "content-type": "application/octet-stream" })
        // a body far larger than any cap, written in chunks until the client goes away (bounded)
        let sent = 0
        const chunk = Buffer.alloc(64 * 1024, 120)
        const write = () => {
          while (sent < reply.bytes && !res.destroyed) {
            sent += chunk.length
            if (!res.write(chunk)) return void res.once("drain", write)
          }
          res.end()
        }
        res.on("error", () => undefined)
        write()
        return
      }
      const send = () => {
        res.writeHead(reply.status, {
          "content-type": "text/plain",
          ...(reply.location === undefined ? {} : { location: reply.location })
        })
        res.end(reply.body ?? "")
      }
      if (reply.delayMs === undefined) send()
      else setTimeout(send, reply.delayMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

import { createServer } from "node:net"

/**
 * A TCP port that is free on `host` now: the kernel picks one for a listener that is closed at once.
 * Another process may take it before you bind it, so bind soon (the private services do).
 *
 * ```ts
 * const port = await freePort()
 * ```
 */
export const freePort = (host = "127.0.0.1"): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once("error", reject)
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => (port > 0 ? resolve(port) : reject(new Error(`no free port on ${host}`))))
    })
  })

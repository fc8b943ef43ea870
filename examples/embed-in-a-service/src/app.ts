/**
 * The HTTP service: a `node:http` server whose request listener matches a route, reads the actor
 * and the body, runs the route, and answers JSON — errors through `errorResponse`.
 */
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import type { PromiseEngine } from "@workflow-manager/core"
import { createOnboardingEngine } from "./engine.ts"
import { actorFromHeaders } from "./http/actorFromHeaders.ts"
import { errorResponse } from "./http/errorResponse.ts"
import { HttpError } from "./http/HttpError.ts"
import { readJson } from "./http/readJson.ts"
import { type Reply, router } from "./http/router.ts"
import { type RequestContext, routes } from "./routes.ts"

const send = (response: ServerResponse, reply: Reply): void => {
  const body = JSON.stringify(reply.body)
  response.writeHead(reply.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...reply.headers
  })
  response.end(body)
}

const idempotencyKeyOf = (request: IncomingMessage): string | undefined => {
  const value = request.headers["idempotency-key"]
  const key = Array.isArray(value) ? value[0] : value
  if (key !== undefined && (key.length === 0 || key.length > 200)) {
    throw new HttpError(400, "BadRequest", "the Idempotency-Key header must have 1 to 200 characters")
  }
  return key
}

/** The request listener over an engine; `log` receives every error answered with a 5xx. */
export const requestListener = (
  engine: PromiseEngine,
  log: (error: unknown) => void = console.error
): RequestListener => {
  const match = router(routes(engine))
  const handle = async (request: IncomingMessage): Promise<Reply> => {
    // The workflow the path names, once matched: an error about it answers as for that workflow.
    let instanceId: string | undefined
    try {
      const url = new URL(request.url ?? "/", "http://localhost")
      const { route, params, param } = match(request.method ?? "GET", url.pathname)
      instanceId = params.get("id")
      const context: RequestContext = {
        actor: actorFromHeaders(request.headers),
        body: () => readJson(request),
        query: url.searchParams,
        idempotencyKey: idempotencyKeyOf(request)
      }
      return await route.handle(context, param)
    } catch (error) {
      const reply = errorResponse(error, instanceId)
      if (reply.status >= 500) log(error)
      return reply
    }
  }
  return (request, response) => {
    void handle(request).then((reply) => send(response, reply))
  }
}

/** A running service. */
export interface RunningService {
  readonly url: string
  readonly engine: PromiseEngine
  /** Stops accepting connections, closes the open ones and releases the engine. */
  readonly close: () => Promise<void>
}

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number
  /** Default `127.0.0.1`; `0.0.0.0` to listen on every interface. */
  readonly host?: string
  /** Default: a fresh {@link createOnboardingEngine}. */
  readonly engine?: PromiseEngine
  readonly log?: (error: unknown) => void
}

/** Starts the service and resolves once it listens. */
export const startServer = async (options: ServerOptions = {}): Promise<RunningService> => {
  const engine = options.engine ?? (await createOnboardingEngine())
  const server = createServer(requestListener(engine, options.log))
  const host = options.host ?? "127.0.0.1"
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    engine,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await engine.dispose()
    }
  }
}

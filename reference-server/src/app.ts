/**
 * The HTTP server: Fastify 5 with graphql-http's Fastify handler at `/graphql` (the explorer page
 * for browsers), `/healthz` and `/readyz`, CORS, security headers, request ids in pino's logs, a
 * body limit, and the document limits checked before anything runs. Mutations run only from a
 * POST with `application/json` (graphql-http answers a GET mutation 405 and any other body type
 * 415); a request carrying a bad token answers 401 before anything runs.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import type { IncomingMessage, ServerResponse } from "node:http"
import fastifyCors from "@fastify/cors"
import fastifyHelmet from "@fastify/helmet"
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RawServerDefault
} from "fastify"
import {
  type DocumentNode,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  type ValidationRule,
  validate
} from "graphql"
import type { Response as HandlerResponse } from "graphql-http"
import { createHandler } from "graphql-http/lib/use/fastify"
import type { ServerConfig } from "./config.ts"
import { explorerHtml, explorerScript } from "./explorer.ts"
import { type ApiContext, type ApiDeps, makeContext } from "./graphql/context.ts"
import { makeDocumentCache } from "./graphql/documents.ts"
import { checkLimits, isLimitError, limitError } from "./graphql/limits.ts"
import { makeSchema } from "./graphql/schema.ts"

/**
 * What the app needs beyond the API's parts.
 *
 * @since 0.1.0
 * @category app
 */
export interface AppOptions {
  readonly deps: ApiDeps
  readonly config: Pick<ServerConfig, "production" | "corsOrigins" | "limits">
  readonly logger: FastifyBaseLogger
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/
const JSON_TYPE = "application/json; charset=utf-8"

const answer = (
  status: number,
  statusText: string,
  body: unknown,
  headers: Record<string, string> = {}
): HandlerResponse => [JSON.stringify(body), { status, statusText, headers: { "content-type": JSON_TYPE, ...headers } }]

const unauthenticated = (): HandlerResponse =>
  answer(
    401,
    "Unauthorized",
    {
      errors: [{ message: "the token is invalid or expired: sign in again", extensions: { code: "UNAUTHENTICATED" } }]
    },
    { "www-authenticate": 'Bearer error="invalid_token"' }
  )

const limitAnswer = (error: GraphQLError): HandlerResponse => answer(400, "Bad Request", { errors: [error.toJSON()] })

/** Request errors (syntax, validation, variables) get a code; anything unexpected is masked. */
const formatError =
  (logger: FastifyBaseLogger) =>
  (error: Readonly<GraphQLError | Error>): GraphQLError | Error => {
    if (!(error instanceof GraphQLError)) return error
    if (typeof error.extensions.code === "string") return error
    const original = error.originalError
    if (original !== undefined && original !== null && !(original instanceof GraphQLError)) {
      logger.error({ err: original, path: error.path }, "unexpected resolver error")
      return new GraphQLError("internal error", {
        ...(error.path === undefined ? {} : { path: error.path }),
        extensions: { code: "INTERNAL" }
      })
    }
    return new GraphQLError(error.message, {
      ...(error.nodes === undefined ? {} : { nodes: error.nodes }),
      ...(error.path === undefined ? {} : { path: error.path }),
      extensions: { ...error.extensions, code: "BAD_USER_INPUT" }
    })
  }

const wantsExplorer = (request: FastifyRequest): boolean =>
  request.method === "GET" &&
  (request.headers.accept ?? "").includes("text/html") &&
  (request.query as Record<string, unknown> | undefined)?.query === undefined

/**
 * Builds the Fastify app (not listening yet).
 *
 * @example
 * ```ts
 * const app = await createApp({ deps, config, logger })
 * await app.listen({ host: "127.0.0.1", port: 4000 })
 * ```
 *
 * @since 0.1.0
 * @category app
 */
export const createApp = async (
  options: AppOptions
): Promise<FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger>> => {
  const { deps, config, logger } = options
  const limits = config.limits
  const schema = makeSchema()
  const rules: ReadonlyArray<ValidationRule> = config.production
    ? [...specifiedRules, NoSchemaIntrospectionCustomRule]
    : specifiedRules
  let draining = false
  const documents = makeDocumentCache(500, 20_000)

  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: limits.bodyBytes,
    genReqId: (req) => {
      const given = req.headers["x-request-id"]
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID()
    },
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    return503OnClosing: true
  })
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        connectSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        frameAncestors: ["'none'"]
      }
    }
  })
  await app.register(fastifyCors, {
    origin: config.corsOrigins === false ? false : config.corsOrigins === true ? true : [...config.corsOrigins],
    methods: ["GET", "POST"],
    allowedHeaders: ["content-type", "authorization", "accept", "x-request-id"],
    exposedHeaders: ["x-request-id"],
    maxAge: 600
  })
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id)
  })

  const graphql = createHandler<ApiContext>({
    schema,
    onSubscribe: (req, params) => {
      const cached = documents.get(params.query)
      let document: DocumentNode
      if (cached !== undefined) document = cached
      else {
        try {
          document = parse(params.query, { maxTokens: limits.tokens })
        } catch (error) {
          if (error instanceof GraphQLError && /more than \d+ tokens/.test(error.message)) {
            return limitAnswer(limitError("tokens", `the document has more than ${limits.tokens} tokens`))
          }
          return [error instanceof GraphQLError ? error : new GraphQLError("the document cannot be parsed")]
        }
      }
      try {
        const cost = checkLimits(document, params.operationName, params.variables, limits)
        req.raw.log.debug({ cost: cost.cost, depth: cost.depth }, "graphql document")
      } catch (error) {
        if (isLimitError(error)) return limitAnswer(error as GraphQLError)
        throw error
      }
      if (cached === undefined) {
        const errors = validate(schema, document, rules, { hideSuggestions: config.production })
        if (errors.length > 0) return errors
        documents.set(params.query, document)
      }
      return {
        schema,
        document,
        operationName: params.operationName ?? null,
        variableValues: params.variables ?? null,
        hideSuggestions: config.production
      }
    },
    context: async (req) => {
      const request = req.raw
      const authorization = request.headers.authorization
      if (authorization === undefined || authorization === "") {
        return makeContext(deps, undefined, request.ip, request.log)
      }
      try {
        const actor = await deps.auth.authenticate(authorization)
        return makeContext(
          deps,
          actor,
          request.ip,
          request.log.child({ userId: actor.userId, tenantId: actor.tenantId })
        )
      } catch (error) {
        if ((error as { code?: unknown }).code === "UNAVAILABLE") {
          request.log.warn({ err: error }, "the user directory is unavailable")
          return answer(503, "Service Unavailable", {
            errors: [{ message: "the user directory is unavailable; retry later", extensions: { code: "UNAVAILABLE" } }]
          })
        }
        request.log.info({ reason: error instanceof Error ? error.message : String(error) }, "token refused")
        return unauthenticated()
      }
    },
    formatError: formatError(logger)
  })

  const graphqlRoute = async (request: FastifyRequest, reply: FastifyReply) => {
    if (wantsExplorer(request)) {
      if (config.production) return reply.code(404).send({ error: "the explorer is off in production" })
      return reply.type("text/html; charset=utf-8").send(explorerHtml())
    }
    return graphql.call(app, request, reply)
  }
  app.route({ method: ["GET", "POST"], url: "/graphql", handler: graphqlRoute })
  app.get("/graphql/explorer.js", async (_request, reply) => {
    if (config.production) return reply.code(404).send({ error: "the explorer is off in production" })
    return reply.type("text/javascript; charset=utf-8").send(explorerScript())
  })
  app.get("/healthz", async () => ({ status: "ok" }))
  app.get("/readyz", async (_request, reply) => {
    if (draining) return reply.code(503).send({ status: "shutting down" })
    try {
      await deps.storage.ping()
      return { status: "ready", storage: deps.storage.kind }
    } catch (error) {
      logger.warn({ err: error }, "readiness: the storage does not answer")
      return reply.code(503).send({ status: "unavailable", storage: deps.storage.kind })
    }
  })
  app.addHook("preClose", async () => {
    draining = true
  })
  return app
}

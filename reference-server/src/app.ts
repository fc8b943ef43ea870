/**
 * The HTTP server: Fastify 5 with graphql-http's Fastify handler at `/graphql` (GraphiQL for
 * browsers, outside production), `/healthz` and `/readyz`, CORS, security headers, request ids in pino's logs, a
 * body limit, and the document limits checked before anything runs. Mutations run only from a
 * POST with `application/json` (graphql-http answers a GET mutation 405 and any other body type
 * 415); a request carrying a bad token answers 401 before anything runs.
 *
 * @since 0.1.0
 */
import { randomBytes, randomUUID } from "node:crypto"
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
import { acceptsGzip, GRAPHIQL_ASSETS_PATH, loadGraphiql } from "./graphiql.ts"
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

/**
 * Each response's CSP nonce for `style-src`, made when helmet writes the header and read by the
 * GraphiQL page: GraphiQL's dialogs inject `<style>` tags (react-remove-scroll), which a nonce
 * allows without `'unsafe-inline'`. Everything else GraphiQL styles comes from its stylesheet or
 * through the CSSOM (`element.style`), which CSP does not restrict.
 */
const styleNonces = new WeakMap<ServerResponse, string>()
const styleNonce = (response: ServerResponse): string => {
  let nonce = styleNonces.get(response)
  if (nonce === undefined) {
    nonce = randomBytes(16).toString("base64url")
    styleNonces.set(response, nonce)
  }
  return nonce
}

const wantsGraphiql = (request: FastifyRequest): boolean =>
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
    return503OnClosing: true,
    // a client that trickles its request is cut off (Node's own default is 5 minutes)
    requestTimeout: 30_000
  })
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", (_request, response) => `'nonce-${styleNonce(response)}'`],
        connectSrc: ["'self'"],
        // GraphiQL's stylesheet embeds its fonts and icons as data: URLs (helmet's default also allows https:)
        fontSrc: ["'self'", "data:"],
        imgSrc: ["'self'", "data:"],
        frameAncestors: ["'none'"],
        // the server speaks plain HTTP outside a proxy: upgrading would break the page's assets
        upgradeInsecureRequests: null
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

  // GraphiQL is read (once) only outside production; in production neither the page nor its assets exist
  const graphiql = config.production ? undefined : loadGraphiql()
  const graphqlRoute = async (request: FastifyRequest, reply: FastifyReply) => {
    if (wantsGraphiql(request)) {
      if (graphiql === undefined) return reply.code(404).send({ error: "GraphiQL is off in production" })
      return reply
        .type("text/html; charset=utf-8")
        .header("cache-control", "no-cache")
        .send(graphiql.page(styleNonce(reply.raw)))
    }
    return graphql.call(app, request, reply)
  }
  app.route({ method: ["GET", "POST"], url: "/graphql", handler: graphqlRoute })
  if (graphiql !== undefined) {
    app.get<{ Params: { file: string } }>(`${GRAPHIQL_ASSETS_PATH}/:file`, async (request, reply) => {
      const file = graphiql.assets.get(request.params.file)
      if (file === undefined) return reply.code(404).send({ error: "no such asset" })
      // content-hashed names: a new version is a new URL
      reply.type(file.contentType).header("cache-control", "public, max-age=31536000, immutable")
      reply.header("vary", "accept-encoding")
      if (!acceptsGzip(request.headers["accept-encoding"])) return reply.send(file.body)
      return reply.header("content-encoding", "gzip").send(file.gzip)
    })
  }
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

/**
 * The whole server, started the way `pnpm start` starts it (configuration from an environment,
 * storage, auth, engine, demo data, Fastify listening on 127.0.0.1:0), on the embedded default,
 * on a fresh PostgreSQL database, and on the split (a fresh PostgreSQL database + a fresh database
 * on the MongoDB-wire server, FerretDB here); and a small GraphQL client over real HTTP.
 */
import { describeWithService, describeWithServices, FerretDB, PostgreSQL } from "@workflow-manager/test-utils"
import { afterAll, beforeAll, describe } from "vitest"
import { loadConfig } from "../../src/config.ts"
import { DEMO_PASSWORD } from "../../src/demo.ts"
import { type RunningServer, startServer } from "../../src/server.ts"
import { freshDatabase, freshDataDir, freshMongoDatabase } from "./databases.ts"

export interface GraphQLAnswer {
  readonly status: number
  readonly body: {
    readonly data?: Record<string, unknown> | null
    readonly errors?: ReadonlyArray<{
      readonly message: string
      readonly path?: ReadonlyArray<string | number>
      readonly extensions?: Record<string, unknown>
    }>
  }
  readonly text: string
}

export interface TestServer {
  readonly backend: "embedded" | "postgres" | "split"
  readonly running: RunningServer
  readonly url: string
  /** POSTs an operation as JSON (with a token when given). */
  readonly gql: (query: string, variables?: Record<string, unknown>, token?: string) => Promise<GraphQLAnswer>
  /** Signs a demo user in and returns the token. */
  readonly login: (email: string) => Promise<string>
}

export const post = async (url: string, body: string, headers: Record<string, string>): Promise<GraphQLAnswer> => {
  const response = await fetch(url, { method: "POST", headers, body })
  const text = await response.text()
  let parsed: GraphQLAnswer["body"] = {}
  try {
    parsed = JSON.parse(text) as GraphQLAnswer["body"]
  } catch {
    // not JSON: the status and text say what happened
  }
  return { status: response.status, body: parsed, text }
}

const client = (running: RunningServer, backend: TestServer["backend"]): TestServer => {
  const gql: TestServer["gql"] = (query, variables = {}, token) =>
    post(`${running.url}/graphql`, JSON.stringify({ query, variables }), {
      "content-type": "application/json",
      accept: "application/graphql-response+json",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` })
    })
  const login = async (email: string) => {
    const answer = await gql(
      "mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token } }",
      { email, password: DEMO_PASSWORD }
    )
    const token = (answer.body.data?.login as { token?: string } | null)?.token
    if (token === undefined) throw new Error(`sign-in of ${email} failed: ${answer.text}`)
    return token
  }
  return { backend, running, url: running.url, gql, login }
}

// these suites drive automatic steps and count events by hand: no in-process worker races them
// (the worker's own suites, worker*.test.ts, turn it on)
const quiet = { LOG_LEVEL: "silent", PORT: "0", HOST: "127.0.0.1", WM_DEMO_DATA: "true", WM_WORKER: "off" }

/** Starts a server on a fresh embedded data folder (returned for restarts). */
export const startEmbedded = async (dir: string, env: Record<string, string> = {}): Promise<TestServer> => {
  const environment = { ...quiet, WM_DATA_DIR: dir, ...env }
  return client(await startServer(loadConfig(environment), environment), "embedded")
}

/** A server for the enclosing `describe` over databases `open` makes (started before; stopped, then `cleanup`, after). */
const useServer = (
  backend: TestServer["backend"],
  open: () => Promise<{ readonly env: Record<string, string>; readonly cleanup: () => Promise<void> }>,
  env: Record<string, string>
): (() => TestServer) => {
  let server: TestServer | undefined
  let data: Awaited<ReturnType<typeof freshDataDir>> | undefined
  let cleanup: (() => Promise<void>) | undefined
  beforeAll(async () => {
    data = await freshDataDir()
    const databases = await open()
    cleanup = databases.cleanup
    const environment = { ...quiet, WM_DATA_DIR: data.dir, ...databases.env, ...env }
    server = client(await startServer(loadConfig(environment), environment), backend)
  })
  afterAll(async () => {
    try {
      await server?.running.close()
    } finally {
      await cleanup?.()
      await data?.remove()
    }
  })
  return () => {
    if (server === undefined) throw new Error(`the ${backend} server is not running`)
    return server
  }
}

/**
 * Registers `body` on PostgreSQL + the MongoDB-wire server (skipped without them, failing with
 * REQUIRE_SERVICES=1), with both URLs.
 */
export const describeWithSplit = (name: string, body: (pgUrl: string, mongoUrl: string) => void) =>
  describeWithServices([PostgreSQL, FerretDB], name, ([pgUrl, mongoUrl]) => body(pgUrl as string, mongoUrl as string))

/**
 * Registers `body` once per backend: the embedded default, PostgreSQL (a fresh database), and with
 * `split`, PostgreSQL + FerretDB (a fresh database on each).
 */
export const describeServers = async (
  name: string,
  body: (server: () => TestServer) => void,
  env: Record<string, string> = {},
  options: { readonly split?: boolean } = {}
): Promise<void> => {
  describe(`${name} [embedded]`, () => {
    body(useEmbeddedServer(env))
  })
  await describeWithService(PostgreSQL, `${name} [postgres]`, (serverUrl) => {
    body(
      useServer(
        "postgres",
        async () => {
          const db = await freshDatabase(serverUrl)
          return { env: { DATABASE_URL: db.url }, cleanup: db.drop }
        },
        env
      )
    )
  })
  if (options.split !== true) return
  await describeWithSplit(`${name} [split: PostgreSQL + FerretDB]`, (pgUrl, mongoUrl) => {
    body(
      useServer(
        "split",
        async () => {
          const db = await freshDatabase(pgUrl)
          const mongo = freshMongoDatabase(mongoUrl)
          return {
            env: { DATABASE_URL: db.url, MONGODB_URL: mongo.url },
            cleanup: async () => {
              try {
                await mongo.drop()
              } finally {
                await db.drop()
              }
            }
          }
        },
        env
      )
    )
  })
}

/** The `extensions.code` of every error of an answer. */
export const codes = (answer: GraphQLAnswer): ReadonlyArray<unknown> =>
  (answer.body.errors ?? []).map((error) => error.extensions?.code)

/** The value of a root field of an answer (fails the test when it is missing). */
export const dataOf = <A>(answer: GraphQLAnswer, field: string): A => {
  const value = answer.body.data?.[field]
  if (value === undefined || value === null) throw new Error(`no ${field} in ${answer.text.slice(0, 500)}`)
  return value as A
}

/** A server on a fresh embedded data folder for the enclosing `describe` (started before, stopped after). */
export const useEmbeddedServer = (env: Record<string, string> = {}): (() => TestServer) =>
  useServer("embedded", async () => ({ env: {}, cleanup: async () => {} }), env)

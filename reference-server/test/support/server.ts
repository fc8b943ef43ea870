/**
 * The whole server, started the way `pnpm start` starts it (configuration from an environment,
 * storage, auth, engine, demo data, Fastify listening on 127.0.0.1:0), on the embedded default
 * and on a fresh PostgreSQL database; and a small GraphQL client over real HTTP.
 */
import { describeWithService, PostgreSQL } from "@workflow-manager/test-utils"
import { afterAll, beforeAll, describe } from "vitest"
import { loadConfig } from "../../src/config.ts"
import { DEMO_PASSWORD } from "../../src/demo.ts"
import { type RunningServer, startServer } from "../../src/server.ts"
import { freshDatabase, freshDataDir } from "./databases.ts"

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
  readonly backend: "embedded" | "postgres"
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

const quiet = { LOG_LEVEL: "silent", PORT: "0", HOST: "127.0.0.1", WM_DEMO_DATA: "true" }

/** Starts a server on a fresh embedded data folder (returned for restarts). */
export const startEmbedded = async (dir: string, env: Record<string, string> = {}): Promise<TestServer> => {
  const environment = { ...quiet, WM_DATA_DIR: dir, ...env }
  return client(await startServer(loadConfig(environment), environment), "embedded")
}

/** Registers `body` once per backend: the embedded default and PostgreSQL (a fresh database). */
export const describeServers = async (
  name: string,
  body: (server: () => TestServer) => void,
  env: Record<string, string> = {}
): Promise<void> => {
  describe(`${name} [embedded]`, () => {
    body(useEmbeddedServer(env))
  })
  await describeWithService(PostgreSQL, `${name} [postgres]`, (serverUrl) => {
    let server: TestServer | undefined
    let data: Awaited<ReturnType<typeof freshDataDir>> | undefined
    let db: Awaited<ReturnType<typeof freshDatabase>> | undefined
    beforeAll(async () => {
      data = await freshDataDir()
      db = await freshDatabase(serverUrl)
      const environment = { ...quiet, WM_DATA_DIR: data.dir, DATABASE_URL: db.url, ...env }
      server = client(await startServer(loadConfig(environment), environment), "postgres")
    })
    afterAll(async () => {
      await server?.running.close()
      await db?.drop()
      await data?.remove()
    })
    body(() => {
      if (server === undefined) throw new Error("the postgres server is not running")
      return server
    })
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
export const useEmbeddedServer = (env: Record<string, string> = {}): (() => TestServer) => {
  let server: TestServer | undefined
  let data: Awaited<ReturnType<typeof freshDataDir>> | undefined
  beforeAll(async () => {
    data = await freshDataDir()
    server = await startEmbedded(data.dir, env)
  })
  afterAll(async () => {
    await server?.running.close()
    await data?.remove()
  })
  return () => {
    if (server === undefined) throw new Error("the embedded server is not running")
    return server
  }
}

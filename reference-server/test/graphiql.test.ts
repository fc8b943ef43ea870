/**
 * GraphiQL at `GET /graphql`, over real HTTP: the page, each asset it loads (served by the server
 * from the npm packages, no URL a browser would fetch elsewhere), the strict CSP with its style
 * nonce, and the start script's tabs (valid operations; the sign-in tab signs in). Production
 * mode (no page, no assets): app.test.ts.
 */
import { request } from "node:http"
import { runInNewContext } from "node:vm"
import { gunzipSync } from "node:zlib"
import { parse, validate } from "graphql"
import { describe, expect, it } from "vitest"
import { acceptsGzip } from "../src/graphiql.ts"
import { makeSchema } from "../src/graphql/schema.ts"
import { dataOf, useEmbeddedServer } from "./support/server.ts"

interface Raw {
  readonly status: number
  readonly headers: Record<string, string | Array<string> | undefined>
  readonly body: Buffer
}

/** A GET with exactly these headers (fetch would add and undo its own Accept-Encoding). */
const get = (url: string, headers: Record<string, string> = {}): Promise<Raw> =>
  new Promise((resolve, reject) => {
    const req = request(url, { headers }, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) })
      )
      response.on("error", reject)
    })
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${url} timed out`)))
    req.on("error", reject)
    req.end()
  })

const header = (raw: Raw, name: string): string => String(raw.headers[name] ?? "")

const directives = (csp: string): Map<string, ReadonlyArray<string>> =>
  new Map(
    csp
      .split(";")
      .map((directive) => directive.trim().split(/\s+/))
      .filter((parts) => parts[0] !== "")
      .map(([name = "", ...values]) => [name, values])
  )

const URL_PATTERN = /https?:\/\/[^\s"'`)\\<>]*/g

/**
 * The http(s) URLs the vendor bundles carry that no browser fetches: XML namespaces of the SVG and
 * DOM code, links shown in error messages and comments, and markdown-it's prefix for schema-less
 * links. Anything else (a font, a CDN) fails the test; the CSP would block it anyway.
 */
const NOT_FETCHED = [
  "http://www.w3.org/",
  "https://github.com/",
  "https://reactjs.org/docs/error-decoder.html",
  "https://en.wikipedia.org/wiki/",
  "https://commonmark.org/",
  "https://codemirror.net/5/doc/manual.html"
]
const CDN_HOSTS = ["fonts.googleapis.com", "fonts.gstatic.com", "unpkg.com", "cdn.jsdelivr.net", "cdnjs.cloudflare.com"]

const fetchedUrls = (text: string): ReadonlyArray<string> =>
  [...text.matchAll(URL_PATTERN)]
    .map((match) => match[0])
    .filter((url) => url !== "http://" && !NOT_FETCHED.some((prefix) => url.startsWith(prefix)))

interface StartProps {
  readonly fetcher: unknown
  readonly fetcherOptions: { readonly url?: string }
  readonly defaultQuery: string
  readonly defaultTabs: ReadonlyArray<{ readonly query: string; readonly variables?: string }>
  readonly isHeadersEditorEnabled: boolean
  readonly shouldPersistHeaders: boolean
  readonly mountedOn: string
  readonly nonce: unknown
}

/** Runs the start script against recording stand-ins of React, ReactDOM and GraphiQL. */
const runStart = (script: string, nonce: string): StartProps => {
  const recorded: Record<string, unknown> = {}
  const GraphiQL = Object.assign(() => null, {
    createFetcher: (options: { url?: string }) => {
      recorded.fetcherOptions = options
      return "the fetcher"
    }
  })
  const window: Record<string, unknown> = {}
  const context = {
    window,
    document: {
      querySelector: (selector: string) =>
        selector === 'meta[name="wm-style-nonce"]' ? { getAttribute: () => nonce } : null,
      getElementById: (id: string) => ({ id })
    },
    React: {
      createElement: (component: unknown, props: Record<string, unknown>) => {
        if (component === GraphiQL) Object.assign(recorded, props)
        return { component, props }
      }
    },
    ReactDOM: {
      createRoot: (element: { id: string }) => {
        recorded.mountedOn = element.id
        return { render: () => undefined }
      }
    },
    GraphiQL
  }
  runInNewContext(script, context, { timeout: 5_000 })
  return { ...recorded, nonce: window.__webpack_nonce__ } as unknown as StartProps
}

describe("GraphiQL at /graphql", () => {
  const server = useEmbeddedServer()
  const page = () => get(`${server().url}/graphql`, { accept: "text/html,application/xhtml+xml" })
  const assetsOf = (html: string) => ({
    scripts: [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({
      attributes: m[1] ?? "",
      body: m[2] ?? ""
    })),
    stylesheets: [...html.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((m) => m[1] ?? "")
  })
  const src = (attributes: string) => /src="([^"]+)"/.exec(attributes)?.[1] ?? ""

  it("serves the page: GraphiQL, React and ReactDOM from the server, no inline script or style", async () => {
    const answer = await page()
    expect(answer.status).toBe(200)
    expect(header(answer, "content-type")).toBe("text/html; charset=utf-8")
    expect(header(answer, "cache-control")).toBe("no-cache")
    const html = answer.body.toString("utf8")
    const { scripts, stylesheets } = assetsOf(html)
    expect(scripts.map((script) => src(script.attributes))).toEqual([
      expect.stringMatching(/^\/graphql\/assets\/react\.[0-9a-f]{12}\.js$/),
      expect.stringMatching(/^\/graphql\/assets\/react-dom\.[0-9a-f]{12}\.js$/),
      expect.stringMatching(/^\/graphql\/assets\/graphiql\.[0-9a-f]{12}\.js$/),
      expect.stringMatching(/^\/graphql\/assets\/start\.[0-9a-f]{12}\.js$/)
    ])
    expect(scripts.every((script) => script.body.trim() === "")).toBe(true)
    expect(stylesheets).toEqual([
      expect.stringMatching(/^\/graphql\/assets\/graphiql\.[0-9a-f]{12}\.css$/),
      expect.stringMatching(/^\/graphql\/assets\/page\.[0-9a-f]{12}\.css$/)
    ])
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i)
    expect(html.match(URL_PATTERN)).toBeNull()
    expect(html).toContain('<div id="graphiql">')
  })

  it("sends a strict CSP: scripts from the server only, styles from it or with this response's nonce", async () => {
    const [first, second] = [await page(), await page()]
    const csp = header(first, "content-security-policy")
    const policy = directives(csp)
    expect(policy.get("default-src")).toEqual(["'self'"])
    expect(policy.get("script-src")).toEqual(["'self'"])
    expect(policy.get("script-src-attr")).toEqual(["'none'"])
    expect(policy.get("connect-src")).toEqual(["'self'"])
    expect(policy.get("font-src")).toEqual(["'self'", "data:"])
    expect(policy.get("img-src")).toEqual(["'self'", "data:"])
    expect(policy.get("object-src")).toEqual(["'none'"])
    expect(policy.get("frame-ancestors")).toEqual(["'none'"])
    const nonce = /^'nonce-([A-Za-z0-9_-]{22})'$/.exec(policy.get("style-src")?.[1] ?? "")?.[1]
    expect(policy.get("style-src")).toEqual(["'self'", `'nonce-${nonce}'`])
    // no CDN, no scheme or wildcard source, nothing unsafe
    expect(csp).not.toMatch(/https?:|\*|unsafe-|\/\//)
    // the page hands the same nonce to the start script; the next response has another
    expect(first.body.toString("utf8")).toContain(`<meta name="wm-style-nonce" content="${nonce}">`)
    const next = directives(header(second, "content-security-policy")).get("style-src")?.[1]
    expect(next).not.toBe(`'nonce-${nonce}'`)
    expect(second.body.toString("utf8")).toContain(`content="${next?.slice(7, -1)}"`)
  })

  it("serves each asset with its content type, a year's cache, gzipped on request, and no external URL", async () => {
    const { scripts, stylesheets } = assetsOf((await page()).body.toString("utf8"))
    const paths = [...stylesheets, ...scripts.map((script) => src(script.attributes))]
    expect(paths).toHaveLength(6)
    const sizes: Record<string, number> = {}
    for (const path of paths) {
      const plain = await get(`${server().url}${path}`)
      expect(plain.status, path).toBe(200)
      expect(header(plain, "content-type"), path).toBe(
        path.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8"
      )
      expect(header(plain, "cache-control"), path).toBe("public, max-age=31536000, immutable")
      expect(header(plain, "x-content-type-options"), path).toBe("nosniff")
      expect(header(plain, "content-encoding"), path).toBe("")
      expect(plain.body.length, path).toBeGreaterThan(0)
      sizes[path] = plain.body.length
      const gzipped = await get(`${server().url}${path}`, { "accept-encoding": "br, gzip;q=0.8" })
      expect(header(gzipped, "content-encoding"), path).toBe("gzip")
      expect(header(gzipped, "vary"), path).toContain("accept-encoding")
      expect(gunzipSync(gzipped.body).equals(plain.body), path).toBe(true)

      const text = plain.body.toString("utf8")
      expect(fetchedUrls(text), path).toEqual([])
      for (const host of CDN_HOSTS) expect(text, `${path} names ${host}`).not.toContain(host)
      expect(text, path).not.toContain("sourceMappingURL")
      if (path.endsWith(".css")) {
        expect(text, path).not.toMatch(/@import/i)
        // GraphiQL's fonts and icons are embedded: every url() is a data: URL
        const urls = [...text.matchAll(/url\(\s*["']?([^"')]*)/g)].map((m) => m[1] ?? "")
        expect(
          urls.filter((url) => !url.startsWith("data:")),
          path
        ).toEqual([])
      }
    }
    // the vendor bundles are the real ones (GraphiQL's is close to a megabyte)
    const bundle = Object.entries(sizes).find(([path]) => /\/graphiql\.[0-9a-f]+\.js$/.test(path))
    expect(bundle?.[1]).toBeGreaterThan(500_000)
  })

  it("answers 404 for an asset it does not have", async () => {
    for (const name of ["graphiql.min.js", "__proto__", "constructor", "..%2Fpackage.json", "start.000000000000.js"]) {
      const answer = await get(`${server().url}/graphql/assets/${name}`)
      expect(answer.status, name).toBe(404)
      expect(answer.body.toString("utf8"), name).not.toContain("GraphiQL")
    }
  })

  it("serves React's and ReactDOM's UMD builds, and a GraphiQL build that needs only those two globals", async () => {
    const { scripts } = assetsOf((await page()).body.toString("utf8"))
    const [react, reactDom, graphiql] = await Promise.all(
      scripts
        .slice(0, 3)
        .map(async (script) => (await get(`${server().url}${src(script.attributes)}`)).body.toString("utf8"))
    )
    // React and ReactDOM load without a DOM: run them and read the globals GraphiQL takes
    const context: Record<string, unknown> = { TextDecoder, TextEncoder, URL, console, setTimeout, clearTimeout }
    context.self = context
    context.window = context
    runInNewContext(react ?? "", context, { timeout: 30_000 })
    runInNewContext(reactDom ?? "", context, { timeout: 30_000 })
    const globals = context as { React?: { version?: string }; ReactDOM?: { createRoot?: unknown; version?: string } }
    expect(globals.React?.version).toBe("18.3.1")
    expect(globals.ReactDOM?.version).toMatch(/^18\.3\.1\b/)
    expect(typeof globals.ReactDOM?.createRoot).toBe("function")
    // GraphiQL's needs a DOM to load (the browser runs it): its UMD wrapper takes React and ReactDOM only
    expect(graphiql?.slice(0, 400)).toContain(".GraphiQL=t(e.React,e.ReactDOM)")
    expect(graphiql?.slice(0, 400)).toContain('define(["react","react-dom"],t)')
    expect(graphiql).toContain("createFetcher")
  })

  it("mounts GraphiQL on /graphql with the headers editor, the sign-in as default query and valid example tabs", async () => {
    const { scripts } = assetsOf((await page()).body.toString("utf8"))
    const start = (await get(`${server().url}${src(scripts[3]?.attributes ?? "")}`)).body.toString("utf8")
    const props = runStart(start, "n0nce")
    expect(props.mountedOn).toBe("graphiql")
    expect(props.nonce).toBe("n0nce")
    expect(props.fetcherOptions).toEqual({ url: "/graphql" })
    expect(props.fetcher).toBe("the fetcher")
    expect(props.isHeadersEditorEnabled).toBe(true)
    expect(props.shouldPersistHeaders).toBe(false)
    expect(props.defaultQuery).toMatch(/"Authorization": "Bearer <the token>"/)
    expect(
      props.defaultTabs.map((tab) => parse(tab.query).definitions.map((d) => ("name" in d ? d.name?.value : "")))
    ).toEqual([["SignIn"], ["Me"], ["WorkflowsInProgress"], ["Workflow"], ["Templates"]])
    expect(props.defaultTabs[0]?.query).toBe(props.defaultQuery)
    const schema = makeSchema()
    for (const tab of props.defaultTabs) {
      expect(validate(schema, parse(tab.query)), tab.query).toEqual([])
      if (tab.variables !== undefined) expect(() => JSON.parse(tab.variables as string)).not.toThrow()
    }

    // what the comment tells the user works: run the sign-in, send its token as the header
    const signIn = await server().gql(props.defaultQuery)
    const token = dataOf<{ token: string }>(signIn, "login").token
    const me = await server().gql(props.defaultTabs[1]?.query ?? "", {}, token)
    expect(dataOf<{ role: string }>(me, "me").role).toBe("tenant_user")
    const templates = await server().gql(props.defaultTabs[4]?.query ?? "", {}, token)
    expect(dataOf<ReadonlyArray<unknown>>(templates, "templates").length).toBeGreaterThan(0)
  })

  it("passes GraphiQL's introspection query under the document limits", async () => {
    const { getIntrospectionQuery } = await import("graphql")
    const query = getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, schemaDescription: true })
    const answer = await server().gql(query)
    expect(answer.status).toBe(200)
    expect((answer.body.data?.__schema as { queryType?: { name?: string } } | undefined)?.queryType?.name).toBe("Query")
  })
})

describe("the external URL check", () => {
  it("catches a font, a CDN script or a stylesheet import, and lets namespaces and message links by", () => {
    const css = "@font-face{src:url(https://fonts.gstatic.com/s/roboto.woff2)}@import 'http://cdn.example/x.css';"
    expect(fetchedUrls(css)).toEqual(["https://fonts.gstatic.com/s/roboto.woff2", "http://cdn.example/x.css"])
    expect(fetchedUrls('s.src="https://unpkg.com/react@18/umd/react.js"')).toEqual([
      "https://unpkg.com/react@18/umd/react.js"
    ])
    expect(
      fetchedUrls('{xmlns:"http://www.w3.org/2000/svg"} see https://github.com/graphql/graphiql "http://"+a')
    ).toEqual([])
  })
})

describe("acceptsGzip", () => {
  it("reads Accept-Encoding's codings and qualities, and survives junk", () => {
    expect(acceptsGzip("gzip")).toBe(true)
    expect(acceptsGzip("br, gzip;q=0.5")).toBe(true)
    expect(acceptsGzip("*")).toBe(true)
    expect(acceptsGzip(undefined)).toBe(false)
    expect(acceptsGzip("")).toBe(false)
    expect(acceptsGzip("identity")).toBe(false)
    expect(acceptsGzip("gzip;q=0")).toBe(false)
    expect(acceptsGzip("*, gzip;q=0")).toBe(false)
    expect(acceptsGzip("gzip;q=abc")).toBe(false)
    expect(acceptsGzip(`${"x,".repeat(100_000)}gzip`)).toBe(false)
    expect(acceptsGzip("__proto__, constructor;q=1")).toBe(false)
  })
})

/**
 * GraphiQL at `GET /graphql` for browsers (outside production), served offline: GraphiQL 3.9's
 * UMD build and React 18's UMD builds are read once from the npm packages at start and served
 * by the server itself under `/graphql/assets/` (content-hashed names, cached for a year), with a
 * small start script that mounts GraphiQL — nothing from a CDN, no inline script, no external font
 * (GraphiQL's CSS embeds its fonts as `data:` URLs).
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { gzipSync } from "node:zlib"

/**
 * One file the page loads: its name under `/graphql/assets/`, content type, and bytes (plain and
 * gzipped once at start).
 *
 * @since 0.1.0
 * @category graphiql
 */
export interface GraphiqlAsset {
  readonly name: string
  readonly contentType: string
  readonly body: Buffer
  readonly gzip: Buffer
}

/**
 * The page and its assets.
 *
 * @since 0.1.0
 * @category graphiql
 */
export interface Graphiql {
  /** The HTML page; `styleNonce` is the CSP nonce of this response's `style-src`. */
  readonly page: (styleNonce: string) => string
  /** The assets by name (the last segment of `/graphql/assets/<name>`). */
  readonly assets: ReadonlyMap<string, GraphiqlAsset>
}

/** Where an asset's URL points. */
export const GRAPHIQL_ASSETS_PATH = "/graphql/assets"

/** How the sign-in works, at the top of the first tab and of every new tab. */
const SIGN_IN = `# Welcome to the Workflow Manager API.
#
# 1. Run this mutation (▶): it signs a demo user in (password "demo-password-2026"; the
#    other demo users: ops@elia.example, admin@electrabel.example, approver@electrabel.example).
# 2. Copy the "token" of the answer and open "Headers" below; paste
#      { "Authorization": "Bearer <the token>" }
#    Every other operation needs it (it expires after 15 minutes: sign in again).
#    Remove the header before signing in again: a stale token answers 401.
# 3. The other tabs hold example operations; the docs (top left) list the whole schema.
mutation SignIn {
  login(email: "user@electrabel.example", password: "demo-password-2026") {
    token
    expiresAt
    me { userId tenantId role permissions }
  }
}
`

/** The first tabs GraphiQL opens with (when the browser has no tabs of its own stored). */
const TABS: ReadonlyArray<{ readonly query: string; readonly variables?: string }> = [
  { query: SIGN_IN },
  { query: `query Me {\n  me { userId role permissions tenant { companyName vatNumber eic } }\n}\n` },
  {
    query: `query WorkflowsInProgress($after: String) {
  workflows(filter: { status: [IN_PROGRESS] }, first: 10, after: $after) {
    nodes { id status marketRole currentStepId version tenant { companyName } template { name } }
    pageInfo { hasNextPage endCursor }
  }
}
`
  },
  {
    query: `# Put a workflow id from WorkflowsInProgress in the variables.
query Workflow($id: ID!) {
  workflow(id: $id) {
    id status version currentStep { id name type }
    tenant { companyName vatNumber }
    state { steps { stepId status attempts data completedBy } }
    events { sequence type stepId performedBy occurredAt data }
  }
}
`,
    variables: `{ "id": "" }`
  },
  { query: `query Templates {\n  templates { id version name marketRole steps { id type name } }\n}\n` }
]

/**
 * The start script: hands the page's style nonce to the style tags GraphiQL's dialogs inject
 * (react-remove-scroll reads `__webpack_nonce__`), then mounts GraphiQL. The headers editor is on
 * and not persisted: a token stays in the tab, never in localStorage.
 */
const startScript = (): string => `"use strict";
(() => {
  const nonce = document.querySelector('meta[name="wm-style-nonce"]');
  if (nonce) window.__webpack_nonce__ = nonce.getAttribute("content");
  const tabs = ${JSON.stringify(TABS)};
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: "/graphql" }),
      defaultQuery: ${JSON.stringify(SIGN_IN)},
      defaultTabs: tabs,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: "headers"
    })
  );
})();
`

const PAGE_CSS = "html, body { height: 100%; margin: 0; }\n#graphiql { height: 100vh; }\n"

const require = createRequire(import.meta.url)

/** A file of an installed package (their `exports` do not expose the UMD builds: go by package.json). */
const packageFile = (pkg: string, file: string): string => join(dirname(require.resolve(`${pkg}/package.json`)), file)

/** A source map comment would make devtools ask for a map this server does not serve. */
const withoutSourceMap = (text: string): string => text.replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, "\n")

const asset = (base: string, extension: "js" | "css", text: string): GraphiqlAsset => {
  const body = Buffer.from(text, "utf8")
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 12)
  return {
    name: `${base}.${hash}.${extension}`,
    contentType: extension === "js" ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8",
    body,
    gzip: gzipSync(body)
  }
}

const vendor = (base: string, pkg: string, file: string, extension: "js" | "css"): GraphiqlAsset =>
  asset(base, extension, withoutSourceMap(readFileSync(packageFile(pkg, file), "utf8")))

const escapeAttribute = (value: string): string => value.replace(/[^A-Za-z0-9+/=_-]/g, "")

/**
 * Reads GraphiQL, React and ReactDOM from their packages (once) and builds the page.
 *
 * @example
 * ```ts
 * const graphiql = loadGraphiql()
 * const html = graphiql.page(nonce) // links /graphql/assets/graphiql.<hash>.js and the others
 * ```
 *
 * @since 0.1.0
 * @category graphiql
 */
export const loadGraphiql = (): Graphiql => {
  const css = [vendor("graphiql", "graphiql", "graphiql.min.css", "css"), asset("page", "css", PAGE_CSS)]
  const js = [
    vendor("react", "react", "umd/react.production.min.js", "js"),
    vendor("react-dom", "react-dom", "umd/react-dom.production.min.js", "js"),
    vendor("graphiql", "graphiql", "graphiql.min.js", "js"),
    asset("start", "js", startScript())
  ]
  const url = (file: GraphiqlAsset) => `${GRAPHIQL_ASSETS_PATH}/${file.name}`
  const head = css.map((file) => `<link rel="stylesheet" href="${url(file)}">`).join("\n")
  const scripts = js.map((file) => `<script src="${url(file)}"></script>`).join("\n")
  return {
    assets: new Map([...css, ...js].map((file) => [file.name, file])),
    page: (styleNonce) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="wm-style-nonce" content="${escapeAttribute(styleNonce)}">
<title>Workflow Manager — GraphiQL</title>
<link rel="icon" href="data:,">
${head}
</head>
<body>
<div id="graphiql">Loading GraphiQL… (it needs JavaScript)</div>
${scripts}
</body>
</html>
`
  }
}

/**
 * Whether an `Accept-Encoding` header accepts gzip (named, or `*`, with a quality above 0).
 *
 * @since 0.1.0
 * @category graphiql
 */
export const acceptsGzip = (header: string | undefined): boolean => {
  const qualities = new Map<string, number>()
  for (const entry of (header ?? "").slice(0, 1000).split(",")) {
    const [coding = "", ...parameters] = entry.split(";").map((part) => part.trim().toLowerCase())
    const quality = parameters.find((parameter) => parameter.startsWith("q="))
    qualities.set(coding, quality === undefined ? 1 : Number(quality.slice(2)))
  }
  const quality = qualities.get("gzip") ?? qualities.get("*") ?? 0
  return quality > 0
}

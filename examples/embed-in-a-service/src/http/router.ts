/**
 * A very small router: routes are a method and a path pattern with `:name` segments.
 */
import { HttpError } from "./HttpError.ts"

/** What a route answers. */
export interface Reply {
  readonly status: number
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>>
}

/** Reads a path parameter by name (the names are those of the route's `:name` segments). */
export type Param = (name: string) => string

/** A route: `handle` receives the request context `C` and the path parameters. */
export interface Route<C> {
  readonly method: "GET" | "POST"
  readonly path: string
  readonly handle: (context: C, param: Param) => Promise<Reply>
}

interface Compiled<C> extends Route<C> {
  readonly pattern: RegExp
  readonly names: ReadonlyArray<string>
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** What a request matched: the route, and its path parameters by name. */
export interface Match<C> {
  readonly route: Route<C>
  readonly params: ReadonlyMap<string, string>
  readonly param: Param
}

/** Compiles routes into a matcher: the route and its parameters, or a thrown 404 / 405. */
export const router = <C>(routes: ReadonlyArray<Route<C>>) => {
  const compiled: ReadonlyArray<Compiled<C>> = routes.map((route) => {
    const names: Array<string> = []
    const source = route.path
      .split("/")
      .map((segment) => {
        if (!segment.startsWith(":")) return escapeRegExp(segment)
        names.push(segment.slice(1))
        return "([^/]+)"
      })
      .join("/")
    return { ...route, pattern: new RegExp(`^${source}/?$`), names }
  })
  return (method: string, pathname: string): Match<C> => {
    const matching = compiled.flatMap((route) => {
      const match = route.pattern.exec(pathname)
      return match === null ? [] : [{ route, match }]
    })
    if (matching.length === 0) throw new HttpError(404, "NotFound", `no route for ${pathname}`)
    const found = matching.find(({ route }) => route.method === method)
    if (found === undefined) {
      const allow = matching.map(({ route }) => route.method)
      throw new HttpError(
        405,
        "MethodNotAllowed",
        `${method} is not allowed on ${pathname}`,
        { allow },
        { allow: allow.join(", ") }
      )
    }
    const params = new Map<string, string>()
    for (const [i, name] of found.route.names.entries()) {
      try {
        params.set(name, decodeURIComponent(found.match[i + 1] as string))
      } catch {
        throw new HttpError(400, "BadRequest", `the path segment ${name} is not valid`)
      }
    }
    const param: Param = (name) => {
      const value = params.get(name)
      if (value === undefined) throw new Error(`route ${found.route.path} has no parameter ${name}`)
      return value
    }
    return { route: found.route, params, param }
  }
}

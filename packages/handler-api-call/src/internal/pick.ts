/**
 * Picks a field of a JSON document by JSON Pointer (RFC 6901: `/data/0/name`, `""` for the whole
 * document) or by dot path (`data.0.name`), through own properties only.
 */
import type { Json } from "@workflow-manager/core"
import { lookup } from "./template.js"

const pointerSegments = (pointer: string): ReadonlyArray<string> =>
  pointer === ""
    ? []
    : pointer
        .slice(1)
        .split("/")
        .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"))

/** Whether a path is a well-formed pointer or dot path (a problem message when not). */
export const pathProblem = (path: string): string | undefined => {
  if (path === "" || path.startsWith("/")) {
    return /~[^01]|~$/.test(path) ? "is not a valid JSON Pointer (~ must be ~0 or ~1)" : undefined
  }
  return path.split(".").every((s) => s.length > 0) ? undefined : "is not a dot path (an empty segment)"
}

/** The value at `path`, or `undefined` when there is none. */
export const pick = (document: Json, path: string): Json | undefined =>
  lookup(document, path === "" || path.startsWith("/") ? pointerSegments(path) : path.split("."))

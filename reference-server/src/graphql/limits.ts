/**
 * Limits on a GraphQL document, checked before anything runs: depth, aliases, page sizes, cost
 * and one sign-in per request (the token limit is the parser's `maxTokens`). Fragments are followed (each at most once
 * per path, so a fragment cycle cannot loop); variables are read for page sizes; introspection's
 * `ofType` chain does not add depth. A document over
 * a limit answers HTTP 400 with `extensions.code = "BAD_USER_INPUT"` and `extensions.limit`.
 *
 * @since 0.1.0
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode
} from "graphql"
import type { Limits } from "../config.ts"

/**
 * Which limit a document broke.
 *
 * @since 0.1.0
 * @category limits
 */
export type LimitName = "depth" | "aliases" | "tokens" | "cost" | "pageSize" | "signIns"

/**
 * A document over a limit.
 *
 * @since 0.1.0
 * @category limits
 */
export const limitError = (limit: LimitName, message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT", limit } })

/**
 * Whether an error is a limit's.
 *
 * @since 0.1.0
 * @category limits
 */
export const isLimitError = (error: unknown): boolean =>
  error instanceof GraphQLError && typeof error.extensions.limit === "string"

/** The page size arguments of this API. */
const PAGE_ARGUMENTS = new Set(["first"])
/** The list fields of this API and how many items each answers without `first` (the schema's defaults). */
const LIST_SIZES: Readonly<Record<string, number>> = { workflows: 20, events: 100, tenants: 20, templates: 20 }

const numberOf = (value: ValueNode, variables: Record<string, unknown>): number | undefined => {
  if (value.kind === Kind.INT || value.kind === Kind.FLOAT) return Number(value.value)
  if (value.kind === Kind.VARIABLE) {
    const raw = variables[value.name.value]
    return typeof raw === "number" ? raw : undefined
  }
  return undefined
}

interface Walk {
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>
  readonly variables: Record<string, unknown>
  readonly limits: Limits
  aliases: number
  signIns: number
  maxDepth: number
}

/**
 * Introspection's `__Type.ofType`: one type (never a list) that a wrapped type unwraps to. Its
 * chain does not count towards the depth — clients' introspection queries (GraphiQL's) nest it
 * nine deep — while what fans out (`fields`, `type`, …) still does; tokens bound the chain.
 */
const UNWRAP = "ofType"

/** Sign-ins one document may ask for: each costs a password hash, so aliases must not multiply them. */
const MAX_SIGN_INS = 1

/** The cost of a selection set (each field 1, its children times its page size), checking as it goes. */
const costOf = (walk: Walk, set: SelectionSetNode, depth: number, visiting: ReadonlySet<string>): number => {
  if (depth > walk.maxDepth) walk.maxDepth = depth
  if (depth > walk.limits.depth) {
    throw limitError("depth", `the document is deeper than ${walk.limits.depth} levels`)
  }
  let cost = 0
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) cost += fieldCost(walk, selection, depth, visiting)
    else if (selection.kind === Kind.INLINE_FRAGMENT) cost += costOf(walk, selection.selectionSet, depth, visiting)
    else {
      const name = selection.name.value
      const fragment = walk.fragments.get(name)
      if (fragment === undefined || visiting.has(name)) continue
      cost += costOf(walk, fragment.selectionSet, depth, new Set([...visiting, name]))
    }
    if (cost > walk.limits.cost) throw limitError("cost", `the document costs more than ${walk.limits.cost}`)
  }
  return cost
}

const fieldCost = (walk: Walk, field: FieldNode, depth: number, visiting: ReadonlySet<string>): number => {
  if (depth === 1 && field.name.value === "login" && ++walk.signIns > MAX_SIGN_INS) {
    throw limitError("signIns", "one sign-in per request")
  }
  if (field.alias !== undefined) {
    walk.aliases++
    if (walk.aliases > walk.limits.aliases) {
      throw limitError("aliases", `the document has more than ${walk.limits.aliases} aliases`)
    }
  }
  const listSize = Object.hasOwn(LIST_SIZES, field.name.value) ? (LIST_SIZES[field.name.value] as number) : 1
  let page = listSize
  for (const argument of field.arguments ?? []) {
    if (!PAGE_ARGUMENTS.has(argument.name.value)) continue
    const size = numberOf(argument.value, walk.variables)
    if (size !== undefined && (!Number.isFinite(size) || size > walk.limits.pageSize)) {
      throw limitError("pageSize", `${argument.name.value} may be at most ${walk.limits.pageSize}`)
    }
    page = size === undefined || size < 1 ? listSize : size
  }
  if (field.selectionSet === undefined) return 1
  const next = field.name.value === UNWRAP ? depth : depth + 1
  return 1 + page * costOf(walk, field.selectionSet, next, visiting)
}

/**
 * Checks the operation a request runs (or every operation, when none is named) against the
 * limits; throws the {@link limitError} of the first limit broken.
 *
 * @since 0.1.0
 * @category limits
 */
export const checkLimits = (
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limits: Limits
): { readonly cost: number; readonly depth: number } => {
  const fragments = new Map<string, FragmentDefinitionNode>()
  const operations: Array<OperationDefinitionNode> = []
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition)
    else if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition)
  }
  const chosen =
    operationName === undefined || operationName === null
      ? operations
      : operations.filter((operation) => operation.name?.value === operationName)
  const walk: Walk = { fragments, variables: variables ?? {}, limits, aliases: 0, signIns: 0, maxDepth: 0 }
  let cost = 0
  for (const operation of chosen) cost += costOf(walk, operation.selectionSet, 1, new Set())
  if (cost > limits.cost) throw limitError("cost", `the document costs more than ${limits.cost}`)
  return { cost, depth: walk.maxDepth }
}

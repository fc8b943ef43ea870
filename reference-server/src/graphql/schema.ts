/**
 * The executable schema: `src/schema.graphql` with the resolvers attached.
 *
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import { buildSchema, type GraphQLFieldResolver, type GraphQLSchema, isObjectType } from "graphql"
import { mutationResolvers } from "./resolvers/mutation.ts"
import { queryResolvers } from "./resolvers/query.ts"
import { typeResolvers } from "./resolvers/types.ts"

/**
 * The schema's SDL.
 *
 * @since 0.1.0
 * @category schema
 */
export const typeDefs: string = readFileSync(new URL("../schema.graphql", import.meta.url), "utf8")

/**
 * Builds the executable schema (every resolver named must exist in the SDL).
 *
 * @since 0.1.0
 * @category schema
 */
export const makeSchema = (): GraphQLSchema => {
  const schema = buildSchema(typeDefs)
  const all: Record<string, Record<string, unknown>> = {
    Query: queryResolvers,
    Mutation: mutationResolvers,
    ...typeResolvers
  }
  for (const [typeName, fields] of Object.entries(all)) {
    const type = schema.getType(typeName)
    if (!isObjectType(type)) throw new Error(`schema.graphql has no object type ${typeName}`)
    const defined = type.getFields()
    for (const [fieldName, resolve] of Object.entries(fields)) {
      const field = defined[fieldName]
      if (field === undefined) throw new Error(`schema.graphql has no field ${typeName}.${fieldName}`)
      field.resolve = resolve as GraphQLFieldResolver<unknown, unknown>
    }
  }
  return schema
}

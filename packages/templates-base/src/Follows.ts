/**
 * The link from a later instance (a portfolio change) to the onboarding it follows, kept in the
 * instance's metadata as `follows: { instanceId, templateId, templateVersion }` — so a server can
 * list a participant's history: its onboarding, then each change after it.
 *
 * @since 0.1.0
 */
import { Identifier, InvalidInput, type JsonObject } from "@workflow-manager/core"
import { Option, Schema } from "effect"

/**
 * The instance an instance follows.
 *
 * @since 0.1.0
 * @category history
 */
export const Follows = Schema.Struct({
  instanceId: Identifier,
  templateId: Identifier,
  templateVersion: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
})

/**
 * The instance an instance follows.
 *
 * @since 0.1.0
 * @category history
 */
export type Follows = typeof Follows.Type

/**
 * The metadata to create a later instance with: `{ follows: { instanceId, templateId, templateVersion } }`
 * of the instance it follows (its state, or any object with those fields). Throws core's
 * `InvalidInput` when the instance lacks them.
 *
 * @example
 * ```ts
 * import { followsMetadata, PORTFOLIO_MANAGEMENT } from "@workflow-manager/templates-base"
 *
 * // const { state } = await engine.create({ actor, templateId: PORTFOLIO_MANAGEMENT, metadata: followsMetadata(onboarding) })
 * ```
 *
 * @since 0.1.0
 * @category history
 */
export const followsMetadata = (instance: Follows): JsonObject => {
  const decoded = pick(instance)
  if (Option.isNone(decoded)) {
    throw new InvalidInput({
      operation: "followsMetadata",
      issues: [{ path: "instance", message: "must have an instanceId, a templateId and a templateVersion (≥ 1)" }]
    })
  }
  return { follows: { ...decoded.value } }
}

const own = (value: object, key: string): unknown =>
  Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined

const decodeFollows = Schema.decodeUnknownOption(Follows)

/** The three fields, read as own properties (a getter or proxy that throws reads as nothing). */
const pick = (value: unknown): Option.Option<Follows> => {
  try {
    if (typeof value !== "object" || value === null) return Option.none()
    return decodeFollows({
      instanceId: own(value, "instanceId"),
      templateId: own(value, "templateId"),
      templateVersion: own(value, "templateVersion")
    })
  } catch {
    return Option.none()
  }
}

/**
 * The instance a metadata object says its instance follows; `undefined` when it names none (or
 * not in the expected shape). Never throws, whatever the value.
 *
 * @since 0.1.0
 * @category history
 */
export const followsOf = (metadata: unknown): Follows | undefined => {
  try {
    if (typeof metadata !== "object" || metadata === null || !Object.hasOwn(metadata, "follows")) return undefined
    return Option.getOrUndefined(pick((metadata as { readonly follows: unknown }).follows))
  } catch {
    return undefined
  }
}

/**
 * The configuration of the base pack — and the fields every role pack's configuration starts from
 * (`Schema.Struct({ ...BaseConfig.fields, ... })`). Everything DOMAIN.md leaves open is a setting
 * with a documented default; only where the operator's register answers has no default.
 *
 * @since 0.1.0
 */
import { Duration, Identifier, TemplateInvalid } from "@workflow-manager/core"
import { Effect, Schema } from "effect"
import { guarded } from "./internal/guard.js"

/**
 * A positive ISO-8601 duration (`P2D`, `P14D`, `P3M`): a configurable window, lead or notice.
 *
 * @since 0.1.0
 * @category configuration
 */
export const Window = Duration.check(Schema.isPattern(/^P/, { expected: "a positive ISO-8601 duration such as P14D" }))

/**
 * A list of 1–20 role names (lower case, digits, `_ : -`).
 *
 * @since 0.1.0
 * @category configuration
 */
export const RoleList = Schema.Array(
  Schema.String.check(
    Schema.isPattern(/^[a-z][a-z0-9_:-]{0,99}$/, { expected: "a role name (lower case, digits, _ : -)" })
  )
).check(Schema.isMinLength(1), Schema.isMaxLength(20))

/**
 * A list of 1–100 distinct user ids.
 *
 * @since 0.1.0
 * @category configuration
 */
export const UserList = Schema.Array(Identifier).check(
  Schema.isMinLength(1),
  Schema.isMaxLength(100),
  Schema.isUnique()
)

/**
 * `schema` with a default when its key is absent — how a pack's configuration gives DOMAIN.md's
 * unconfirmed values their documented defaults.
 *
 * @example
 * ```ts
 * import { BaseConfig, Window, withDefault } from "@workflow-manager/templates-base"
 * import { Schema } from "effect"
 *
 * const XyzConfig = Schema.Struct({ ...BaseConfig.fields, decisionWithin: withDefault(Window, "P14D") })
 * ```
 *
 * @throws TemplateInvalid when `schema` is not a schema
 *
 * @since 0.1.0
 * @category configuration
 */
export const withDefault = <S extends Schema.Top>(schema: S, value: S["Encoded"]) => {
  return guarded("withDefault", () => {
    if (!Schema.isSchema(schema)) {
      throw new TemplateInvalid({ templateId: "(config)", issues: [{ path: "schema", message: "is not a schema" }] })
    }
    return schema.pipe(Schema.withDecodingDefaultKey(Effect.succeed(value)))
  })
}

/**
 * The operator's register API that activation and portfolio changes call: `url` is its base
 * (`https://register.tso.example/api`; activation POSTs to `<url>/registrations`, a portfolio
 * change to `<url>/changes`), `secret` the name of the deployer's secret sent as `Authorization`.
 *
 * @since 0.1.0
 * @category configuration
 */
export const RegisterApi = Schema.Struct({
  url: Schema.String.check(
    Schema.isMaxLength(2000),
    Schema.isPattern(/^https?:\/\/[^\s/?#{}]+(\/[^\s?#{}]*)?$/, {
      expected: "an http(s) base URL without query, fragment or {{variables}}"
    })
  ),
  secret: Schema.optionalKey(Schema.String.check(Schema.isPattern(/^[A-Za-z][A-Za-z0-9_-]{0,99}$/)))
})

/**
 * A register API setting.
 *
 * @since 0.1.0
 * @category configuration
 */
export type RegisterApi = typeof RegisterApi.Type

/**
 * The base pack's configuration (decoded, with defaults):
 *
 * | key | default | meaning |
 * | --- | --- | --- |
 * | `register` | — (required) | the operator's register API (`RegisterApi`) |
 * | `operatorRoles` | `["market_ops"]` | who decides the operator's approval steps |
 * | `approvalQuorum` | `2` | distinct operator approvals before activation (four-eyes) |
 * | `changeQuorum` | `1` | distinct operator approvals of a portfolio change |
 * | `maxContacts` | `10` | contacts per participant |
 * | `languages` | `["nl", "fr", "de", "en"]` | languages a contact may choose |
 * | `guaranteeRenewalLead` | `"P3M"` | how long before a guarantee's expiry its renewal must be proven |
 *
 * @since 0.1.0
 * @category configuration
 */
export const BaseConfig = Schema.Struct({
  register: RegisterApi,
  operatorRoles: withDefault(RoleList, ["market_ops"]),
  approvalQuorum: withDefault(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 10 })), 2),
  changeQuorum: withDefault(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 10 })), 1),
  maxContacts: withDefault(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 50 })), 10),
  languages: withDefault(
    Schema.Array(Schema.String.check(Schema.isPattern(/^[a-z]{2}$/))).check(
      Schema.isMinLength(1),
      Schema.isMaxLength(30)
    ),
    ["nl", "fr", "de", "en"]
  ),
  guaranteeRenewalLead: withDefault(Window, "P3M")
})

/**
 * The base configuration, decoded.
 *
 * @since 0.1.0
 * @category configuration
 */
export type BaseConfig = typeof BaseConfig.Type

/**
 * A checker for a pack's configuration schema: decodes a value (defaults applied; a decoded one
 * passes unchanged) or throws core's `TemplateInvalid` (path `config`) — never a `TypeError`.
 * Template functions call it first, so they are safe to call with anything.
 *
 * @example
 * ```ts
 * import { BaseConfig, configChecker } from "@workflow-manager/templates-base"
 * import { Schema } from "effect"
 *
 * const XyzConfig = Schema.Struct({ ...BaseConfig.fields })
 * export const checkXyzConfig = configChecker(XyzConfig, "an XYZ configuration")
 * ```
 *
 * @since 0.1.0
 * @category configuration
 */
export const configChecker = <A>(schema: Schema.Decoder<A>, what: string): ((config: unknown) => A) => {
  const decode = Schema.decodeUnknownExit(schema)
  return (config) => {
    let exit: ReturnType<typeof decode>
    try {
      exit = decode(config)
    } catch (error) {
      throw new TemplateInvalid({
        templateId: "(config)",
        issues: [{ path: "config", message: String(error).slice(0, 500) }]
      })
    }
    if (exit._tag === "Success") return exit.value
    throw new TemplateInvalid({
      templateId: "(config)",
      issues: [{ path: "config", message: `is not ${what}: ${String(exit.cause)}`.slice(0, 2000) }]
    })
  }
}

/**
 * `config` decoded as a `BaseConfig` (see {@link configChecker}).
 *
 * @throws TemplateInvalid when `config` is not a base configuration
 *
 * @since 0.1.0
 * @category configuration
 */
export const checkBaseConfig: (config: unknown) => BaseConfig = configChecker(BaseConfig, "a base configuration")

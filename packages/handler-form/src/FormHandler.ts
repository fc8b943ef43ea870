/**
 * The `form` step handler: the step's config declares the fields ({@link FormConfig}); the input is
 * checked against it before anything is recorded — every failing field with its path, unknown
 * fields refused — and the step's output is the normalised data. At submission the recorded data is
 * checked again; a rollback records which fields it clears.
 *
 * @since 0.1.0
 */
import {
  defineStepHandler,
  type JsonObject,
  type StepHandler,
  StepRefused,
  type TemplateInvalid,
  ValidationFailed
} from "@workflow-manager/core"
import { Effect, Result, Schema } from "effect"
import type { FormConfig } from "./FormConfig.js"
import type { FormValidator } from "./FormValidator.js"
import { checkData } from "./internal/checkData.js"
import { checkConfig, configIssues } from "./internal/configIssues.js"
import { registryOf } from "./internal/registry.js"
import { isRecord } from "./internal/values.js"

/**
 * What a form step accepts as input: an object of field values (checked against the config by
 * `checkInput`).
 *
 * @since 0.1.0
 * @category handler
 */
export const FormInput = Schema.Record(Schema.String, Schema.Unknown)

/**
 * A form step's input.
 *
 * @since 0.1.0
 * @category handler
 */
export type FormInput = typeof FormInput.Type

/**
 * Options of {@link makeFormHandler}.
 *
 * @since 0.1.0
 * @category handler
 */
export interface FormHandlerOptions {
  /** Validators by name, merged over {@link defaultValidators} (a name given here wins). */
  readonly validators?: Readonly<Record<string, FormValidator>>
}

/**
 * The form step handler type.
 *
 * @since 0.1.0
 * @category handler
 */
export type FormHandler = StepHandler<"form", FormConfig, FormInput>

/** The config decoder: an object whose every problem is an issue at its path. */
const configSchema = (validators: ReadonlyMap<string, FormValidator>): Schema.Decoder<FormConfig> =>
  Schema.declare((u): u is FormConfig => isRecord(u), {
    expected: "a form config (an object with fields)"
  }).check(
    Schema.makeFilter((config) => configIssues(config, validators).map((i) => ({ path: i.path, issue: i.message })))
  )

/**
 * Makes a form handler with extra named validators (merged over the defaults). A bad validator name
 * or a validator without `check`/`types` is a programming error: it throws.
 *
 * @example
 * ```ts
 * import { makeRegistry } from "@workflow-manager/core"
 * import { makeFormHandler, stringValidator } from "@workflow-manager/handler-form"
 *
 * const form = makeFormHandler({
 *   validators: {
 *     "be-postcode": stringValidator("a Belgian postcode", (v) => (/^[1-9]\d{3}$/.test(v) ? undefined : "is not a Belgian postcode"))
 *   }
 * })
 * const registry = makeRegistry([form])
 * ```
 *
 * @since 0.1.0
 * @category handler
 */
export const makeFormHandler = (options: FormHandlerOptions = {}): FormHandler => {
  const validators = registryOf(options)
  if (typeof validators === "string") throw new Error(`makeFormHandler: ${validators}`)
  return defineStepHandler({
    type: "form",
    description: "A form: fields declared in the config, checked with every failing field named",
    configSchema: configSchema(validators),
    inputSchema: FormInput,
    checkInput: ({ config, input }) => Effect.sync(() => checkData(config.fields, input, validators).issues),
    execute: ({ config, input }) =>
      Effect.suspend(() => {
        const { issues, data } = checkData(config.fields, input, validators)
        return data === undefined
          ? Effect.fail(new StepRefused({ reason: "invalid", message: "the form has problems", issues }))
          : Effect.succeed(data)
      }),
    validate: ({ config, output }) => Effect.sync(() => checkData(config.fields, output, validators).issues),
    compensate: ({ output }) => Effect.succeed({ cleared: isRecord(output) ? Object.keys(output) : [] })
  })
}

/**
 * The form handler with the default validators ({@link defaultValidators}).
 *
 * @example
 * ```ts
 * import { createEngine, makeRegistry } from "@workflow-manager/core"
 * import { formHandler } from "@workflow-manager/handler-form"
 *
 * const engine = await createEngine({ handlers: makeRegistry([formHandler]) })
 * ```
 *
 * @since 0.1.0
 * @category handler
 */
export const formHandler: FormHandler = makeFormHandler()

/**
 * Checks data against a form config outside the engine (a server route, a batch import): the
 * normalised data, `ValidationFailed` with every problem, or `TemplateInvalid` when the config
 * itself is not valid.
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { checkForm } from "@workflow-manager/handler-form"
 *
 * const checked = checkForm({ fields: { vat: { type: "string", required: true, validator: "be-vat" } } }, { vat: "0476.388.378" })
 * // Result.getOrThrow(checked) → { vat: "BE0476388378" }
 * ```
 *
 * @since 0.1.0
 * @category handler
 */
export const checkForm = (
  config: FormConfig,
  data: unknown,
  options: FormHandlerOptions = {}
): Result.Result<JsonObject, ValidationFailed | TemplateInvalid> =>
  Result.flatMap(checkConfig(config, options), ({ config, validators }) => {
    const checked = checkData(config.fields, data, validators)
    return checked.data === undefined
      ? Result.fail(new ValidationFailed({ issues: checked.issues }))
      : Result.succeed(checked.data)
  })

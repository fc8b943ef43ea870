/** The validators a form handler knows: the defaults and the user's. */
import { fieldTypes } from "../FormConfig.js"
import { defaultValidators, type FormValidator } from "../FormValidator.js"

/** Validator names: a lower-case word, optionally `:` and a variant (`eic:X`). */
const VALIDATOR_NAME = /^[a-z][a-z0-9-]{0,39}(?::[A-Za-z0-9-]{1,20})?$/

const defaults: ReadonlyMap<string, FormValidator> = new Map(Object.entries(defaultValidators))

/** The registry of `{ validators }` options (absent options: the defaults), or what is wrong with them. */
export const registryOf = (options: unknown): ReadonlyMap<string, FormValidator> | string => {
  if (options === undefined) return defaults
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    return "the options must be an object ({ validators })"
  }
  return validatorRegistry((options as { readonly validators?: unknown }).validators)
}

/**
 * The default validators merged with `extra` (which wins on a name), or what is wrong with `extra`:
 * a bad name, a validator without `check` or `types`.
 */
export const validatorRegistry = (extra: unknown): ReadonlyMap<string, FormValidator> | string => {
  if (extra === undefined) return defaults
  if (typeof extra !== "object" || extra === null || Array.isArray(extra)) {
    return "validators must be an object of validators by name"
  }
  const registry = new Map(defaults)
  for (const [name, validator] of Object.entries(extra)) {
    if (!VALIDATOR_NAME.test(name)) {
      return `"${name.slice(0, 64)}" is not a validator name (e.g. "vendor-id" or "eic:X")`
    }
    const v = validator as Partial<FormValidator> | null
    if (
      typeof v !== "object" ||
      v === null ||
      typeof v.check !== "function" ||
      !Array.isArray(v.types) ||
      !v.types.every((type: unknown) => (fieldTypes as ReadonlyArray<unknown>).includes(type)) ||
      (v.normalise !== undefined && typeof v.normalise !== "function")
    ) {
      return `the validator "${name}" needs a check function and a list of field types`
    }
    registry.set(name, v as FormValidator)
  }
  return registry
}

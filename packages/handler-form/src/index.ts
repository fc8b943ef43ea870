/**
 * `@workflow-manager/handler-form` — the form step handler of Workflow Manager: fields declared as
 * data, every failing field named with its path, pluggable named validators (Belgian enterprise/VAT
 * number, EIC, EAN-GSRN, IBAN) and the form's JSON Schema.
 *
 * @packageDocumentation
 */
export {
  checkBelgianEnterpriseNumber,
  formatBelgianEnterpriseNumber,
  formatBelgianVat
} from "./BelgianEnterpriseNumber.js"
export { checkEanGsrn } from "./EanGsrn.js"
export { checkEic, type EicType, eicTypes } from "./Eic.js"
export {
  type ArrayField,
  type BooleanField,
  type DateField,
  type EnumField,
  type FieldCommon,
  type FieldType,
  type FormConfig,
  type FormField,
  type FormFields,
  fieldTypes,
  formLimits,
  type NumberField,
  type ObjectField,
  type StringField
} from "./FormConfig.js"
export {
  checkForm,
  type FormHandler,
  type FormHandlerOptions,
  FormInput,
  formHandler,
  makeFormHandler
} from "./FormHandler.js"
export { formJsonSchema, type JsonSchema } from "./FormJsonSchema.js"
export { defaultValidators, type FormValidator, stringValidator } from "./FormValidator.js"
export { checkIban, formatIban } from "./Iban.js"

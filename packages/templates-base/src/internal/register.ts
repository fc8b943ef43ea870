/** The `headers` of a call to the operator's register: the secret as `Authorization`, when configured. */
import type { JsonObject } from "@workflow-manager/core"
import type { RegisterApi } from "../BaseConfig.js"

export const registerHeaders = (register: RegisterApi): { readonly headers?: JsonObject } =>
  register.secret === undefined ? {} : { headers: { authorization: { secret: register.secret } } }

/** The API of the app, shared through Svelte's context (the URQL client too, for `@urql/svelte`). */

import type { Client } from "@urql/core"
import { setContextClient } from "@urql/svelte"
import { getContext, setContext } from "svelte"
import { Api } from "./api.ts"

const KEY = Symbol("wm-api")

export const provideApi = (client: Client, onUnauthenticated: () => void): Api => {
  setContextClient(client)
  const api = new Api(client, onUnauthenticated)
  setContext(KEY, api)
  return api
}

export const useApi = (): Api => {
  const api = getContext<Api | undefined>(KEY)
  if (api === undefined) throw new Error("the API is provided by the root layout")
  return api
}

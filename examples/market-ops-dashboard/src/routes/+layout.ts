// A single-page app: every page runs in the browser, against the GraphQL API, with the user's token.
export const ssr = false
export const prerender = false

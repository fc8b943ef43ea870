/**
 * The GraphQL explorer a browser gets at `GET /graphql`: a small self-contained page (no CDN, no
 * bundle: an HTML page and one script served by the server itself, allowed by a strict CSP) to
 * sign in with a demo account, write an operation with variables, run it and read the answer,
 * with the example operations of docs/reference-server.md one click away. GraphiQL itself needs a
 * browser bundle (React + Monaco) this repository does not build; see the docs for the tradeoff.
 *
 * @since 0.1.0
 */

const EXAMPLES: Record<string, string> = {
  "sign in": `mutation SignIn($email: String!, $password: String!) {
  login(email: $email, password: $password) { token expiresAt me { userId tenantId role permissions } }
}`,
  me: `{ me { userId role permissions tenant { companyName vatNumber eic } } }`,
  "workflows in progress": `query Workflows($after: String) {
  workflows(filter: { status: [IN_PROGRESS] }, first: 10, after: $after) {
    nodes { id status marketRole currentStepId version tenant { companyName } template { name } }
    pageInfo { hasNextPage endCursor }
  }
}`,
  "one workflow with its events": `query Workflow($id: ID!) {
  workflow(id: $id) {
    id status version currentStep { id name type }
    tenant { companyName vatNumber }
    state { steps { stepId status attempts data completedBy } }
    events { sequence type stepId performedBy occurredAt data }
  }
}`,
  templates: `{ templates { id version name marketRole steps { id type name } } }`
}

/**
 * The explorer's HTML page.
 *
 * @since 0.1.0
 * @category explorer
 */
export const explorerHtml = (): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Workflow Manager — GraphQL explorer</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2433; background: #f6f7f9; }
  header { padding: 10px 16px; background: #1d2433; color: #fff; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
  header h1 { font-size: 16px; margin: 0; }
  header input { width: 180px; }
  main { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; padding: 12px 16px; }
  textarea, pre { width: 100%; box-sizing: border-box; font: 13px/1.4 ui-monospace, monospace; border: 1px solid #c8ccd4; border-radius: 4px; padding: 8px; background: #fff; }
  textarea#query { height: 340px; } textarea#variables { height: 110px; }
  pre { height: 486px; overflow: auto; margin: 0; white-space: pre-wrap; }
  button { cursor: pointer; } .row { display: flex; gap: 8px; margin: 6px 0; flex-wrap: wrap; align-items: center; }
  label { font-weight: 600; } #who { font-size: 12px; opacity: .85; }
</style>
</head>
<body>
<header>
  <h1>Workflow Manager GraphQL</h1>
  <form id="signin" class="row">
    <input id="email" type="email" placeholder="e-mail" autocomplete="username" required>
    <input id="password" type="password" placeholder="password" autocomplete="current-password" required>
    <button type="submit">Sign in</button>
    <button type="button" id="signout">Sign out</button>
  </form>
  <span id="who">not signed in</span>
</header>
<main>
  <section>
    <div class="row"><label for="examples">Examples</label><select id="examples"></select>
      <button id="run" type="button">Run ▶ (Ctrl+Enter)</button></div>
    <textarea id="query" spellcheck="false" aria-label="operation"></textarea>
    <div class="row"><label for="variables">Variables (JSON)</label></div>
    <textarea id="variables" spellcheck="false" aria-label="variables">{}</textarea>
  </section>
  <section><div class="row"><label>Response</label><span id="status"></span></div><pre id="result"></pre></section>
</main>
<script id="examples-data" type="application/json">${JSON.stringify(EXAMPLES).replace(/</g, "\\u003c")}</script>
<script src="/graphql/explorer.js"></script>
</body>
</html>
`

/**
 * The explorer's script.
 *
 * @since 0.1.0
 * @category explorer
 */
export const explorerScript = (): string => `"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const examples = JSON.parse($("examples-data").textContent);
  let token = sessionStorage.getItem("wm-token") || "";
  const who = () => { $("who").textContent = token ? "signed in as " + (sessionStorage.getItem("wm-who") || "?") : "not signed in"; };
  for (const name of Object.keys(examples)) { const o = document.createElement("option"); o.textContent = name; $("examples").append(o); }
  $("examples").addEventListener("change", () => { $("query").value = examples[$("examples").value]; });
  $("query").value = examples.me;
  $("examples").value = "me";
  const post = async (query, variables) => {
    const headers = { "content-type": "application/json", accept: "application/graphql-response+json, application/json" };
    if (token) headers.authorization = "Bearer " + token;
    const response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    const text = await response.text();
    let body; try { body = JSON.parse(text); } catch { body = text; }
    return { status: response.status, body };
  };
  const show = (status, body) => { $("status").textContent = "HTTP " + status; $("result").textContent = typeof body === "string" ? body : JSON.stringify(body, null, 2); };
  const run = async () => {
    let variables;
    try { variables = JSON.parse($("variables").value || "{}"); } catch (e) { show("-", "variables: " + e.message); return; }
    try { const { status, body } = await post($("query").value, variables); show(status, body); } catch (e) { show("-", String(e)); }
  };
  $("run").addEventListener("click", run);
  $("query").addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); } });
  $("signin").addEventListener("submit", async (e) => {
    e.preventDefault(); token = "";
    const { status, body } = await post(examples["sign in"], { email: $("email").value, password: $("password").value });
    const session = body && body.data && body.data.login;
    if (session) { token = session.token; sessionStorage.setItem("wm-token", token); sessionStorage.setItem("wm-who", session.me.role + " " + $("email").value); }
    show(status, body); who();
  });
  $("signout").addEventListener("click", () => { token = ""; sessionStorage.removeItem("wm-token"); who(); });
  who();
})();
`

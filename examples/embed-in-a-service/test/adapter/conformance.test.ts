/**
 * The skeleton adapter of docs/writing-an-adapter.md passes the conformance suite, on PGlite
 * (PostgreSQL in WebAssembly, in memory — no server needed).
 */
// #region conformance
import { PGlite } from "@electric-sql/pglite"
import { suite } from "@workflow-manager/core/testing"
import { inspect, layer } from "../../src/snippets/adapter/layer.ts"

const db = new PGlite() // one database for the whole file: it takes a few seconds to start

suite("SQL skeleton on PGlite", layer(db), inspect(db), { timeout: 60_000 })
// #endregion conformance

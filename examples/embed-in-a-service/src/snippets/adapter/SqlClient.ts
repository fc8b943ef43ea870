/**
 * The small part of a SQL driver the skeleton adapter needs — declared here, so that any client
 * with this shape fits: PGlite as it is, a `pg` Pool through a few lines (see docs/writing-an-adapter.md).
 */
// #region sql-client
/** Runs one statement with positional parameters (`$1`, `$2`, …). */
export interface SqlQueryable {
  readonly query: <Row>(text: string, params?: Array<unknown>) => Promise<{ readonly rows: Array<Row> }>
}

/** A client that can also run a callback in one transaction (committed when it resolves). */
export interface SqlClient extends SqlQueryable {
  readonly transaction: <A>(run: (tx: SqlQueryable) => Promise<A>) => Promise<A>
}
// #endregion sql-client

// #region pg-pool
/** The part of a `pg` Pool used here (declared structurally: no dependency on `pg` itself). */
export interface PgPoolLike {
  readonly query: (text: string, params?: Array<unknown>) => Promise<{ readonly rows: Array<unknown> }>
  readonly connect: () => Promise<{
    readonly query: (text: string, params?: Array<unknown>) => Promise<{ readonly rows: Array<unknown> }>
    readonly release: (error?: Error) => void
  }>
}

/** A `pg` Pool as a SqlClient: one pooled connection per transaction. */
export const fromPgPool = (pool: PgPoolLike): SqlClient => ({
  query: async <Row>(text: string, params?: Array<unknown>) => (await pool.query(text, params)) as { rows: Array<Row> },
  transaction: async (run) => {
    const connection = await pool.connect()
    const tx: SqlQueryable = {
      query: async <Row>(text: string, params?: Array<unknown>) =>
        (await connection.query(text, params)) as { rows: Array<Row> }
    }
    try {
      await connection.query("BEGIN")
      const result = await run(tx)
      await connection.query("COMMIT")
      connection.release()
      return result
    } catch (error) {
      const rolledBack = await connection.query("ROLLBACK").then(
        () => true,
        () => false
      )
      // A connection that could not roll back is broken: releasing it with an error discards it.
      connection.release(rolledBack ? undefined : new Error("ROLLBACK failed"))
      throw error
    }
  }
})
// #endregion pg-pool

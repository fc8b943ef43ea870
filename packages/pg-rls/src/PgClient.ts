/**
 * The small part of a PostgreSQL client that the adapter needs — run a parameterised statement,
 * run a parameterless script, run a transaction — declared here so that one adapter works on a
 * `pg` Pool and on PGlite alike. Neither driver is imported: {@link fromPool} and
 * {@link fromPGlite} take any object of the right shape, so the package loads without either.
 *
 * @since 0.1.0
 */

/**
 * Runs statements on one connection (or one transaction).
 *
 * @since 0.1.0
 * @category client
 */
export interface PgQueryable {
  /** Runs one parameterised statement (`$1`, `$2`, ...) and returns its rows. */
  readonly query: <R extends object = Record<string, unknown>>(
    text: string,
    params?: ReadonlyArray<unknown>
  ) => Promise<ReadonlyArray<R>>
  /** Runs a script of several statements without parameters (migrations). */
  readonly exec: (script: string) => Promise<void>
}

/**
 * A PostgreSQL client: a statement outside `transaction` is its own transaction.
 *
 * @since 0.1.0
 * @category client
 */
export interface PgClient extends PgQueryable {
  /** Runs `body` in one transaction on one connection: committed when it resolves, rolled back when it rejects. */
  readonly transaction: <A>(body: (tx: PgQueryable) => Promise<A>) => Promise<A>
  /** Releases what this client owns (a pool or a PGlite instance it created); a no-op otherwise. */
  readonly close: () => Promise<void>
}

/**
 * The part of a `pg.PoolClient` the adapter uses.
 *
 * @since 0.1.0
 * @category client
 */
export interface PoolClientLike {
  query(text: string, values?: Array<unknown>): Promise<{ rows: Array<unknown> }>
  release(destroy?: boolean | Error): void
  /**
   * `pg`'s client is an event emitter: it emits `error` when its connection dies (the server
   * stopped, the session terminated), and the pool listens only while the client is idle. The
   * adapter listens while it holds one, so that the error fails the transaction instead of the
   * process.
   */
  on?(event: "error", listener: (error: Error) => void): unknown
  removeListener?(event: "error", listener: (error: Error) => void): unknown
}

/**
 * The part of a `pg.Pool` the adapter uses.
 *
 * @since 0.1.0
 * @category client
 */
export interface PoolLike {
  query(text: string, values?: Array<unknown>): Promise<{ rows: Array<unknown> }>
  connect(): Promise<PoolClientLike>
  end(): Promise<void>
}

/**
 * The part of a PGlite transaction the adapter uses.
 *
 * @since 0.1.0
 * @category client
 */
export interface PGliteTransactionLike {
  query(text: string, params?: Array<unknown>): Promise<{ rows: Array<unknown> }>
  exec(script: string): Promise<unknown>
}

/**
 * The part of a PGlite instance the adapter uses.
 *
 * @since 0.1.0
 * @category client
 */
export interface PGliteLike extends PGliteTransactionLike {
  transaction<T>(body: (tx: PGliteTransactionLike) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/**
 * Options of the client constructors.
 *
 * @since 0.1.0
 * @category client
 */
export interface ClientOptions {
  /** `close()` also ends the pool / closes the PGlite instance (default `false`: the caller owns it). */
  readonly owned?: boolean
}

const rowsOf = <R>(result: { rows: Array<unknown> }): ReadonlyArray<R> => result.rows as ReadonlyArray<R>

/**
 * A client over a `pg.Pool`: a statement borrows a connection for itself; a transaction keeps one
 * until it commits or rolls back (a connection whose rollback failed, or that died meanwhile, is
 * destroyed, not reused). While a transaction holds a connection, the connection's `error` event
 * (emitted when the server goes away) is listened to: the transaction fails with the next
 * statement, and the process goes on (an `error` event nobody listens to ends a Node process).
 *
 * @since 0.1.0
 * @category client
 */
export const fromPool = (pool: PoolLike, options: ClientOptions = {}): PgClient => {
  const onConnection = (connection: PoolClientLike): PgQueryable => ({
    query: async <R extends object>(text: string, params?: ReadonlyArray<unknown>) =>
      rowsOf<R>(await connection.query(text, params === undefined ? undefined : [...params])),
    exec: async (script) => {
      await connection.query(script)
    }
  })
  return {
    query: async <R extends object>(text: string, params?: ReadonlyArray<unknown>) =>
      rowsOf<R>(await pool.query(text, params === undefined ? undefined : [...params])),
    exec: async (script) => {
      await pool.query(script)
    },
    transaction: async (body) => {
      const connection = await pool.connect()
      // a connection whose BEGIN or ROLLBACK failed is in an unknown state: destroy it, never reuse it
      let broken: Error | true | undefined
      // the connection died while held (its statements fail too): destroy it on release
      const onError = (error: Error) => {
        broken = error
      }
      connection.on?.("error", onError)
      try {
        try {
          await connection.query("begin")
        } catch (error) {
          broken = error instanceof Error ? error : true
          throw error
        }
        try {
          const result = await body(onConnection(connection))
          await connection.query("commit")
          return result
        } catch (error) {
          await connection.query("rollback").catch((rollbackError: unknown) => {
            broken = rollbackError instanceof Error ? rollbackError : true
          })
          throw error
        }
      } finally {
        connection.removeListener?.("error", onError)
        connection.release(broken)
      }
    },
    close: () => (options.owned === true ? pool.end() : Promise.resolve())
  }
}

/**
 * A client over a PGlite instance (an embedded, single-connection PostgreSQL): statements and
 * transactions are serialised by PGlite itself.
 *
 * @since 0.1.0
 * @category client
 */
export const fromPGlite = (db: PGliteLike, options: ClientOptions = {}): PgClient => {
  const on = (target: PGliteTransactionLike): PgQueryable => ({
    query: async <R extends object>(text: string, params?: ReadonlyArray<unknown>) =>
      rowsOf<R>(await target.query(text, params === undefined ? undefined : [...params])),
    exec: async (script) => {
      await target.exec(script)
    }
  })
  return {
    ...on(db),
    transaction: (body) => db.transaction((tx) => body(on(tx))),
    close: () => (options.owned === true ? db.close() : Promise.resolve())
  }
}

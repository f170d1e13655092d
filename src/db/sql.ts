import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database, Statement } from 'better-sqlite3';

/** A statement's parameters, in the order of its `?` placeholders. */
export type Params = readonly unknown[];

/**
 * The storage port's connection: statements in `?` placeholder syntax, read and written asynchronously,
 * and explicit transactions. A store written against it runs on SQLite and on PostgreSQL alike wherever its
 * SQL is common to both (upserts with ON CONFLICT, RETURNING, ISO 8601 instants compared as parameters);
 * where a dialect needs its own SQL, the store asks `dialect`.
 *
 * No store call escapes its transaction: whatever the work of `withTransaction` calls, however deep, runs in
 * it, through the `tx` handed to the work or through any handle on the same database (a store built before
 * the transaction joins it; see `joinedTransaction`). Calls from elsewhere in the process wait for it to end
 * (SQLite) or use another connection (PostgreSQL).
 */
export interface Sql {
  readonly dialect: 'sqlite' | 'postgres';
  all<T>(sql: string, params?: Params): Promise<T[]>;
  get<T>(sql: string, params?: Params): Promise<T | undefined>;
  /** A write; `changes` is how many rows it inserted, updated or deleted. */
  run(sql: string, params?: Params): Promise<{ changes: number }>;
  /**
   * Runs `work` in one transaction, committed when it resolves and rolled back when it throws. Nested in
   * another, it is part of the outer one. On SQLite the write lock is taken at once (BEGIN IMMEDIATE), so a
   * transaction that reads before it writes cannot fail half-way for another process's lock.
   */
  withTransaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
}

/** The transaction whose work is running, and the database it is open on. */
interface OpenTransaction {
  /** The connection (SQLite) or pool (PostgreSQL) it belongs to. */
  readonly database: object;
  readonly tx: Sql;
  /** Set when it has committed or rolled back: work it started that outlives it runs on its own. */
  ended: boolean;
}

const openTransactions = new AsyncLocalStorage<OpenTransaction>();

/**
 * The transaction that the running code is part of on `database`, if any: the work of `withTransaction`
 * and everything it calls or starts, until the transaction ends. A store call made there goes through it, so
 * that stores need not be rebuilt for each transaction, and none can escape one (on SQLite, a call that
 * waited for the transaction to end from inside it would never run).
 */
export function joinedTransaction(database: object): Sql | undefined {
  const open = openTransactions.getStore();
  return open && open.database === database && !open.ended ? open.tx : undefined;
}

/** Runs `work` as the transaction `tx` on `database`: calls made from it, however deep, join it. */
export async function asTransaction<T>(database: object, tx: Sql, work: (tx: Sql) => Promise<T>): Promise<T> {
  const open: OpenTransaction = { database, tx, ended: false };
  try {
    return await openTransactions.run(open, () => work(tx));
  } finally {
    open.ended = true;
  }
}

/**
 * One better-sqlite3 connection as the port. Statements run synchronously, as before: the port adds one
 * await per call, not a thread. A transaction holds the connection across its awaits, so that a call from
 * elsewhere in the process cannot land inside it (and be rolled back with it): such calls wait for it to end.
 */
export class SqliteSql implements Sql {
  readonly dialect = 'sqlite';

  constructor(
    private readonly connection: SqliteConnection,
    private readonly inTransaction = false,
  ) {}

  /** The port over `db`: one per connection, however often it is asked for, so that they share one gate. */
  static open(db: Database): SqliteSql {
    let sql = opened.get(db);
    if (!sql) {
      sql = new SqliteSql(new SqliteConnection(db));
      opened.set(db, sql);
    }
    return sql;
  }

  // Each statement runs in the same tick as the check that let it run: were there an await between them,
  // a transaction begun elsewhere in that gap would take the statement in, and roll it back with itself.

  async all<T>(sql: string, params: Params = []): Promise<T[]> {
    while (this.mustWait()) await this.connection.held;
    return this.connection.statement(sql).all(...params) as T[];
  }

  async get<T>(sql: string, params: Params = []): Promise<T | undefined> {
    while (this.mustWait()) await this.connection.held;
    return this.connection.statement(sql).get(...params) as T | undefined;
  }

  async run(sql: string, params: Params = []): Promise<{ changes: number }> {
    while (this.mustWait()) await this.connection.held;
    return { changes: this.connection.statement(sql).run(...params).changes };
  }

  /**
   * Runs `last` once no transaction holds the connection, in the same tick: closing it must wait for that,
   * or the transaction's work would be rolled back.
   */
  async whenIdle<T>(last: () => T): Promise<T> {
    while (this.connection.held) await this.connection.held;
    return last();
  }

  /** Whether a statement must wait: another transaction holds the connection, and this call is not part of it. */
  private mustWait(): boolean {
    return this.connection.held !== null && !this.inTransaction && !joinedTransaction(this.connection);
  }

  async withTransaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    const joined = this.inTransaction ? this : joinedTransaction(this.connection);
    if (joined) return work(joined);
    return this.connection.exclusive(async () => {
      const { db } = this.connection;
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await asTransaction(this.connection, new SqliteSql(this.connection, true), work);
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    });
  }
}

const opened = new WeakMap<Database, SqliteSql>();

/** The connection, its prepared statements, and the transaction holding it, if any. */
class SqliteConnection {
  private readonly statements = new Map<string, Statement>();
  /**
   * Settles when the transaction holding the connection ends. Whoever waits on it checks again, in the same
   * tick as it then runs, since another may have taken the connection in between.
   */
  held: Promise<void> | null = null;

  constructor(readonly db: Database) {}

  statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `work` once no other transaction holds the connection, holding it until `work` settles. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.held) await this.held;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    this.held = held;
    try {
      return await work();
    } finally {
      if (this.held === held) this.held = null;
      release();
    }
  }
}

/**
 * Inside a transaction, waits until no other transaction holds the lock `name`, then holds it until this one
 * ends: for work that must see everything the one before it committed (two workers clustering at once
 * could each start a story for the same news). On SQLite the file's write lock, taken when the
 * transaction begins, already serialises every writing transaction: nothing to do.
 */
export async function holdTransactionLock(tx: Sql, name: string): Promise<void> {
  if (tx.dialect === 'postgres') await tx.get('SELECT pg_advisory_xact_lock(hashtext(?)) AS held', [name]);
}

import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promises as fs } from 'node:fs';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresAdapter, PostgresDialect, SqliteDialect, sql, type Migration, type SqliteDatabase, type MigrationProvider } from 'kysely';
import type * as Pg from 'pg';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
/** A connection inside an open transaction; repositories accept it wherever they accept Db. */
export type Tx = Kysely<Database>;
export type StoreKind = 'sqlite' | 'postgres';

export interface OpenDatabaseOptions {
  /** PostgreSQL: connections in the pool (DATABASE_POOL_SIZE). */
  poolSize?: number;
  /** PostgreSQL: close a connection idle this long (tests keep it short). */
  idleTimeoutMs?: number;
}

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Which store a Db talks to; repositories branch on it where the SQL differs. */
export function storeKind(db: { getExecutor(): { adapter: unknown } }): StoreKind {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * `postgres://…` opens a pg pool; anything else (a file path, `sqlite:`, `:memory:`) opens SQLite
 * with WAL, foreign keys and a busy timeout.
 */
export function openDatabase(url: string, options: OpenDatabaseOptions = {}): Db {
  return isPostgresUrl(url) ? openPostgres(url, options) : openSqlite(url);
}

function openSqlite(url: string): Db {
  const file = url.replace(/^(sqlite|file):(\/\/)?/, '');
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
}

/** Distinct SQL texts kept prepared; `in (?, ?, …)` lists make a few per query, the hot path ~30. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * kysely's SQLite driver prepares every statement it runs; preparing costs as much as running a
 * small query. The same SQL text maps to the same prepared statement here (least recently used
 * dropped past the bound). Safe because kysely runs a statement to completion (all/run) before
 * the next one, and SQLite re-prepares a statement itself after a schema change.
 */
export function withStatementCache(sqlite: SQLite.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = cache.get(text);
      if (statement) cache.delete(text);
      else statement = sqlite.prepare(text);
      cache.set(text, statement);
      if (cache.size > size) cache.delete(cache.keys().next().value!);
      return statement;
    },
  };
}

// pg hands int8 (bigint: money, times) and numeric (sum() of bigints) back as strings. Our values
// are integer fen and epoch ms, far inside 2^53, so they come back as numbers like on SQLite.
const INT8_OID = 20;
const NUMERIC_OID = 1700;
function typeParsers(pg: typeof Pg) {
  return {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => toSafeNumber(value);
      return pg.types.getTypeParser(oid, format);
    },
  };
}

// pg is loaded on the first PostgreSQL open only (a SQLite deployment never needs its ~4 MB);
// require keeps openDatabase synchronous (pg is CommonJS).
const requireModule = createRequire(import.meta.url);
let pgModule: typeof Pg | null = null;
function loadPg(): typeof Pg {
  pgModule ??= requireModule('pg') as typeof Pg;
  return pgModule;
}

function toSafeNumber(value: string): number {
  const n = Number(value);
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) throw new Error(`Integer ${value} is out of the safe range`);
  return n;
}

function openPostgres(url: string, options: OpenDatabaseOptions): Db {
  const pg = loadPg();
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
    types: typeParsers(pg) as Pg.CustomTypesConfig,
  });
  // An idle connection dropped by the server (restart, failover) must not crash the process; the
  // pool opens a new one for the next query.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

// Like kysely's FileMigrationProvider, but the import() happens in our own module so the tsx and
// vitest loaders see it: Node 20 cannot import a .ts migration on its own.
const migrationProvider: MigrationProvider = {
  async getMigrations() {
    const migrations: Record<string, Migration> = {};
    for (const file of (await fs.readdir(MIGRATIONS_DIR)).sort()) {
      if (!/\.(ts|js|mjs)$/.test(file) || file.endsWith('.d.ts')) continue;
      const mod = (await import(pathToFileURL(join(MIGRATIONS_DIR, file)).href)) as Migration;
      migrations[file.slice(0, file.lastIndexOf('.'))] = mod;
    }
    return migrations;
  },
};

/**
 * Applies pending migrations. On PostgreSQL kysely holds an advisory lock and runs them in one
 * transaction, so instances starting together migrate once; the others wait and find nothing to do.
 */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function isDatabaseReachable(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/** SQLSTATEs after which a PostgreSQL transaction may simply run again. */
const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected
const MAX_ATTEMPTS = 12;

function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && RETRYABLE.has(String((error as { code?: unknown }).code));
}

/**
 * Runs `work` as one transaction that behaves as if it ran alone.
 *
 * SQLite: BEGIN IMMEDIATE, so two writers (threads or processes) serialise up front instead of
 * failing on a read-to-write lock upgrade.
 *
 * PostgreSQL: SERIALIZABLE, retried on a serialization failure (40001) or deadlock (40P01). Every
 * transaction here was written for SQLite's one-writer-at-a-time model (read what is free, then
 * write); SERIALIZABLE keeps exactly that guarantee for all of them without a hand-placed row lock
 * per rule. `work` must therefore only touch the database: it may run more than once.
 */
export function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return storeKind(db) === 'postgres' ? serializable(db, work) : immediate(db, work);
}

function immediate<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await work(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn);
      throw error;
    }
  });
}

async function serializable<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().setIsolationLevel('serializable').execute(work);
    } catch (error) {
      if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw error;
      // Randomised, growing pause so the same transactions do not collide again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * 2 ** attempt)));
    }
  }
}

import pg from 'pg';
import { inject } from 'vitest';
import { migrateToLatest, openDatabase, type Db, type StoreKind } from '../../src/db/database.js';

// The store the storage-touching suites run against. vitest.config.ts runs them twice: the
// `sqlite` project (':memory:' and temp files) and the `postgres` project (FEEBOT_TEST_STORE=
// postgres), where every database is a fresh copy of a template that global setup migrated
// (tests/support/postgres-global-setup.ts), so new migrations are picked up without listing them.

export const testStore: StoreKind = process.env.FEEBOT_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

export const PG_TEST_URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let counter = 0;
const opened: Db[] = [];
const created: string[] = [];

export function pgUrlFor(database: string, base = PG_TEST_URL): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: PG_TEST_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** PostgreSQL: a new, migrated, empty database (a copy of the template); its URL. */
export async function createPgTestDatabase(): Promise<string> {
  const template = inject('pgTemplate');
  if (!template) throw new Error('FEEBOT_TEST_STORE=postgres but no template database was prepared');
  const name = `${template.replace(/_tpl$/, '')}_${process.pid}_${++counter}`;
  await withAdmin((admin) => admin.query(`create database "${name}" template "${template}"`));
  created.push(name);
  return pgUrlFor(name);
}

/** PostgreSQL: a new, empty database (no tables: whoever opens it migrates it); its URL. */
export async function createEmptyPgTestDatabase(): Promise<string> {
  const template = inject('pgTemplate');
  if (!template) throw new Error('FEEBOT_TEST_STORE=postgres but no template database was prepared');
  const name = `${template.replace(/_tpl$/, '')}_${process.pid}_e${++counter}`;
  await withAdmin((admin) => admin.query(`create database "${name}"`));
  created.push(name);
  return pgUrlFor(name);
}

/**
 * A URL for a feebot under test: a fresh PostgreSQL database, or on SQLite the given file.
 * The caller's feebot closes its own pool; the database is dropped after the file's tests.
 */
export async function testDatabaseUrl(sqliteFile: string): Promise<string> {
  return testStore === 'postgres' ? createPgTestDatabase() : sqliteFile;
}

let fileDatabase: { url: string; statement: string } | null = null;

/**
 * An empty, migrated database of the store under test (':memory:' on SQLite). On PostgreSQL a
 * test file gets one copy of the template, emptied (rows deleted, identities restarted) for each
 * later call: copying a database costs ~0.4 s, emptying one ~15 ms.
 */
export async function openTestDb(): Promise<Db> {
  if (testStore === 'sqlite') {
    const db = openDatabase(':memory:');
    await migrateToLatest(db);
    return db;
  }
  if (!fileDatabase) {
    fileDatabase = { url: await createPgTestDatabase(), statement: '' };
  } else {
    await emptyDatabase(fileDatabase);
  }
  const db = openDatabase(fileDatabase.url, { poolSize: 6, idleTimeoutMs: 2_000 });
  opened.push(db);
  return db;
}

// DELETE, not TRUNCATE: on a few small tables it is ~20x faster (no new files). Foreign keys are
// not checked meanwhile (replica role), so the order of the tables does not matter.
async function emptyDatabase(target: { url: string; statement: string }): Promise<void> {
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    if (!target.statement) {
      const tables = await client.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public' and tablename not like 'kysely_%'`);
      const sequences = await client.query<{ name: string }>(`select sequencename as name from pg_sequences where schemaname = 'public'`);
      target.statement = [
        'set session_replication_role = replica;',
        ...tables.rows.map((t) => `delete from "${t.name}";`),
        ...sequences.rows.map((q) => `alter sequence "${q.name}" restart;`),
        'set session_replication_role = default;',
      ].join(' ');
    }
    await client.query(target.statement);
  } finally {
    await client.end();
  }
}

/**
 * Another connection pool on the database the last openTestDb() returned, as a second feebot
 * instance would have (PostgreSQL). SQLite's ':memory:' cannot be shared: there it is `db` itself.
 */
export function openAnotherPool(db: Db): Db {
  if (testStore === 'sqlite' || !fileDatabase) return db;
  const another = openDatabase(fileDatabase.url, { poolSize: 6, idleTimeoutMs: 2_000 });
  opened.push(another);
  return another;
}

/** Closes every pool this file opened and drops its databases (registered by the setup file). */
export async function releaseTestDatabases(): Promise<void> {
  await Promise.all(opened.splice(0).map((db) => db.destroy().catch(() => undefined)));
  fileDatabase = null;
  const names = created.splice(0);
  if (names.length === 0) return;
  await withAdmin(async (admin) => {
    for (const name of names) await admin.query(`drop database if exists "${name}" with (force)`);
  });
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Name of the migrated template database (postgres project only). */
    pgTemplate: string | null;
  }
}

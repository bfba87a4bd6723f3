import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateToLatest, openDatabase } from '../../src/db/database.js';
import { PG_TEST_URL, pgUrlFor } from './test-store.js';

// Global setup of the `postgres` test project: one migrated template database per run, which
// every test database copies (CREATE DATABASE … TEMPLATE is much faster than migrating each).
// Teardown drops whatever this run left behind (a crashed worker's databases included).

const prefix = `feebot_t${Date.now().toString(36)}${process.pid}`;
const template = `${prefix}_tpl`;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_TEST_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function setup(project: TestProject): Promise<void> {
  await admin((c) => c.query(`create database "${template}"`));
  const db = openDatabase(pgUrlFor(template), { poolSize: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  project.provide('pgTemplate', template);
}

export async function teardown(): Promise<void> {
  await admin(async (c) => {
    const { rows } = await c.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [`${prefix}%`]);
    // The template last: copies first.
    for (const { datname } of rows.sort((a, b) => Number(a.datname === template) - Number(b.datname === template))) {
      await c.query(`drop database if exists "${datname}" with (force)`);
    }
  });
}

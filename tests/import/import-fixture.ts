import { readFileSync } from 'node:fs';
import { createPasswordHasher } from '../../src/accounts/password-hasher.js';
import type { Db } from '../../src/db/database.js';
import { openTestDb } from '../support/test-store.js';

export const NOW = Date.UTC(2025, 8, 1, 8, 0, 0);
export const hasher = createPasswordHasher({ cost: 10 });

export async function freshDb(): Promise<Db> {
  return openTestDb();
}

export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
}

export async function countRows(db: Db, table: 'students' | 'fee_items'): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

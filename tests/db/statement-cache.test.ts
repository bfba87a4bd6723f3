import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from '../../src/db/database.js';

describe('SQLite statement cache', () => {
  it('prepares each SQL text once and keeps answering the same as without the cache', async () => {
    const raw = new SQLite(':memory:');
    let prepared = 0;
    const counting = new Proxy(raw, {
      get(target, key) {
        if (key === 'prepare') return (text: string) => (prepared++, target.prepare(text));
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const db = new Kysely<{ t: { id: number; name: string } }>({ dialect: new SqliteDialect({ database: withStatementCache(counting, 3) }) });
    await sql`create table t (id integer primary key, name text not null)`.execute(db);
    for (let i = 1; i <= 5; i++) await db.insertInto('t').values({ id: i, name: `n${i}` }).execute();
    const read = () => db.selectFrom('t').select(['id', 'name']).where('id', '>', 2).orderBy('id').execute();
    expect(await read()).toEqual([{ id: 3, name: 'n3' }, { id: 4, name: 'n4' }, { id: 5, name: 'n5' }]);
    await db.updateTable('t').set({ name: 'x' }).where('id', '=', 4).execute();
    expect((await read())[1]).toEqual({ id: 4, name: 'x' });
    // create + insert + select + update: four texts, each prepared once, the reads re-prepared
    // only after falling out of the 3-entry bound.
    expect(prepared).toBe(4);
    for (let i = 0; i < 3; i++) await sql`select ${sql.lit(i)} as v`.execute(db); // three new texts push the read out
    await read();
    expect(prepared).toBe(8);
    await db.destroy();
  });
});

import type { CompiledQuery, Compilable, QueryResult } from 'kysely';
import { storeKind, type Db, type StoreKind } from './database.js';

/** Stands for one named argument while the query is built; replaced by its value at each run. */
class Arg {
  constructor(readonly name: string) {}
}

/**
 * A query built and compiled once per store, then run with new argument values: the hot path's
 * queries (every update runs ~10) skip kysely's builder and compiler, which cost as much as SQLite
 * running them. `build` receives placeholders for `args`; each must end up as a bound parameter
 * (compared, inserted or set — not an `in` list, not a value kysely inspects), which is checked at
 * the first compile. The same builder serves SQLite and PostgreSQL; each gets its own compile.
 */
export function prepared<A extends Record<string, unknown>, R>(build: (db: Db, args: A) => Compilable<R>): (db: Db, args: A) => Promise<QueryResult<R>> {
  const compiled = new Map<StoreKind, { query: CompiledQuery<R>; slots: (string | null)[] }>();
  return async (db, args) => {
    const kind = storeKind(db);
    let entry = compiled.get(kind);
    if (!entry) {
      const used = new Set<string>();
      const placeholders = new Proxy({} as A, {
        get: (_, name) => {
          used.add(String(name));
          return new Arg(String(name));
        },
      });
      const query = build(db, placeholders).compile();
      const slots = query.parameters.map((p) => (p instanceof Arg ? p.name : null));
      for (const name of used) if (!slots.includes(name)) throw new Error(`prepared query: argument ${name} is not a bound parameter`);
      entry = { query, slots };
      compiled.set(kind, entry);
    }
    const { query, slots } = entry;
    const parameters = query.parameters.map((p, i) => (slots[i] === null ? p : args[slots[i]!]));
    return db.executeQuery<R>({ ...query, parameters });
  };
}

/** Rows a prepared insert, update or delete touched. */
export function affectedRows(result: QueryResult<unknown>): number {
  return Number(result.numAffectedRows ?? 0);
}

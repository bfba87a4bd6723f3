import { PostgresAdapter, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

/**
 * The column builder of an integer surrogate key, portable across our dialects: SQLite's
 * AUTOINCREMENT (ids never reused) or PostgreSQL's identity column, which rejects `autoincrement`.
 */
export function serialKey(db: Kysely<unknown>): (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return (c) => (postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());
}

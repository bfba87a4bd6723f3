import pg from 'pg';
import { defineConfig } from 'vitest/config';

// Every suite runs on SQLite (`sqlite` project). The suites that touch storage run again on
// PostgreSQL (`postgres` project, FEEBOT_TEST_STORE=postgres, a fresh database per test from a
// migrated template). Without a PostgreSQL at PG_TEST_URL that project is left out with a
// warning, unless REQUIRE_POSTGRES=1 (CI), where it is an error.
const PG_TEST_URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Storage-touching suites: money, runtime, accounts, channels, imports, the CLI, end to end, and the
 * fleet. Left to SQLite only, to keep CI time: telegram-e2e and accounts-email (the adapter and
 * mail behaviour does not depend on the store; their storage paths run in accounts, accounts-flow,
 * runtime and the fleet test, which drives Telegram through three instances on PostgreSQL).
 */
const POSTGRES_SUITES = [
  'tests/db/**/*.test.ts',
  'tests/ledger/**/*.test.ts',
  'tests/runtime/**/*.test.ts',
  'tests/accounts/**/*.test.ts',
  'tests/accounts-flow/**/*.test.ts',
  'tests/channels/**/*.test.ts',
  'tests/import/**/*.test.ts',
  'tests/gateway/**/*.test.ts',
  'tests/e2e/**/*.test.ts',
  'tests/fleet/**/*.test.ts',
  'tests/cli.test.ts',
  'tests/dunning/**/*.test.ts',
];

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

const postgres = process.env.FEEBOT_TEST_STORES === 'sqlite' ? false : await postgresReachable();
if (!postgres && process.env.REQUIRE_POSTGRES === '1') throw new Error(`PostgreSQL is required (REQUIRE_POSTGRES=1) but ${PG_TEST_URL} is not reachable`);
if (!postgres) console.warn(`\n*** PostgreSQL not reachable at ${PG_TEST_URL}: the storage suites run on SQLite only ***\n`);

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Browser and bot tests start servers; keep parallelism modest on 2 cores.
    maxWorkers: 2,
    setupFiles: ['tests/support/store-setup.ts'],
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['tests/**/*.test.ts'], exclude: ['tests/fleet/**'] } },
      ...(postgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: POSTGRES_SUITES,
                // Checks PostgreSQL portability on its own; nothing to gain from a second run.
                exclude: ['tests/db/postgres-migrations.test.ts'],
                env: { FEEBOT_TEST_STORE: 'postgres', PG_TEST_URL },
                globalSetup: ['tests/support/postgres-global-setup.ts'],
              },
            },
          ]
        : []),
    ],
  },
});

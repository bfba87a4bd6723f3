import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'dist', 'adapters/web/public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // SQL lives only in repositories.
    files: ['src/**/*.ts', 'adapters/**/*.ts'],
    ignores: ['src/db/**'],
    rules: { 'no-restricted-imports': ['error', { paths: ['kysely', 'better-sqlite3'] }] },
  },
  {
    // The engine is pure: no I/O, no clock, no infrastructure.
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['kysely', 'better-sqlite3'], patterns: ['node:*', 'kysely', 'hono', '*/db/*', '*/http/*', '*/runtime/*', '*/adapters/*'] }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now' }],
    },
  },
);

import { afterAll } from 'vitest';
import { releaseTestDatabases } from './test-store.js';

// Setup file of every test file: databases a file opened through test-store.ts go when it ends.
afterAll(releaseTestDatabases);

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Browser and bot tests start servers; keep parallelism modest on 2 cores.
    maxWorkers: 2,
  },
});

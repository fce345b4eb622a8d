import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // crash tests spawn real processes and servers; two cores cannot run many at once
    maxWorkers: 2,
    reporters: ['default'],
  },
});

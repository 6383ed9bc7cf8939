import { defineConfig } from 'vitest/config';

/** `npm run test:soak`: SOAK_MINUTES (default 10) of mixed load against the built server. */
export default defineConfig({
  test: {
    include: ['test/soak/**/*.test.ts'],
    testTimeout: (Number(process.env.SOAK_MINUTES ?? 10) + 3) * 60_000,
    hookTimeout: 60_000,
  },
});

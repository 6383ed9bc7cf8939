import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The reliability suites and the soak have their own configs and scripts
    // (`npm run test:reliability`, `npm run test:soak`): minutes long, not part of `npm test`.
    exclude: ['test/reliability/**', 'test/soak/**', '**/node_modules/**'],
    // A bound for a test that hangs, not a speed check: on a shared CI machine a browser test has
    // run four times slower than here, so the bound leaves room for that.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for what a page or a peer shows: up to 10 s, then fails (1 s by default,
    // which a loaded machine's socket round trip and render can take).
    expect: { poll: { timeout: 10_000 } },
  },
});

import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability`: crash, bad input, flood, network, video and disk suites against
 * real components. One file at a time: the flood suite compares latencies and must not share
 * the two cores with the crash suite's 200 stations.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // expect.poll waits for what a page or a peer shows: up to 10 s, then fails (1 s by default,
    // which a loaded machine's socket round trip and render can take).
    expect: { poll: { timeout: 10_000 } },
  },
});

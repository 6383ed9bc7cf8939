import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The reliability suites and the soak have their own configs and scripts
    // (`npm run test:reliability`, `npm run test:soak`): minutes long, not part of `npm test`.
    exclude: ['test/reliability/**', 'test/soak/**', '**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

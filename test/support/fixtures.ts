import { fileURLToPath } from 'node:url';
import { loadTokenCatalog } from '../../src/adapters/show-files.js';
import { defaultScoringRules } from '../../src/domain/scoring.js';
import type { TokenCatalog } from '../../src/domain/token-catalog.js';

/** The test show (`test/fixtures/tokens.json`): plain tokens, a trio, a pair, a lone group, videos. */
export const FIXTURE_TOKENS = fileURLToPath(new URL('../fixtures/tokens.json', import.meta.url));

/** The test show's catalog under the default scoring rules. */
export function fixtureCatalog(): TokenCatalog {
  return loadTokenCatalog(FIXTURE_TOKENS, defaultScoringRules);
}

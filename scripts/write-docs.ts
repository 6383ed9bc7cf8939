import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withConfigTable } from '../src/config.js';
import { contractDocument } from '../src/contract/json-schema.js';

/**
 * Regenerates what is derived from the schemas: docs/contract.json and the configuration
 * table in README.md. A test fails when either is out of date.
 */
const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

writeFileSync(root('docs/contract.json'), `${JSON.stringify(contractDocument(), null, 2)}\n`);

const readme = readFileSync(root('README.md'), 'utf8');
writeFileSync(root('README.md'), withConfigTable(readme));
process.stdout.write('wrote docs/contract.json and the configuration table of README.md\n');

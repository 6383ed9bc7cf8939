import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withConfigTable } from '../src/config.js';
import { withCuesTable } from '../src/contract/cues.js';
import { publishedDocuments } from '../src/contract/published.js';

/**
 * Regenerates what is derived from the schemas: docs/contract.json (JSON Schema),
 * docs/asyncapi.json (AsyncAPI 3.0), docs/openapi.json (OpenAPI 3.1) and the configuration
 * table in README.md. A test fails when any of them is out of date.
 */
const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

const { version } = JSON.parse(readFileSync(root('package.json'), 'utf8')) as { version: string };
const documents = publishedDocuments(version);
for (const [path, document] of Object.entries(documents)) writeFileSync(root(path), `${JSON.stringify(document, null, 2)}\n`);

const readme = readFileSync(root('README.md'), 'utf8');
writeFileSync(root('README.md'), withCuesTable(withConfigTable(readme)));
process.stdout.write(`wrote ${Object.keys(documents).join(', ')} and the configuration and cues tables of README.md\n`);

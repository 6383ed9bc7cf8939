import { asyncapiDocument } from './asyncapi.js';
import { contractDocument } from './json-schema.js';
import { openapiDocument } from './openapi.js';

/** The documents `npm run docs` writes, by path from the repository's root; `version` is the package's. */
export function publishedDocuments(version: string): Record<string, unknown> {
  return {
    'docs/contract.json': contractDocument(),
    'docs/asyncapi.json': asyncapiDocument(version),
    'docs/openapi.json': openapiDocument(version),
  };
}

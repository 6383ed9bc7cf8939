import { HandshakeAuth, clientEventNames, clientMessages } from './events.js';
import { httpRoutes } from './http-routes.js';
import { schemaComponents } from './schema-components.js';
import { ScoringFile, TokensFile } from './show-files.js';

/**
 * docs/contract.json: every named schema of the contract once, as JSON Schema 2020-12 `$defs`
 * that refer to each other (`#/$defs/Session`). What the orchestrator reads (client messages,
 * request bodies, the show's files) is described as it is read, the rest as it is written.
 */
export function contractDocument() {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Show orchestrator contract',
    description:
      'Generated from src/contract by `npm run docs`. The events, rooms and acknowledgements are in docs/asyncapi.json, the HTTP ' +
      'routes in docs/openapi.json; both use these schemas.',
    $defs: schemaComponents({
      target: 'draft-2020-12',
      refPrefix: '#/$defs/',
      inputs: [
        HandshakeAuth,
        ...clientEventNames.map((event) => clientMessages[event]),
        ...httpRoutes.flatMap((route) => [...(route.body ? [route.body.schema] : []), ...(route.query ? [route.query] : [])]),
        TokensFile,
        ScoringFile,
      ],
      outputs: 'rest',
    }),
  };
}

import { z } from 'zod';
import { ErrorPayload } from './errors.js';
import { httpRoutes, pageRoutes, type Access, type ErrorStatus, type HttpRoute, type RouteError } from './http-routes.js';
import { schemaComponents, schemaId, type JsonSchema } from './schema-components.js';

/** docs/openapi.json: the HTTP API as OpenAPI 3.1, its schemas generated from the zod schemas. */

const SCHEMAS = '#/components/schemas/';

/** The reusable error responses, by status. */
const errorResponses: Record<ErrorStatus, { name: string; description: string }> = {
  400: { name: 'BadRequest', description: 'INVALID_DATA: a malformed body or query (`details: [{field, message}]`), or a body that is not JSON.' },
  401: { name: 'Unauthorized', description: 'AUTH_REQUIRED: no token; INVALID_TOKEN: a wrong or expired token.' },
  403: { name: 'Forbidden', description: "FORBIDDEN: the request's Host or Origin is not the orchestrator's own." },
  404: { name: 'NotFound', description: 'NOT_FOUND: no such route, transaction or team.' },
  409: { name: 'Conflict', description: 'VIDEO_BUSY, TEAM_LIMIT or CONFLICT.' },
  413: { name: 'PayloadTooLarge', description: 'INVALID_DATA: the body is larger than 16 KiB; the connection is closed.' },
  415: { name: 'UnsupportedMediaType', description: 'INVALID_DATA: an unsupported body encoding or charset.' },
  429: { name: 'TooManyRequests', description: 'RATE_LIMITED: slow down and retry.' },
  500: { name: 'ServerError', description: 'SERVER_ERROR: an unexpected failure (logged, never sent).' },
  503: { name: 'ServiceUnavailable', description: 'SERVER_ERROR: the orchestrator is starting or stopping.' },
};

const security: Record<Access, Array<Record<string, string[]>> | undefined> = {
  all: undefined,
  players: undefined,
  admin: [{ adminToken: [] }],
  // Optional while stations are open: the empty requirement.
  station: [{}, { stationToken: [] }, { adminToken: [] }],
};

const description = `The orchestrator's HTTP API: the admin page, player scanners and GM stations use it. The Socket.IO side is \`docs/asyncapi.json\`.

- Errors are \`{code, message, details?}\` (\`ErrorPayload\`); a refused player scan also carries \`status: "rejected"\`. An unknown \`/api\` route is 404 \`NOT_FOUND\`.
- Every request must name the orchestrator (\`Host\`: its hostname, \`orchestrator.local\`/\`.show\`, its addresses, \`localhost\`, ALLOWED_HOSTS) and, from a browser, come from its own pages (\`Origin\`), else 403 \`FORBIDDEN\`.
- Bodies are JSON of at most 16 KiB: a larger declared body is refused (413) before it is read, and the connection closed.
- Admin routes need \`Authorization: Bearer <admin token>\` from \`POST /api/admin/login\`.

Generated from the zod schemas in \`src/contract/\` by \`npm run docs\`.`;

const pathOf = (expressPath: string) => expressPath.replace(/:(\w+)/g, '{$1}');

const operationId = (method: string, path: string) =>
  method +
  (path
    .split('/')
    .filter((part) => part !== '' && part !== 'api' && !part.startsWith(':'))
    .map((part) => part.replace(/(^|[-.])(\w)/g, (_match, _dash: string, letter: string) => letter.toUpperCase()))
    .join('') || 'Root');

/** A named schema as a `$ref`; an array of one as an array of `$ref`s. */
function schemaRef(schema: z.ZodType): JsonSchema {
  if (schema instanceof z.ZodArray) return { type: 'array', items: schemaRef(schema.element as z.ZodType) };
  return { $ref: `${SCHEMAS}${schemaId(schema)}` };
}

const named = (schema: z.ZodType): z.ZodType => (schema instanceof z.ZodArray ? named(schema.element as z.ZodType) : schema);

const json = (schema: z.ZodType) => ({ 'application/json': { schema: schemaRef(schema) } });

function errorResponse(status: ErrorStatus, override: string | RouteError | undefined): JsonSchema {
  if (override === undefined) return { $ref: `#/components/responses/${errorResponses[status].name}` };
  const { description: text, schema } = typeof override === 'string' ? { description: override, schema: undefined } : override;
  return { description: text, content: json(schema ?? ErrorPayload) };
}

function operation(route: HttpRoute, components: Record<string, JsonSchema>): JsonSchema {
  const statuses = new Set<ErrorStatus>([403, 500, ...(Object.keys(route.errors ?? {}).map(Number) as ErrorStatus[])]);
  if (route.access === 'admin' || route.access === 'station') statuses.add(401);
  if (route.body !== undefined) [400, 413, 415].forEach((status) => statuses.add(status as ErrorStatus));
  if (route.query !== undefined) statuses.add(400);

  const responses: Record<string, JsonSchema> = {
    [route.ok.status]: {
      description: route.ok.description,
      content: {
        ...(route.ok.schema === undefined ? {} : json(route.ok.schema)),
        ...(route.ok.csv === undefined ? {} : { 'text/csv': { schema: { type: 'string', description: route.ok.csv } } }),
        ...Object.fromEntries(Object.entries(route.ok.files ?? {}).map(([type, text]) => [type, { schema: { description: text } }])),
      },
    },
  };
  for (const status of [...statuses].sort((a, b) => a - b)) responses[status] = errorResponse(status, route.errors?.[status]);

  const parameters = [
    ...Object.entries(route.params ?? {}).map(([name, text]) => ({ name, in: 'path', required: true, description: text, schema: { type: 'string' } })),
    ...(route.query === undefined ? [] : queryParameters(components[schemaId(route.query)])),
  ];
  const limit = route.rateLimit === undefined ? '' : `\n\nRate limit: ${route.rateLimit}.`;
  return {
    operationId: operationId(route.method, route.path),
    summary: route.summary,
    ...(route.description === undefined && limit === '' ? {} : { description: `${route.description ?? ''}${limit}`.trim() }),
    tags: [route.access],
    ...(security[route.access] === undefined ? {} : { security: security[route.access] }),
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(route.body === undefined ? {} : { requestBody: { required: route.body.required, content: json(route.body.schema) } }),
    responses,
  };
}

/** A query's fields as query parameters, from the query schema as the orchestrator reads it. */
function queryParameters(query: JsonSchema | undefined): JsonSchema[] {
  const properties = (query?.properties ?? {}) as Record<string, JsonSchema>;
  const required = (query?.required ?? []) as string[];
  return Object.entries(properties).map(([name, { description: text, ...schema }]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    ...(text === undefined ? {} : { description: text }),
    schema,
  }));
}

export function openapiDocument(version: string) {
  const components = schemaComponents({
    target: 'draft-2020-12',
    refPrefix: SCHEMAS,
    inputs: httpRoutes.flatMap((route) => [...(route.body ? [route.body.schema] : []), ...(route.query ? [route.query] : [])]),
    outputs: [
      ErrorPayload,
      ...httpRoutes.flatMap((route) => [
        ...(route.ok.schema === undefined ? [] : [named(route.ok.schema)]),
        ...Object.values(route.errors ?? {}).flatMap((error) => (typeof error === 'object' && error.schema ? [error.schema] : [])),
      ]),
    ],
  });

  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of httpRoutes) (paths[pathOf(route.path)] ??= {})[route.method] = operation(route, components);
  for (const page of pageRoutes) {
    (paths[page.path] ??= {})[page.method] = {
      operationId: operationId(page.method, page.path),
      summary: page.summary,
      description: 'Served only when the orchestrator has its built pages (dist/web); `/assets/*` holds their scripts and styles.',
      tags: ['pages'],
      responses: {
        ...(page.redirect === undefined
          ? { 200: { description: 'The page.', content: { 'text/html': { schema: { type: 'string' } } } } }
          : { 302: { description: `To ${page.redirect}.`, headers: { Location: { schema: { type: 'string', const: page.redirect } } } } }),
        403: errorResponse(403, undefined),
      },
    };
  }

  return {
    openapi: '3.1.0',
    info: { title: 'Show orchestrator HTTP API', version, description },
    servers: [
      {
        url: 'http://{host}:{port}',
        description: 'The orchestrator on the show network',
        variables: { host: { default: 'orchestrator.local' }, port: { default: '3000', description: 'PORT' } },
      },
      {
        url: 'https://{host}:{port}',
        description: "The same on HTTPS, under the appliance's own CA (`GET /ca.crt`)",
        variables: { host: { default: 'orchestrator.local' }, port: { default: '3443', description: 'HTTPS_PORT' } },
      },
    ],
    tags: [
      { name: 'all', description: 'Open to anyone on the network.' },
      { name: 'station', description: 'GM stations: a Bearer station or admin token while stations are closed (STATION_TOKEN set).' },
      { name: 'admin', description: 'The admin page: a Bearer admin token.' },
      { name: 'players', description: 'Player scanners.' },
      { name: 'pages', description: 'The pages the orchestrator serves.' },
    ],
    paths,
    components: {
      schemas: components,
      responses: Object.fromEntries(
        Object.values(errorResponses).map(({ name, description: text }) => [name, { description: text, content: json(ErrorPayload) }]),
      ),
      securitySchemes: {
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'An admin token from `POST /api/admin/login`, valid for 12 hours.',
        },
        stationToken: {
          type: 'http',
          scheme: 'bearer',
          description: "STATION_TOKEN, the token of the admin page's join QR code (`GET /api/station-access`).",
        },
      },
    },
  };
}

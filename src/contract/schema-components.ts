import { z } from 'zod';
import { ErrorCode, ErrorPayload } from './errors.js';
import * as contract from './index.js';

/** A JSON Schema as the generators handle it. */
export type JsonSchema = Record<string, unknown>;

/** What each error code means (and its usual HTTP status): ErrorCode's description in the documents. */
const errorCodeMeanings: Record<ErrorCode, string> = {
  AUTH_REQUIRED: 'a station token, a `gm:identify` or an admin login is needed first, or a station was taken over (401)',
  INVALID_TOKEN: 'the station token or the admin token (or password) is wrong or expired (401)',
  SESSION_NOT_FOUND: 'there is no current session, or no session with that id (404)',
  DEVICE_LIMIT: 'too many GM stations, connections or player scanners (429); a socket is closed after it',
  INVALID_DATA: 'a malformed payload or body, with `details: [{field, message}]`; nothing was written (400; 404 for an unknown token over HTTP)',
  SERVER_ERROR: 'an unexpected failure; the stack is logged, never sent (500; 503 from /health while starting or stopping)',
  RATE_LIMITED: 'over a rate limit: the event or request was not processed, retry later (429)',
  NOT_FOUND: 'no such HTTP route, or a transaction or team the session does not have (404)',
  VIDEO_BUSY: "a clip cannot be queued now: another plays, the queue is full, or the scanner already has one waiting (409, body `status: \"rejected\"`)",
  FORBIDDEN: "a request whose Host or Origin is not the orchestrator's own (403)",
  TEAM_LIMIT: 'a submission for a new team when the session already has MAX_TEAMS teams (409)',
  CONFLICT: 'a correction the log contradicts: a transaction already voided, one that never counted, a team name another team has (409)',
};

/**
 * Names for the schemas of errors.ts, which carry no `.meta()` of their own (yet): used only
 * while the global registry has no id for them.
 */
const fallbackMeta = new Map<z.ZodType, { id: string; description: string }>([
  [
    ErrorCode,
    {
      id: 'ErrorCode',
      description: `What went wrong. The first six are the spec's table.\n\n${ErrorCode.options.map((code) => `- \`${code}\`: ${errorCodeMeanings[code]}`).join('\n')}`,
    },
  ],
  [ErrorPayload, { id: 'ErrorPayload', description: 'A failure: the `error` event, a failed ack, and every HTTP error body.' }],
]);

const idOf = (schema: z.ZodType): string | undefined => z.globalRegistry.get(schema)?.id ?? fallbackMeta.get(schema)?.id;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every schema of the contract that has an id: the ones src/contract exports and those of its
 * per-event maps (`clientMessages`, `serverEnvelopes`, `acks`). An id names one schema only.
 */
export function namedSchemas(): Map<string, z.ZodType> {
  const named = new Map<string, z.ZodType>();
  const add = (value: unknown) => {
    if (!(value instanceof z.ZodType)) return;
    const id = idOf(value);
    if (id === undefined) return;
    const existing = named.get(id);
    if (existing !== undefined && existing !== value) throw new Error(`two schemas of the contract have the id ${id}`);
    named.set(id, value);
  };
  for (const value of Object.values(contract)) {
    if (value instanceof z.ZodType) add(value);
    else if (isRecord(value)) Object.values(value).forEach(add);
  }
  return named;
}

/** The id of a named schema, or an error saying that it has none. */
export function schemaId(schema: z.ZodType): string {
  const id = idOf(schema);
  if (id === undefined) throw new Error('this schema has no id: give it `.meta({ id, description })` in src/contract');
  return id;
}

export interface ComponentOptions {
  target: 'draft-2020-12' | 'draft-07';
  /** Where the document keeps its schemas: `#/components/schemas/` or `#/$defs/`. */
  refPrefix: string;
  /** Named schemas a document uses that the orchestrator reads (client messages, request bodies, files). */
  inputs: readonly z.ZodType[];
  /** Named schemas a document uses that the orchestrator writes; `rest`: every other named schema. */
  outputs: readonly z.ZodType[] | 'rest';
}

/**
 * The named schemas a document uses, and those they refer to, each once, as JSON Schema whose
 * `$ref`s point at `refPrefix + id`. What the orchestrator reads is converted as it is read
 * (defaults make a field optional, unknown keys are ignored), what it writes as it is written;
 * a schema used both ways must convert the same either way.
 */
export function schemaComponents(options: ComponentOptions): Record<string, JsonSchema> {
  const named = namedSchemas();
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of named) registry.add(schema, { id });
  const read = convert(registry, 'input', options);
  const written = convert(registry, 'output', options);

  const inputIds = reachable(options.inputs.map(schemaId), read, options.refPrefix);
  const outputRoots = options.outputs === 'rest' ? [...named.keys()].filter((id) => !inputIds.has(id)) : options.outputs.map(schemaId);
  const outputIds = reachable(outputRoots, written, options.refPrefix);
  const components: Record<string, JsonSchema> = {};
  for (const id of [...new Set([...inputIds, ...outputIds])].sort()) {
    const asRead = read[id];
    const asWritten = written[id];
    if (asRead === undefined || asWritten === undefined) throw new Error(`no JSON Schema for ${id}`);
    if (inputIds.has(id) && outputIds.has(id) && JSON.stringify(asRead) !== JSON.stringify(asWritten)) {
      throw new Error(`${id} is both read and written by the orchestrator and converts differently: give one use its own schema`);
    }
    components[id] = inputIds.has(id) ? asRead : asWritten;
  }
  return components;
}

function convert(registry: z.core.$ZodRegistry<{ id: string }>, io: 'input' | 'output', options: ComponentOptions): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(registry, {
    target: options.target,
    io,
    unrepresentable: 'throw',
    uri: (id) => `${options.refPrefix}${id}`,
  });
  if ('__shared' in schemas) {
    throw new Error(`a schema with an id is not exported from src/contract: ${JSON.stringify(Object.keys(schemas.__shared ?? {}))}`);
  }
  const converted: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    // Each is a part of one document, whose dialect is the document's.
    const rest: JsonSchema = { ...schema };
    delete rest.$schema;
    delete rest.$id;
    const fallback = [...fallbackMeta.values()].find((meta) => meta.id === id);
    converted[id] = fallback !== undefined && rest.description === undefined ? { ...rest, description: fallback.description } : rest;
  }
  return converted;
}

/** The ids `roots` refer to, directly or through other named schemas, roots included. */
function reachable(roots: readonly string[], schemas: Record<string, JsonSchema>, refPrefix: string): Set<string> {
  const found = new Set<string>();
  const visit = (id: string) => {
    if (found.has(id)) return;
    const schema = schemas[id];
    if (schema === undefined) throw new Error(`${id} is not a named schema of the contract`);
    found.add(id);
    for (const ref of refsIn(schema)) {
      if (ref.startsWith(refPrefix)) visit(ref.slice(refPrefix.length));
    }
  };
  roots.forEach(visit);
  return found;
}

/** Every `$ref` in a JSON value. */
export function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => (key === '$ref' && typeof child === 'string' ? [child] : refsIn(child)));
}

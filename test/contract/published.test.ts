import { Parser, DiagnosticSeverity } from '@asyncapi/parser';
import { validate } from '@readme/openapi-parser';
import { readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clientEventNames, ErrorCode, GmIdentify, serverEventNames } from '../../src/contract/index.js';
import { namedSchemas, refsIn, schemaComponents } from '../../src/contract/schema-components.js';
import { createHttpApp, type HttpAppDeps } from '../../src/transport/http/http-app.js';
import { rooms } from '../../src/transport/socket/broadcaster.js';
import { ManualClock } from '../support/manual-clock.js';

/**
 * The published documents are valid for the official tools of their formats, and complete:
 * every event of the contract and every route of the express app is in them.
 */

type Json = Record<string, unknown>;
const readJson = (path: string) => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')) as Json;
const asyncapi = readJson('docs/asyncapi.json');
const openapi = readJson('docs/openapi.json');
const contract = readJson('docs/contract.json');

const record = (value: unknown): Json => value as Json;
const entries = (value: unknown) => Object.entries(record(value)) as Array<[string, Json]>;

/** Resolves a local `$ref` (`#/a/b`) in a document. */
function resolve(document: Json, ref: string): unknown {
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, part) => (node === undefined ? undefined : record(node)[part]), document);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('docs/asyncapi.json', () => {
  it('is a valid AsyncAPI 3.0 document for the official parser, which fetches nothing', async () => {
    const connect = vi.spyOn(Socket.prototype, 'connect');
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(asyncapi));
    // The parser's severities are spectral's enum, declared in more than one copy of @stoplight/types.
    const isError = (diagnostic: { severity: number }) => diagnostic.severity === (DiagnosticSeverity.Error as number);
    const errors = diagnostics.filter(isError);
    for (const diagnostic of diagnostics.filter((d) => !isError(d))) {
      console.info(`asyncapi ${DiagnosticSeverity[diagnostic.severity]}: ${diagnostic.code} ${diagnostic.message} at ${diagnostic.path.join('.')}`);
    }
    expect(errors.map((error) => `${error.message} at ${error.path.join('.')}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(connect).not.toHaveBeenCalled();

    // What a client developer reads off the parsed document: each client event is received and replied to.
    const received = document!.operations().filter((operation) => operation.action() === 'receive');
    expect(received.flatMap((operation) => operation.messages().all().map((message) => message.name())).sort()).toEqual([...clientEventNames].sort());
    for (const operation of received) expect(operation.reply()?.messages().length, operation.id()).toBe(1);
    const sent = document!.operations().filter((operation) => operation.action() === 'send');
    expect(new Set(sent.flatMap((operation) => operation.messages().all().map((message) => message.name())))).toEqual(new Set(serverEventNames));
  });

  it("has each operation's messages, and each reply's, in its own channel", () => {
    for (const [id, operation] of entries(asyncapi.operations)) {
      const pairs = [[operation.channel, operation.messages]];
      const reply = operation.reply as Json | undefined;
      if (reply) pairs.push([reply.channel, reply.messages]);
      for (const [channel, messages] of pairs) {
        const channelRef = record(channel).$ref as string;
        for (const message of messages as Json[]) expect(message.$ref, id).toMatch(new RegExp(`^${channelRef}/messages/`));
      }
    }
  });

  it('names the rooms the broadcaster uses', () => {
    const addresses = Object.values(record(asyncapi.channels)).map((channel) => record(channel).address);
    expect(addresses).toEqual(
      expect.arrayContaining([rooms.stations, rooms.admin, rooms.session('{sessionId}'), rooms.station('{stationId}')]),
    );
  });

  it('describes every error code, and the acks of every client event', () => {
    const schemas = record(record(asyncapi.components).schemas);
    expect(record(schemas.ErrorCode).enum).toEqual(ErrorCode.options);
    for (const code of ErrorCode.options) expect(record(schemas.ErrorCode).description).toContain(`\`${code}\``);
    const acks = Object.keys(record(record(record(asyncapi.channels).acknowledgements).messages));
    expect(acks).toHaveLength(clientEventNames.length);
  });

  it("has message examples that the contract's schemas accept", () => {
    const named = namedSchemas();
    let checked = 0;
    for (const [key, message] of entries(record(asyncapi.components).messages)) {
      const id = (record(message.payload).$ref as string).split('/').pop()!;
      for (const example of (message.examples ?? []) as Json[]) {
        expect(named.get(id)?.safeParse(example.payload).success, key).toBe(true);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('docs/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await validate(structuredClone(openapi) as Parameters<typeof validate>[0]);
    for (const warning of result.warnings) console.info(`openapi warning: ${warning.message}`);
    expect(result.valid ? [] : result.errors.map((error) => error.message)).toEqual([]);
    expect(openapi.openapi).toBe('3.1.0');
  });

  it('has every route the express app registers, and no other', () => {
    // Registering the routes calls none of their dependencies but the logger and the clock.
    const app = createHttpApp({
      logger: pino({ enabled: false }),
      clock: new ManualClock(),
      webDir: '/nonexistent',
      isReady: () => true,
    } as unknown as HttpAppDeps);
    const registered = app.router.stack.flatMap((layer) => (layer.route ? layer.route.stack.map((inner) => `${inner.method.toUpperCase()} ${layer.route!.path}`) : []));
    const documented = Object.entries(record(openapi.paths)).flatMap(([path, operations]) =>
      Object.keys(record(operations)).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(new Set(documented)).toEqual(new Set(registered));
    expect(registered.length).toBeGreaterThan(15);
  });

  it('answers every error with the error payload', () => {
    for (const [path, operations] of entries(openapi.paths)) {
      for (const [method, operation] of entries(operations)) {
        for (const [status, response] of entries(operation.responses)) {
          if (Number(status) < 400) continue;
          const resolved = record(typeof response.$ref === 'string' ? resolve(openapi, response.$ref) : response);
          const schema = record(record(record(resolved.content)['application/json']).schema);
          expect(['#/components/schemas/ErrorPayload', '#/components/schemas/VideoBusyError'], `${method} ${path} ${status}`).toContain(schema.$ref);
        }
      }
    }
  });
});

describe('the published documents', () => {
  it.each([
    ['docs/asyncapi.json', asyncapi],
    ['docs/openapi.json', openapi],
    ['docs/contract.json', contract],
  ])('%s: every $ref resolves within the document', (_path, document) => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of new Set(refs)) expect(resolve(document, ref), ref).toBeDefined();
  });

  it("declares each schema once: docs/contract.json has every named schema of the contract", () => {
    expect(Object.keys(record(contract.$defs)).sort()).toEqual([...namedSchemas().keys()].sort());
    expect(JSON.stringify(contract)).not.toContain('__shared');
  });

  it('describes what the orchestrator reads as it reads it, and what it writes as it writes it', () => {
    const schemas = record(record(openapi.components).schemas);
    // A query's default makes the field optional to send; unknown keys of a body are ignored, not refused.
    expect(record(schemas.ExportQuery).required).toBeUndefined();
    expect(record(schemas.LoginRequest).additionalProperties).toBeUndefined();
    expect(record(schemas.Session).additionalProperties).toBe(false);
    // A schema used both ways would have to say two things at once: refused.
    expect(() => schemaComponents({ target: 'draft-2020-12', refPrefix: '#/$defs/', inputs: [GmIdentify], outputs: [GmIdentify] })).toThrow(
      /GmIdentify is both read and written/,
    );
  });

  it('has examples that the schemas they illustrate accept', () => {
    let checked = 0;
    for (const [id, schema] of namedSchemas()) {
      const { examples } = (schema.meta() ?? {}) as { examples?: unknown[] };
      for (const example of examples ?? []) {
        expect(schema.safeParse(example).success, id).toBe(true);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });
});

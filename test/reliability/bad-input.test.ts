import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientPayloadOf } from '../../src/transport/socket/client-payload.js';
import { clientEventNames, clientEventSchemas, type AckResponse, type ClientEventName } from '../../src/contract/index.js';
import {
  ClockCorrectionRequest,
  CreateTeamRequest,
  ExportQuery,
  LoginRequest,
  NewSessionRequest,
  PlayerHeartbeatRequest,
  PlayerScanBatchRequest,
  PlayerScanRequest,
  ReassignRequest,
  RenameTeamRequest,
  ScoreAdjustRequest,
  UpdateSessionRequest,
  VideoControl,
  VoidRequest,
} from '../../src/contract/http.js';
import { DisplayRequest } from '../../src/contract/display.js';
import { MAX_MESSAGE_BYTES } from '../../src/app/settings.js';
import { connect, station, startTestServer, type Peer, type TestServer } from '../support/harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { api } from '../support/http.js';
import { bounded, seedFrom } from '../support/reliability.js';
import type { z } from 'zod';

/**
 * Bad input: property-based fuzzing (fast-check) of every client event and every HTTP route
 * that takes input, with malformed, oversized, deeply nested, wrong-typed and
 * prototype-polluting payloads. Every case must be refused (INVALID_DATA on the socket, 400
 * over HTTP; 413 for a body over the limit), without a stack trace, without changing any
 * state and without polluting Object.prototype; the server stays up and its memory bounded.
 * In-process for speed, on a manual clock that moves past the rate limits between cases.
 * Replay with FUZZ_SEED.
 */

const SOCKET_RUNS = 750; // per event, and for unknown events: 8 × 750
const HTTP_RUNS = 500; // per route: 14 × 500
/** Far above what 10,000 refused requests should keep; only growth without bound trips it. */
const MEMORY_GROWTH_LIMIT = 256 * 1024 * 1024;
const STACK_TRACE = /\bat .*[(/].*:\d+:\d+|\.(?:ts|js):\d+|node_modules|node:internal/;
/** Names socket.io-client refuses to emit. */
const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);
const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

let server: TestServer;
let clock: ManualClock;
let gm: Peer;
let admin: Peer;
let adminToken: string;
let seed: number;
let cases = 0;
const before = { rss: 0, state: '' };

/** Everything a refused request must leave as it was. */
function stateSnapshot(): string {
  const show = server.orchestrator.show;
  const sessionId = show.session?.id ?? '';
  return JSON.stringify({
    state: show.state(),
    session: show.session,
    sessions: show.sessions(),
    // Player scanners time out as the manual clock moves past the rate limits: that is time, not input.
    devices: show
      .syncPayload()
      .devices.filter((device) => device.type === 'gm')
      .map(({ lastHeartbeat: _seen, ...device }) => device),
    video: show.videoOverview(),
    transactions: server.store.transactions(sessionId),
    scans: server.store.playerScans(sessionId),
    teams: server.store.teams(sessionId),
    corrections: server.store.corrections(sessionId),
  });
}

function assertNotPolluted(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}
const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();

// ---- arbitraries ---------------------------------------------------------------------------

/** An object whose own keys include `__proto__`, `constructor` or `prototype` (as JSON.parse makes them). */
const pollutingObject: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(fc.subarray([...POLLUTING_KEYS], { minLength: 1 }), fc.jsonValue({ maxDepth: 2 }))
  .map(([keys, value]) => {
    const object: Record<string, unknown> = {};
    for (const key of keys) {
      Object.defineProperty(object, key, { value: { polluted: true, value }, enumerable: true, writable: true, configurable: true });
    }
    return object;
  });

/** Arrays or objects nested 50–800 deep (deeper still as raw HTTP text below). */
const deep: fc.Arbitrary<unknown> = fc.tuple(fc.integer({ min: 50, max: 800 }), fc.boolean()).map(([depth, arrays]) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i += 1) value = arrays ? [value] : { a: value };
  return value;
});

/**
 * Strings far over every field's limit, yet whose JSON stays under the socket's message limit
 * (counted in bytes on the wire: an emoji is 4, an escaped control character 6).
 */
const oversized = fc
  .tuple(fc.integer({ min: 1000, max: MAX_MESSAGE_BYTES - 4096 }), fc.constantFrom('x', 'é', '\u0000', ' ', '😀'))
  .map(([bytes, unit]) => unit.repeat(Math.floor(bytes / (Buffer.byteLength(JSON.stringify(unit)) - 2))));

const wrongTyped: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.constantFrom('', '   ', '\u0000', '\n\t'),
);

/** A bad value for a field: wrong type, empty, oversized, deeply nested or polluting. */
const badField = fc.oneof(wrongTyped, oversized, deep, pollutingObject);

/** Any JSON value at all, polluting objects and deep nesting included. */
const junk = fc.oneof(fc.jsonValue({ maxDepth: 4 }), deep, pollutingObject, oversized);

/**
 * Payloads for a schema built from a valid one: a field replaced by a bad value or removed,
 * polluting keys mixed in, sometimes wrapped in the `{event, data}` envelope; or plain junk.
 */
function payloadsFor(valid: Record<string, unknown>, envelopeEvent?: string): fc.Arbitrary<unknown> {
  const fields = Object.keys(valid);
  const mutated = fc
    .tuple(fc.constantFrom(...fields), fc.option(badField, { nil: undefined }), fc.option(pollutingObject, { nil: undefined }))
    .map(([field, bad, pollution]) => {
      const payload: Record<string, unknown> = { ...valid };
      if (bad === undefined) delete payload[field];
      else payload[field] = bad;
      if (pollution) for (const key of Object.keys(pollution)) Object.defineProperty(payload, key, { value: pollution[key], enumerable: true });
      return payload;
    });
  const payload = fc.oneof({ weight: 3, arbitrary: mutated }, { weight: 1, arbitrary: junk });
  if (envelopeEvent === undefined) return payload;
  return fc.oneof({ weight: 3, arbitrary: payload }, { weight: 1, arbitrary: payload.map((data) => ({ event: envelopeEvent, data })) });
}


/** Round-trips through JSON as the wire does (an own `__proto__` key stays an own key). */
const onTheWire = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

const socketPayloads: Record<ClientEventName, fc.Arbitrary<unknown>> = {
  'gm:identify': payloadsFor({ stationId: 'FUZZ_OTHER', version: '1.0.0' }, 'gm:identify'),
  // Any object is a valid (empty) state request, so only non-objects are bad ones.
  'state:request': fc
    .oneof(wrongTyped, oversized, deep)
    .filter((value) => value !== null && (typeof value !== 'object' || Array.isArray(value)))
    .chain((data) => fc.constantFrom<unknown>(data, { event: 'state:request', data })),
  'transaction:submit': payloadsFor({ tokenId: 'tok001', teamId: 'Red', scannerId: 'FUZZ_GM' }, 'transaction:submit'),
  'transaction:void': payloadsFor({ transactionId: 'fuzz-transaction', reason: 'wrong team' }, 'transaction:void'),
  'team:create': payloadsFor({ name: 'Fuzz Team' }, 'team:create'),
  heartbeat: payloadsFor({ stationId: 'FUZZ_GM' }, 'heartbeat'),
  'video:control': fc.oneof(payloadsFor({ action: 'play', tokenId: 'tok002' }, 'video:control'), payloadsFor({ action: 'pause' })),
};

/** Whether the server would accept this payload; such (rare) cases are skipped, not sent. */
function acceptable(event: ClientEventName, payload: unknown): boolean {
  const parsed = clientEventSchemas[event].safeParse(clientPayloadOf(event, onTheWire(payload)));
  if (!parsed.success) return false;
  // An identified connection keeps its id, and a heartbeat must name it: anything else is refused.
  if (event === 'gm:identify') return (parsed.data as { stationId: string }).stationId === 'FUZZ_GM';
  if (event === 'heartbeat') return (parsed.data as { stationId: string }).stationId === 'FUZZ_GM';
  return true;
}

function expectRefused(ack: AckResponse, what: string): void {
  if (ack.ok || ack.error.code !== 'INVALID_DATA') throw new Error(`${what}: expected INVALID_DATA, got ${JSON.stringify(ack).slice(0, 300)}`);
  const text = JSON.stringify(ack);
  if (STACK_TRACE.test(text)) throw new Error(`${what}: a stack trace in the reply: ${text.slice(0, 300)}`);
}

// ---- the server ------------------------------------------------------------------------------

beforeAll(async () => {
  seed = seedFrom('FUZZ_SEED', 'bad input');
  clock = new ManualClock();
  server = await startTestServer({ clock });
  adminToken = await server.adminToken();
  adminTokenAt = clock.now();
  gm = await station(server.url, 'FUZZ_GM');
  admin = await connect(server.url, { token: adminToken });
  // A little history, so that "no state change" compares something.
  await gm.submit('tok001', 'Red', 'FUZZ_GM');
  await gm.submit('nope', 'Blue', 'FUZZ_GM');
  await api(server.url, 'POST', '/api/scan', { body: { tokenId: 'tok003', deviceId: 'fuzz-player' } });
  clock.advance(10_000);
  // Warm up, so that the memory baseline includes what the first requests allocate for good.
  for (let i = 0; i < 50; i += 1) {
    clock.advance(1_000);
    expectRefused(await gm.request('transaction:submit', { tokenId: 5 }), 'warm-up');
    await api(server.url, 'POST', '/api/scan', { body: { tokenId: 5 } });
  }
  before.rss = process.memoryUsage().rss;
  before.state = stateSnapshot();
});

afterAll(async () => {
  gm.close();
  admin.close();
  await server.destroy();
});

describe('fuzzed client events', () => {
  for (const event of clientEventNames) {
    it(`refuses malformed ${event} with INVALID_DATA and changes nothing`, async () => {
      const peer = event === 'video:control' ? admin : gm;
      await fc.assert(
        fc.asyncProperty(socketPayloads[event], async (payload) => {
          fc.pre(!acceptable(event, payload));
          clock.advance(5_000); // past every per-connection rate limit
          cases += 1;
          expectRefused(await peer.request(event, payload), event);
        }),
        { numRuns: SOCKET_RUNS, seed, endOnFailure: true },
      );
      expect(JSON.parse(stateSnapshot())).toEqual(JSON.parse(before.state));
      assertNotPolluted();
      peer.received.length = 0; // what the peer recorded is not the server's memory
    });
  }

  it('answers unknown events, whatever they carry, with INVALID_DATA', async () => {
    const name = fc.string({ minLength: 1, maxLength: 40 }).filter((e) => !RESERVED.has(e) && !(clientEventNames as string[]).includes(e));
    await fc.assert(
      fc.asyncProperty(name, junk, async (event, payload) => {
        clock.advance(1_000);
        cases += 1;
        expectRefused(await gm.request(event, payload), `unknown event ${JSON.stringify(event)}`);
      }),
      { numRuns: SOCKET_RUNS, seed, endOnFailure: true },
    );
    expect(JSON.parse(stateSnapshot())).toEqual(JSON.parse(before.state));
  });

  it('drops only the connection of a message over the size limit', async () => {
    for (let i = 0; i < 5; i += 1) {
      const peer = await connect(server.url);
      const closed = new Promise<string>((resolve) => peer.socket.once('disconnect', resolve));
      peer.socket.emit('transaction:submit', { tokenId: 'x'.repeat(MAX_MESSAGE_BYTES + i * 10_000), teamId: 'Red', scannerId: 'GM' });
      await bounded(closed, 10_000, 'the oversized connection to be dropped');
      cases += 1;
    }
    clock.advance(5_000);
    expect((await gm.request('heartbeat', { stationId: 'FUZZ_GM' })).ok).toBe(true);
  });
});

// ---- HTTP ----------------------------------------------------------------------------------------

interface Route {
  method: string;
  path: string;
  admin: boolean;
  schema: z.ZodType;
  valid: Record<string, unknown>;
}

const routes: Route[] = [
  { method: 'POST', path: '/api/admin/login', admin: false, schema: LoginRequest, valid: { password: 'a-wrong-password' } },
  { method: 'POST', path: '/api/session', admin: true, schema: NewSessionRequest, valid: { name: 'Fuzz night' } },
  { method: 'PATCH', path: '/api/session', admin: true, schema: UpdateSessionRequest, valid: { status: 'paused' } },
  { method: 'PATCH', path: '/api/session/clock', admin: true, schema: ClockCorrectionRequest, valid: { plannedMinutes: 90, adjustSeconds: -60 } },
  { method: 'POST', path: '/api/scan', admin: false, schema: PlayerScanRequest, valid: { tokenId: 'tok003', deviceId: 'fuzz-player' } },
  { method: 'POST', path: '/api/heartbeat', admin: false, schema: PlayerHeartbeatRequest, valid: { deviceId: 'fuzz-player' } },
  // An object in `scans` that is not a valid scan gets its own result (and is skipped here as acceptable); the rest is a 400.
  { method: 'POST', path: '/api/scan/batch', admin: false, schema: PlayerScanBatchRequest, valid: { scans: [{ tokenId: 'tok003', deviceId: 'fuzz-player', scanId: 'fuzz-1' }] } },
  { method: 'POST', path: '/api/video', admin: true, schema: VideoControl, valid: { action: 'play', tokenId: 'tok002' } },
  { method: 'POST', path: '/api/teams', admin: true, schema: CreateTeamRequest, valid: { name: 'Fuzz Team' } },
  { method: 'PATCH', path: '/api/teams/Red', admin: true, schema: RenameTeamRequest, valid: { name: 'Fuzz Team' } },
  { method: 'POST', path: '/api/transactions/fuzz-transaction/void', admin: true, schema: VoidRequest, valid: { reason: 'wrong team' } },
  { method: 'POST', path: '/api/transactions/fuzz-transaction/reassign', admin: true, schema: ReassignRequest, valid: { teamId: 'Red', reason: 'wrong team' } },
  { method: 'POST', path: '/api/scores/adjust', admin: true, schema: ScoreAdjustRequest, valid: { teamId: 'Red', points: -75000, reason: 'penalty' } },
  { method: 'POST', path: '/api/display', admin: true, schema: DisplayRequest, valid: { mode: 'welcome' } },
];

/** Body text: JSON of a bad payload, or raw text (broken JSON, literal "__proto__" keys, deep nesting, over 16 kB). */
const rawBodies = fc.oneof(
  fc.string({ maxLength: 200 }).filter((text) => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  }),
  fc.constantFrom(...POLLUTING_KEYS).chain((key) =>
    fc.jsonValue({ maxDepth: 2 }).map((value) => `{"${key}": {"polluted": true, "value": ${JSON.stringify(value)}}, "tokenId": 5}`),
  ),
  fc.constantFrom(...POLLUTING_KEYS).map((key) => `{"${key}": {"${key}": {"polluted": true}}}`),
  fc.integer({ min: 1000, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 17 * 1024, max: 64 * 1024 }).map((size) => JSON.stringify({ tokenId: 'x'.repeat(size) })),
  fc.constantFrom('5', '"text"', 'true', 'null', '[]'),
);

/** Whether the route would accept this body text; such (rare) cases are skipped, not sent. */
function acceptableBody(route: Route, body: string): boolean {
  // No body at all is an empty object to express.json (POST /api/session then starts a session).
  if (body.trim() === '') return route.schema.safeParse({}).success;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  return route.schema.safeParse(parsed).success;
}

async function send(route: Route, body: string): Promise<{ status: number; text: string; body: unknown }> {
  clock.advance(6_000); // past the login and player rate limits
  cases += 1;
  return api(server.url, route.method, route.path, { rawBody: body, ...(route.admin ? { token: await currentAdminToken() } : {}) });
}

let adminTokenAt = 0;
/** Admin tokens last 12 h of the server's clock, which the cases move on by 6 s each: log in again before that. */
async function currentAdminToken(): Promise<string> {
  if (clock.now() - adminTokenAt > 6 * 3600_000) {
    adminToken = await server.adminToken();
    adminTokenAt = clock.now();
  }
  return adminToken;
}

function expectHttpRefused(reply: { status: number; text: string; body: unknown }, what: string): void {
  const code = (reply.body as { code?: unknown } | undefined)?.code;
  const tooLarge = reply.status === 413;
  if ((reply.status !== 400 && !tooLarge) || code !== 'INVALID_DATA') {
    throw new Error(`${what}: expected 400 INVALID_DATA, got ${reply.status} ${reply.text.slice(0, 300)}`);
  }
  if (STACK_TRACE.test(reply.text)) throw new Error(`${what}: a stack trace in the reply: ${reply.text.slice(0, 300)}`);
}

describe('fuzzed HTTP bodies', () => {
  for (const route of routes) {
    it(`refuses malformed bodies of ${route.method} ${route.path} with 400 and changes nothing`, async () => {
      const bodies = fc.oneof(
        { weight: 3, arbitrary: payloadsFor(route.valid).map((payload) => JSON.stringify(payload)) },
        { weight: 1, arbitrary: rawBodies },
      );
      await fc.assert(
        fc.asyncProperty(bodies, async (body) => {
          fc.pre(!acceptableBody(route, body));
          expectHttpRefused(await send(route, body), `${route.method} ${route.path} ${body.slice(0, 80)}`);
        }),
        { numRuns: HTTP_RUNS, seed, endOnFailure: true },
      );
      expect(JSON.parse(stateSnapshot())).toEqual(JSON.parse(before.state));
      assertNotPolluted();
    });
  }

  it('refuses malformed export queries with 400', async () => {
    const sessionId = server.orchestrator.show.session!.id;
    const format = fc.oneof(fc.string({ maxLength: 30 }), fc.array(fc.constantFrom('json', 'csv', 'x'), { minLength: 2, maxLength: 3 }));
    await fc.assert(
      fc.asyncProperty(format, async (value) => {
        const query = Array.isArray(value) ? value.map((v) => `format=${encodeURIComponent(v)}`).join('&') : `format=${encodeURIComponent(value)}`;
        fc.pre(!ExportQuery.safeParse({ format: Array.isArray(value) ? value : value }).success);
        cases += 1;
        const reply = await api(server.url, 'GET', `/api/sessions/${sessionId}/export?${query}`, { token: await currentAdminToken() });
        expectHttpRefused(reply, `export ?${query}`);
      }),
      { numRuns: HTTP_RUNS, seed, endOnFailure: true },
    );
    expect(JSON.parse(stateSnapshot())).toEqual(JSON.parse(before.state));
  });
});

describe('after all of it', () => {
  it('is up, unchanged, unpolluted, within its memory bound, after 10,000 or more cases', async () => {
    console.log(`bad input: ${cases} cases; RSS ${(before.rss / 2 ** 20).toFixed(0)} MB before, ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB after`);
    expect(cases).toBeGreaterThanOrEqual(10_000);
    expect((await api(server.url, 'GET', '/health')).status).toBe(200);
    expect(JSON.parse(stateSnapshot())).toEqual(JSON.parse(before.state));
    assertNotPolluted();
    expect(process.memoryUsage().rss - before.rss).toBeLessThan(MEMORY_GROWTH_LIMIT);
    // And it still works: the same connection submits a real transaction.
    clock.advance(5_000);
    expect((await gm.submit('tok003', 'Red', 'FUZZ_GM')).status).toBe('accepted');
  });
});

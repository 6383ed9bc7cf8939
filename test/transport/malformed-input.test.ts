import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, station, startTestServer, type Peer, type TestServer } from '../support/harness.js';
import { api } from '../support/http.js';

let server: TestServer;
let witness: Peer;
beforeAll(async () => {
  server = await startTestServer({ maxStations: 1000 });
  witness = await station(server.url, 'WITNESS');
});
afterAll(async () => {
  witness.close();
  await server.destroy();
});

interface Case {
  payload: unknown;
  field: string;
}

const notAnObject: Case[] = [
  { payload: 42, field: '(root)' },
  { payload: 'text', field: '(root)' },
  { payload: [1, 2], field: '(root)' },
  { payload: true, field: '(root)' },
];

const cases: Record<'gm:identify' | 'transaction:submit' | 'heartbeat', Case[]> = {
  'gm:identify': [
    ...notAnObject,
    { payload: null, field: '(root)' },
    { payload: {}, field: 'stationId' },
    { payload: { stationId: '', version: '1' }, field: 'stationId' },
    { payload: { stationId: '   ', version: '1' }, field: 'stationId' },
    { payload: { stationId: 'x'.repeat(65), version: '1' }, field: 'stationId' },
    { payload: { stationId: 7, version: '1' }, field: 'stationId' },
    { payload: { stationId: 'GM', version: 1 }, field: 'version' },
    { payload: { stationId: 'GM' }, field: 'version' },
    { payload: { stationId: { $gt: '' }, version: '1' }, field: 'stationId' },
    { payload: JSON.parse('{"__proto__": {"polluted": true}, "version": "1"}'), field: 'stationId' },
    { payload: { event: 'gm:identify', data: { stationId: ['GM'], version: '1' } }, field: 'stationId' },
  ],
  'transaction:submit': [
    ...notAnObject,
    { payload: null, field: '(root)' },
    { payload: {}, field: 'tokenId' },
    { payload: { tokenId: '', teamId: 'Red', scannerId: 'GM' }, field: 'tokenId' },
    { payload: { tokenId: 'tok001', teamId: '', scannerId: 'GM' }, field: 'teamId' },
    { payload: { tokenId: 'tok001', teamId: 'x'.repeat(65), scannerId: 'GM' }, field: 'teamId' },
    { payload: { tokenId: 'tok001', teamId: 'Red', scannerId: '' }, field: 'scannerId' },
    { payload: { tokenId: 12, teamId: 'Red', scannerId: 'GM' }, field: 'tokenId' },
    { payload: { tokenId: 'x'.repeat(129), teamId: 'Red', scannerId: 'GM' }, field: 'tokenId' },
    { payload: { tokenId: 'tok001', teamId: { toString: 'Red' }, scannerId: 'GM' }, field: 'teamId' },
    { payload: JSON.parse('{"tokenId":"tok001","teamId":"Red","scannerId":"GM","constructor":{"prototype":{"x":1}},"__proto__":{"status":"accepted"}}') as unknown, field: '' },
    { payload: { event: 'transaction:submit', data: null }, field: '(root)' },
    { payload: nested(200), field: 'tokenId' },
  ],
  heartbeat: [...notAnObject, { payload: {}, field: 'stationId' }, { payload: { stationId: '' }, field: 'stationId' }],
};

function nested(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i += 1) value = { tokenId: value };
  return value;
}

describe('malformed payloads', () => {
  for (const [event, list] of Object.entries(cases)) {
    for (const [index, { payload, field }] of list.entries()) {
      it(`${event} #${index} is refused with INVALID_DATA naming ${field || 'nothing wrong'}`, async () => {
        const before = JSON.stringify((await api(server.url, 'GET', '/api/state')).body);
        const peer = event === 'gm:identify' ? await connect(server.url) : await station(server.url, `GM_${event}_${index}`);
        try {
          const ack = await peer.request(event, payload);
          if (field === '') {
            // Extra keys are dropped by the schema: the valid part is processed, the prototype untouched.
            expect(ack.ok).toBe(true);
            expect(({} as Record<string, unknown>).status).toBeUndefined();
            expect(({} as Record<string, unknown>).x).toBeUndefined();
            return;
          }
          expect(ack).toMatchObject({ ok: false, error: { code: 'INVALID_DATA' } });
          const [error] = await peer.waitFor('error');
          expect(error!.data.code).toBe('INVALID_DATA');
          expect((error!.data.details as { field: string }[]).map((d) => d.field)).toContain(field);
          expect(JSON.stringify((await api(server.url, 'GET', '/api/state')).body)).toBe(before);
        } finally {
          peer.close();
        }
      });
    }
  }

  it('survives a message above the size limit by dropping only that connection', async () => {
    const peer = await connect(server.url);
    const closed = new Promise<string>((resolve) => peer.socket.once('disconnect', resolve));
    peer.socket.emit('transaction:submit', { tokenId: 'x'.repeat(200 * 1024), teamId: 'Red', scannerId: 'GM' });
    expect(await closed).toBe('transport close');
    const health = await api(server.url, 'GET', '/health');
    expect(health.status).toBe(200);
    expect((await witness.request('heartbeat', { stationId: 'WITNESS' })).ok).toBe(true);
  });

  it('answers an unknown event with INVALID_DATA and keeps the connection', async () => {
    const peer = await connect(server.url);
    try {
      const ack = await peer.request('admin:drop-tables', { all: true });
      expect(ack).toMatchObject({ ok: false, error: { code: 'INVALID_DATA' } });
      expect(peer.socket.connected).toBe(true);
    } finally {
      peer.close();
    }
  });

  it('refuses a malformed handshake auth', async () => {
    await expect(connect(server.url, { token: 123 })).rejects.toMatchObject({ data: { code: 'INVALID_DATA' } });
  });
});

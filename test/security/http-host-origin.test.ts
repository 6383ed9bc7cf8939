import { afterEach, describe, expect, it } from 'vitest';
import { io as connectClient } from 'socket.io-client';
import { connect, startTestServer, type ClientSocket, type Peer, type TestServer } from '../support/harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { fakeMachine, RawConnection } from '../support/security.js';
import { rawRequest } from '../support/http.js';

let server: TestServer;
const peers: Peer[] = [];
const sockets: ClientSocket[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  for (const socket of sockets.splice(0)) socket.disconnect();
  await server.destroy();
});

const scanBody = JSON.stringify({ tokenId: 'tok001', deviceId: 'player-1' });
const json = { 'content-type': 'application/json' };

/** The three routes a rebinding page would use: read the tokens, read the state, log a scan. */
async function forged(port: number, headers: Record<string, string>) {
  return [
    await rawRequest(port, { path: '/api/tokens', headers }),
    await rawRequest(port, { path: '/api/state', headers }),
    await rawRequest(port, { method: 'POST', path: '/api/scan', headers: { ...json, ...headers }, body: scanBody }),
  ];
}

describe('DNS rebinding (finding: any Host was served, so a rebound name could drive the API)', () => {
  it('refuses a Host that is not one of the orchestrator\'s names or addresses, and logs no scan', async () => {
    server = await startTestServer({ machine: fakeMachine() });
    const port = server.orchestrator.port;
    const sessionId = server.orchestrator.show.session?.id ?? '';
    for (const host of [
      'evil.example',
      'evil.example:3000',
      `evil.example:${port}`,
      // Names dressed as ours: a rebinding domain that starts with a loopback address or our name.
      '127.0.0.1.nip.io',
      'localhost.evil.example',
      'orchestrator.local.evil.example',
      'venue-pi.evil.example',
      // An address that is not this machine's.
      '10.9.9.9',
      `10.42.0.99:${port}`,
      // Malformed values.
      'orchestrator.local@evil.example',
      'evil.example/orchestrator.local',
    ]) {
      for (const response of await forged(port, { host })) {
        expect(response.status, `Host: ${host}`).toBe(403);
        expect(response.body, `Host: ${host}`).toMatchObject({ code: 'FORBIDDEN' });
      }
    }
    // An empty Host (node:http would replace it with its own, hence a raw socket).
    const empty = await RawConnection.open(port);
    empty.write(`POST /api/scan HTTP/1.1\r\nHost: \r\nContent-Type: application/json\r\nContent-Length: ${scanBody.length}\r\nConnection: close\r\n\r\n${scanBody}`);
    expect(await empty.closedWithin(10_000)).toBe(true);
    expect(empty.text).toMatch(/^HTTP\/1\.1 403 /);
    expect(empty.text).toContain('"code":"FORBIDDEN"');
    expect(server.store.playerScans(sessionId)).toEqual([]);
  });

  it('serves the honest names: loopback, localhost, orchestrator.local, the hostname, its addresses, ALLOWED_HOSTS', async () => {
    server = await startTestServer({ machine: fakeMachine('venue-pi', ['10.42.0.1', 'fd00::1']), allowedHosts: ['Scores.Example.org'] });
    const port = server.orchestrator.port;
    const sessionId = server.orchestrator.show.session?.id ?? '';
    const hosts = [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      'orchestrator.local',
      `orchestrator.local:${port}`,
      'venue-pi',
      `venue-pi.local:${port}`,
      'VENUE-PI.local.',
      '10.42.0.1',
      `10.42.0.1:${port}`,
      `[fd00::1]:${port}`,
      `scores.example.org:${port}`,
    ];
    for (const host of hosts) {
      const [tokens, state, scan] = await forged(port, { host });
      expect(tokens?.status, `Host: ${host}`).toBe(200);
      expect(state?.status, `Host: ${host}`).toBe(200);
      expect(scan, `Host: ${host}`).toMatchObject({ status: 200, body: { status: 'accepted' } });
    }
    expect(server.store.playerScans(sessionId)).toHaveLength(hosts.length);
  });

  it('accepts an address that came up after start (the hotspot) once the addresses are read again', async () => {
    const clock = new ManualClock();
    const machine = fakeMachine('venue-pi', ['192.168.1.20']);
    server = await startTestServer({ machine, clock });
    const port = server.orchestrator.port;
    expect((await rawRequest(port, { path: '/api/state', headers: { host: '192.168.1.20' } })).status).toBe(200);
    machine.list.push('10.42.0.1');
    clock.advance(2_001);
    expect((await rawRequest(port, { path: '/api/state', headers: { host: `10.42.0.1:${port}` } })).status).toBe(200);
    // And one that went away is not served any more once re-read.
    machine.list.splice(0, 1);
    clock.advance(2_001);
    expect((await rawRequest(port, { path: '/api/state', headers: { host: '192.168.1.20' } })).status).toBe(403);
  });

  it('refuses a Socket.IO handshake addressed to a forged Host, on both transports', async () => {
    server = await startTestServer({ machine: fakeMachine() });
    const port = server.orchestrator.port;
    const polling = await rawRequest(port, { path: '/socket.io/?EIO=4&transport=polling', headers: { host: 'evil.example' } });
    expect(polling.status).toBe(403);
    const socket: ClientSocket = connectClient(server.url, {
      transports: ['websocket'],
      extraHeaders: { host: `evil.example:${port}` },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    await expect(connected(socket)).rejects.toBeInstanceOf(Error);
    // The same client naming the orchestrator connects: the Host alone made the difference.
    const own: ClientSocket = connectClient(server.url, {
      transports: ['websocket'],
      extraHeaders: { host: `orchestrator.local:${port}` },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(own);
    await connected(own);
    const honest = await rawRequest(port, { path: '/socket.io/?EIO=4&transport=polling', headers: { host: `127.0.0.1:${port}` } });
    expect(honest.status).toBe(200);
    expect(honest.text).toMatch(/^0\{"sid":/);
  });
});

describe('cross-origin requests (finding: any web page open on a tablet could call the API and join as a station)', () => {
  it('refuses Origin: another site or null with 403 FORBIDDEN, and logs no scan', async () => {
    server = await startTestServer({ machine: fakeMachine() });
    const port = server.orchestrator.port;
    const sessionId = server.orchestrator.show.session?.id ?? '';
    for (const origin of [
      'http://evil.example',
      `http://evil.example:${port}`,
      'https://evil.example',
      'null',
      `http://127.0.0.1.nip.io:${port}`,
      'file://',
      `ftp://127.0.0.1:${port}`,
      'not a url',
    ]) {
      for (const response of await forged(port, { host: `127.0.0.1:${port}`, origin })) {
        expect(response.status, `Origin: ${origin}`).toBe(403);
        expect(response.body, `Origin: ${origin}`).toMatchObject({ code: 'FORBIDDEN' });
      }
    }
    expect(server.store.playerScans(sessionId)).toEqual([]);
  });

  it('serves the orchestrator\'s own pages\' origin, and clients that send none', async () => {
    server = await startTestServer({ machine: fakeMachine() });
    const port = server.orchestrator.port;
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, 'http://orchestrator.local', `http://venue-pi.local:${port}`, 'http://10.42.0.1']) {
      const [tokens, state, scan] = await forged(port, { host: `127.0.0.1:${port}`, origin });
      expect(tokens?.status, `Origin: ${origin}`).toBe(200);
      expect(state?.status, `Origin: ${origin}`).toBe(200);
      expect(scan?.status, `Origin: ${origin}`).toBe(200);
    }
    const scanner = await rawRequest(port, { method: 'POST', path: '/api/scan', headers: { ...json, host: `127.0.0.1:${port}` }, body: scanBody });
    expect(scanner).toMatchObject({ status: 200, body: { status: 'accepted' } });
  });

  it('refuses a Socket.IO client sending another site\'s Origin; the same client without it connects', async () => {
    server = await startTestServer({ machine: fakeMachine() });
    const port = server.orchestrator.port;
    for (const origin of ['http://evil.example', 'null']) {
      const socket: ClientSocket = connectClient(server.url, {
        transports: ['websocket'],
        extraHeaders: { origin },
        reconnection: false,
        forceNew: true,
      });
      sockets.push(socket);
      await expect(connected(socket), `Origin: ${origin}`).rejects.toBeInstanceOf(Error);
      expect(socket.connected).toBe(false);
    }
    const polling = await rawRequest(port, { path: '/socket.io/?EIO=4&transport=polling', headers: { origin: 'http://evil.example' } });
    expect(polling.status).toBe(403);

    // Honest: a station with no Origin (not a browser), and a browser on the orchestrator's own page.
    const plain = await connect(server.url);
    peers.push(plain);
    expect((await plain.identify('GM_PLAIN')).success).toBe(true);
    const ownPage: ClientSocket = connectClient(server.url, {
      transports: ['websocket'],
      extraHeaders: { origin: `http://127.0.0.1:${port}` },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(ownPage);
    await connected(ownPage);
    const ownPolling = await rawRequest(port, { path: '/socket.io/?EIO=4&transport=polling', headers: { origin: `http://127.0.0.1:${port}` } });
    expect(ownPolling.status).toBe(200);
  });
});

/** Resolves on connect, rejects with the connect_error; bounded. */
function connected(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('neither connect nor connect_error within 10 s')), 10_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

import { afterEach, describe, expect, it } from 'vitest';
import { io as connectClient } from 'socket.io-client';
import { startTestServer, type ClientSocket, type TestServer } from '../support/harness.js';
import { RawConnection } from '../support/security.js';
import { rawRequest, rawRequestOnceAdmitted } from '../support/http.js';

let server: TestServer;
const connections: RawConnection[] = [];
const sockets: ClientSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  for (const connection of connections.splice(0)) connection.destroy();
  await server.destroy();
});

async function open(port: number, localAddress?: string): Promise<RawConnection> {
  const connection = await RawConnection.open(port, localAddress);
  connections.push(connection);
  return connection;
}

describe('connections per address (finding: one device could open sockets until the server ran out of descriptors)', () => {
  it('closes the connection over the cap at once, serves other addresses, and frees the slots when closed', async () => {
    // Nothing else has talked to this server yet: no keep-alive connection of the test counts.
    server = await startTestServer({ limits: { maxConnectionsPerAddress: 5 } });
    const port = server.orchestrator.port;
    const idle = [];
    for (let i = 0; i < 5; i += 1) idle.push(await open(port));

    // The sixth is closed without a byte sent or answered.
    const over = await open(port);
    expect(await over.closedWithin(10_000)).toBe(true);
    expect(over.text).toBe('');
    // The five idle ones are untouched.
    expect(idle.map((connection) => connection.closed)).toEqual([false, false, false, false, false]);

    // Another device (another loopback address) is served as usual.
    const other = await rawRequest(port, { path: '/health', localAddress: '127.0.0.2' });
    expect(other).toMatchObject({ status: 200, body: { status: 'ok' } });

    // Once the five close, 127.0.0.1 gets in again (after the server has seen them go).
    for (const connection of idle) connection.destroy();
    const back = await rawRequestOnceAdmitted(port, { path: '/health' });
    expect(back).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('counts Socket.IO connections and HTTP requests alike', async () => {
    server = await startTestServer({ limits: { maxConnectionsPerAddress: 3 } });
    const port = server.orchestrator.port;
    for (let i = 0; i < 3; i += 1) {
      const socket: ClientSocket = connectClient(server.url, { transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
    }
    await expect(rawRequest(port, { path: '/health' })).rejects.toBeInstanceOf(Error);
    // The stations already connected keep working.
    for (const socket of sockets) expect(socket.connected).toBe(true);
    const ack = (await sockets[0]?.timeout(10_000).emitWithAck('gm:identify', { stationId: 'GM', version: '1.0.0' })) as { ok: boolean };
    expect(ack.ok).toBe(true);
    expect((await rawRequest(port, { path: '/health', localAddress: '127.0.0.3' })).status).toBe(200);
  });
});

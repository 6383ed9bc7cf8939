import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SocketTargetProbe } from '../../../src/adapters/preflight/target-probe.js';
import { tempDirPerTest } from '../../support/temp-dir.js';

const open: Array<Socket | Server> = [];
afterEach(async () => {
  for (const each of open.splice(0)) await new Promise<void>((closed) => each.close(() => closed()));
});

async function tcpListener(): Promise<{ server: Server; port: number; connections: () => number; received: () => string }> {
  let connections = 0;
  let received = '';
  const server = createServer((socket) => {
    connections += 1;
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  open.push(server);
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, connections: () => connections, received: () => received };
}

/** A port nothing listens on: bound, read, then closed. */
async function closedTcpPort(): Promise<number> {
  const { server, port } = await tcpListener();
  open.splice(open.indexOf(server), 1);
  await new Promise<void>((closed) => server.close(() => closed()));
  return port;
}

const fakeRoot = tempDirPerTest('target-probe-');
const ownAddress = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal)?.address;

describe('the cue target probe', () => {
  it('finds an HTTP target by a handshake alone, sending it no request', async () => {
    const listener = await tcpListener();
    const probe = new SocketTargetProbe();
    expect(await probe.reach({ protocol: 'http', host: '127.0.0.1', port: listener.port })).toEqual({ state: 'reachable', detail: 'accepts connections' });
    await expect.poll(() => listener.connections()).toBe(1);
    expect(listener.received()).toBe('');
  });

  it('says nothing listens on a closed HTTP port, and names a host that does not resolve', async () => {
    const probe = new SocketTargetProbe();
    const port = await closedTcpPort();
    expect(await probe.reach({ protocol: 'http', host: '127.0.0.1', port })).toEqual({ state: 'unreachable', detail: `nothing listens on TCP port ${port}` });
    expect(await probe.reach({ protocol: 'http', host: 'no-such-desk.invalid', port: 80 })).toEqual({ state: 'unreachable', detail: 'the name no-such-desk.invalid does not resolve' });
  });

  it('finds an OSC listener on this machine by its bound UDP port, without sending it a packet', async () => {
    const udp = createSocket('udp4');
    let packets = 0;
    udp.on('message', () => (packets += 1));
    await new Promise<void>((bound) => udp.bind(0, '127.0.0.1', bound));
    open.push(udp);
    const port = udp.address().port;
    const probe = new SocketTargetProbe();
    expect(await probe.reach({ protocol: 'osc', host: '127.0.0.1', port })).toEqual({ state: 'reachable', detail: `a program listens on UDP port ${port}` });
    expect(await probe.reach({ protocol: 'osc', host: 'localhost', port })).toMatchObject({ state: 'reachable' });
    udp.close();
    open.pop();
    expect(await probe.reach({ protocol: 'osc', host: '127.0.0.1', port })).toEqual({ state: 'unreachable', detail: `nothing listens on UDP port ${port} on this Pi` });
    expect(packets).toBe(0);
  });

  it('reads the UDP table under the host root, and cannot tell without one', async () => {
    mkdirSync(join(fakeRoot.path, 'proc', 'net'), { recursive: true });
    writeFileSync(
      join(fakeRoot.path, 'proc', 'net', 'udp'),
      '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n' +
        '  412: 00000000:D05C 00000000:0000 07 00000000:00000000 00:00000000 00000000   100        0 31337 2 0000000000000000 0\n',
    );
    expect(await new SocketTargetProbe({ hostRoot: fakeRoot.path }).reach({ protocol: 'osc', host: '127.0.0.1', port: 0xd05c })).toMatchObject({ state: 'reachable' });
    expect(await new SocketTargetProbe({ hostRoot: join(fakeRoot.path, 'nowhere') }).reach({ protocol: 'osc', host: '127.0.0.1', port: 53000 })).toEqual({
      state: 'unconfirmed',
      detail: 'cannot tell: OSC sends no reply',
    });
  });

  // This machine's own non-loopback address: not "this Pi's loopback" to the probe, yet the packets never leave the host.
  it.skipIf(ownAddress === undefined)('takes an answered handshake (accepted or refused) from another address as proof the OSC machine is up', async () => {
    const host = ownAddress ?? '';
    const probe = new SocketTargetProbe();
    const port = await closedTcpPort();
    expect(await probe.reach({ protocol: 'osc', host, port })).toEqual({ state: 'reachable', detail: 'the machine answers (OSC itself sends no reply)' });
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((listening) => server.listen(0, host, listening));
    open.push(server);
    const address = server.address();
    expect(await probe.reach({ protocol: 'osc', host, port: typeof address === 'object' && address ? address.port : 0 })).toMatchObject({ state: 'reachable' });
  });
});

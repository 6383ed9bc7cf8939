import { X509Certificate } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { TlsInfo } from '../../src/contract/index.js';
import { connect, station, startTestServer, type Peer, type TestServer } from '../support/harness.js';
import { okBody, api, rawRequest } from '../support/http.js';

/**
 * HTTPS beside HTTP on the real server: the same routes and the same stations over TLS with
 * the appliance's CA, `/ca.crt` and `/api/tls` without a login, the connection cap over both.
 */

let server: TestServer | undefined;
const peers: Peer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.destroy();
  server = undefined;
});

const portOf = (url: string) => Number(new URL(url).port);

async function httpsServer(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer & { httpsUrl: string; caCertificate: string }> {
  server = await startTestServer({ ...options, https: true });
  const { httpsUrl, caCertificate } = server;
  if (httpsUrl === undefined || caCertificate === undefined) throw new Error('the server has no HTTPS');
  return { ...server, httpsUrl, caCertificate };
}

/** Resolves once `socket` is connected; a bounded wait. */
function opened(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no connection within 5 s')), 5000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', reject);
  });
}

/** The names and addresses of the certificate a new TLS connection is shown (trusting only `ca`). */
function presentedAltNames(port: number, ca: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca, timeout: 5000 });
    sockets.push(socket);
    socket.once('secureConnect', () => {
      resolve((socket.getPeerCertificate().subjectaltname ?? '').split(', '));
      socket.destroy();
    });
    socket.once('error', reject);
    socket.once('timeout', () => reject(new Error('no TLS handshake within 5 s')));
  });
}

describe('HTTPS beside HTTP', () => {
  it('answers GET /health over TLS with a certificate the CA signed for the address', async () => {
    const { httpsUrl, caCertificate } = await httpsServer();
    expect(httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await rawRequest(portOf(httpsUrl), { path: '/health', ca: caCertificate });
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    // Plain HTTP keeps working, on its own port.
    expect((await api(server!.url, 'GET', '/health')).status).toBe(200);
  });

  it('refuses a client that does not trust the CA', async () => {
    const { httpsUrl } = await httpsServer();
    await expect(
      new Promise((resolve, reject) => {
        const socket = tlsConnect({ host: '127.0.0.1', port: portOf(httpsUrl), timeout: 5000 });
        socket.once('secureConnect', () => resolve('connected'));
        socket.once('error', reject);
        socket.once('timeout', () => reject(new Error('timed out')));
        sockets.push(socket);
      }),
    ).rejects.toThrow(/self-signed|unable to (get|verify)/i);
  });

  it('serves the same stations over wss: identify and submit there, seen on plain HTTP too', async () => {
    const { httpsUrl, caCertificate } = await httpsServer();
    const secure = await station(httpsUrl, 'GM_TLS', {}, { ca: caCertificate });
    const plain = await station(server!.url, 'GM_PLAIN');
    peers.push(secure, plain);
    const transaction = await secure.submit('tok001', 'team-1');
    expect(transaction).toMatchObject({ status: 'accepted', tokenId: 'tok001', teamId: 'team-1' });
    const [seen] = await plain.waitFor('transaction:new', (envelope) => envelope.data.id === transaction.id);
    expect(seen?.data.scannerId).toBe('GM_TLS');
    // Without the CA the websocket is not opened.
    await expect(connect(httpsUrl)).rejects.toThrow();
  });

  it('downloads /ca.crt without a login on both addresses, the certificate /api/tls fingerprints', async () => {
    const { httpsUrl, caCertificate } = await httpsServer();
    for (const [port, ca] of [
      [portOf(server!.url), undefined],
      [portOf(httpsUrl), caCertificate],
    ] as const) {
      const download = await rawRequest(port, { path: '/ca.crt', ...(ca === undefined ? {} : { ca }) });
      expect(download.status).toBe(200);
      expect(download.headers['content-type']).toBe('application/x-x509-ca-cert');
      expect(download.text).toBe(caCertificate);
      expect(new X509Certificate(download.text).ca).toBe(true);
    }
    const info = TlsInfo.parse(okBody(await api(server!.url, 'GET', '/api/tls'), 'tls'));
    expect(info).toEqual({ httpPort: portOf(server!.url), httpsPort: portOf(httpsUrl), caFingerprint: new X509Certificate(caCertificate).fingerprint256 });
  });

  it('keeps its CA across a restart on the same data', async () => {
    const first = await httpsServer();
    const dataDir = first.dataDir;
    await first.stop();
    server = await startTestServer({ dataDir, https: true });
    expect(server.caCertificate).toBe(first.caCertificate);
    const health = await rawRequest(portOf(server.httpsUrl!), { path: '/health', ca: first.caCertificate });
    expect(health.status).toBe(200);
  });

  it('issues the certificate again when the machine gets a new address, for the next connections', async () => {
    const addresses = ['127.0.0.1', '::1'];
    const machine = { hostname: () => 'stage-left', addresses: () => addresses };
    const { httpsUrl, caCertificate } = await httpsServer({ machine, timing: { certificateCheckMs: 50 } });
    const before = await presentedAltNames(portOf(httpsUrl), caCertificate);
    expect(before).toContain('DNS:stage-left.local');
    expect(before).not.toContain('IP Address:192.0.2.44');
    addresses.push('192.0.2.44');
    await expect.poll(() => presentedAltNames(portOf(httpsUrl), caCertificate), { timeout: 10_000 }).toContain('IP Address:192.0.2.44');
  });

  it('refuses other sites over HTTPS as over HTTP', async () => {
    const { httpsUrl, caCertificate } = await httpsServer();
    const port = portOf(httpsUrl);
    const own = await rawRequest(port, { path: '/api/state', ca: caCertificate, headers: { origin: httpsUrl } });
    expect(own.status).toBe(200);
    const other = await rawRequest(port, { path: '/api/state', ca: caCertificate, headers: { origin: 'https://evil.example' } });
    expect(other.status).toBe(403);
  });

  it('counts the connections of one address over HTTP and HTTPS together', async () => {
    const { httpsUrl, caCertificate } = await httpsServer({ limits: { maxConnectionsPerAddress: 2 } });
    for (let i = 0; i < 2; i += 1) {
      const socket = tcpConnect({ host: '127.0.0.1', port: portOf(server!.url) });
      sockets.push(socket);
      await opened(socket);
    }
    // Both connections are counted by the time an HTTP request on a third is refused.
    await expect(rawRequest(portOf(server!.url), { path: '/health', timeoutMs: 5000 })).rejects.toThrow();
    await expect(rawRequest(portOf(httpsUrl), { path: '/health', ca: caCertificate, timeoutMs: 5000 })).rejects.toThrow();
    for (const socket of sockets.splice(0)) socket.destroy();
  });
});

describe('HTTPS_PORT=none', () => {
  it('has no CA to download and says so in /api/tls', async () => {
    server = await startTestServer();
    expect(server.httpsUrl).toBeUndefined();
    const download = await api(server.url, 'GET', '/ca.crt');
    expect(download.status).toBe(404);
    expect(download.body).toMatchObject({ code: 'NOT_FOUND' });
    expect(TlsInfo.parse(okBody(await api(server.url, 'GET', '/api/tls'), 'tls'))).toEqual({ httpPort: portOf(server.url), httpsPort: null, caFingerprint: null });
  });
});

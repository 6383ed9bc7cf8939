import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { isIP, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { checkServerIdentity, connect, createServer, type PeerCertificate, type Server } from 'node:tls';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CertificateAuthority, type CertificateAuthorityOptions, type CertificateSubjects } from '../../../src/adapters/tls/certificate-authority.js';
import type { ServerCredentials } from '../../../src/ports/server-tls.js';
import { tempDirPerTest } from '../../support/temp-dir.js';

/**
 * The appliance's CA and server certificate on real files in a temp folder, checked by
 * node's own X.509 parser and TLS stack, as a tablet's browser would check them.
 */

const folder = tempDirPerTest('orchestrator-tls-');
const DAY_MS = 86_400_000;
const SUBJECTS: CertificateSubjects = {
  dnsNames: ['localhost', 'orchestrator.local', 'orchestrator.show', 'stage-left', 'stage-left.local', 'stage-left.show'],
  ipAddresses: ['10.42.0.1', '127.0.0.1', '::1', '192.168.1.23'],
};

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function options(overrides: Partial<CertificateAuthorityOptions> = {}): CertificateAuthorityOptions {
  return {
    dir: join(folder.path, 'tls'),
    subjects: () => SUBJECTS,
    clock: { now: () => Date.now() },
    logger: pino({ enabled: false }),
    applianceName: 'stage-left',
    ...overrides,
  };
}

const read = (name: string) => readFileSync(join(folder.path, 'tls', name), 'utf8');
const modeOf = (path: string) => statSync(path).mode & 0o777;
/** The first certificate of a PEM chain. */
const leaf = (chain: string) => new X509Certificate(chain);
const altNames = (chain: string) => (leaf(chain).subjectAltName ?? '').split(', ').sort();

/** A TLS server presenting `credentials` on 127.0.0.1. */
async function serve(credentials: ServerCredentials): Promise<number> {
  const server = createServer(credentials, (socket) => socket.end());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * A TLS handshake that trusts only `ca` and expects the certificate to name `name` (sent as
 * SNI when it is a name; an address is checked against the IP entries), as a browser opening
 * `https://name:port` does; resolves with the server's certificate or rejects with the reason.
 */
function handshake(port: number, ca: string | undefined, name: string): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      ...(ca === undefined ? {} : { ca }),
      ...(isIP(name) === 0 ? { servername: name } : {}),
      checkServerIdentity: (_host, certificate) => checkServerIdentity(name, certificate),
      timeout: 5000,
    });
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate();
      socket.destroy();
      resolve(certificate);
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error('handshake timed out'));
    });
    socket.once('error', reject);
  });
}

describe('CertificateAuthority', () => {
  it('makes a CA for ten years and a server certificate signed by it, for every name and address', async () => {
    const ca = await CertificateAuthority.open(options());
    const authority = new X509Certificate(ca.caCertificate);
    expect(authority.ca).toBe(true);
    expect(authority.subject).toContain('stage-left');
    const years = (new Date(authority.validTo).getTime() - Date.now()) / (365 * DAY_MS);
    expect(years).toBeGreaterThan(9.9);
    expect(ca.caFingerprint).toBe(authority.fingerprint256);
    expect(ca.caFingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);

    const server = leaf(ca.credentials().cert);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(authority)).toBe(true);
    expect(server.verify(authority.publicKey)).toBe(true);
    expect(server.keyUsage).toContain('1.3.6.1.5.5.7.3.1');
    // Apple's limit for certificates under a CA the user trusts is 825 days; this stays far inside it.
    expect(new Date(server.validTo).getTime() - Date.now()).toBeLessThanOrEqual(398 * DAY_MS);
    expect(server.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(altNames(ca.credentials().cert)).toEqual(
      [
        ...SUBJECTS.dnsNames.map((name) => `DNS:${name}`),
        'IP Address:10.42.0.1',
        'IP Address:127.0.0.1',
        'IP Address:0:0:0:0:0:0:0:1',
        'IP Address:192.168.1.23',
      ].sort(),
    );
  });

  it('keeps its keys readable by their owner only, in a private folder', async () => {
    await CertificateAuthority.open(options());
    const dir = join(folder.path, 'tls');
    expect(modeOf(dir)).toBe(0o700);
    expect(readdirSync(dir).sort()).toEqual(['ca.crt', 'ca.key', 'server.crt', 'server.key']);
    for (const file of readdirSync(dir)) expect(modeOf(join(dir, file)), file).toBe(0o600);
  });

  it('is made once: a restart finds the same CA and server certificate in the same files', async () => {
    const first = await CertificateAuthority.open(options());
    const files = Object.fromEntries(['ca.crt', 'ca.key', 'server.crt', 'server.key'].map((name) => [name, read(name)]));
    const second = await CertificateAuthority.open(options());
    expect(second.caFingerprint).toBe(first.caFingerprint);
    expect(second.caCertificate).toBe(first.caCertificate);
    expect(second.credentials()).toEqual(first.credentials());
    for (const [name, text] of Object.entries(files)) expect(read(name), name).toBe(text);
    expect(await second.refresh()).toBe(false);
    expect(read('server.crt')).toBe(files['server.crt']);
  });

  it('issues the server certificate again when the addresses change, under the same CA and key', async () => {
    let subjects = SUBJECTS;
    const ca = await CertificateAuthority.open(options({ subjects: () => subjects }));
    const before = ca.credentials();
    expect(await ca.refresh()).toBe(false);

    subjects = { ...SUBJECTS, ipAddresses: [...SUBJECTS.ipAddresses.filter((ip) => ip !== '192.168.1.23'), '172.20.0.7'] };
    expect(await ca.refresh()).toBe(true);
    const after = ca.credentials();
    expect(after.key).toBe(before.key);
    expect(after.cert).not.toBe(before.cert);
    expect(altNames(after.cert)).toContain('IP Address:172.20.0.7');
    expect(altNames(after.cert)).not.toContain('IP Address:192.168.1.23');
    expect(leaf(after.cert).verify(new X509Certificate(ca.caCertificate).publicKey)).toBe(true);
    expect(read('server.crt')).toBe(after.cert);
    // The same addresses in another order, or repeated, are no change.
    subjects = { dnsNames: [...subjects.dnsNames].reverse(), ipAddresses: [...subjects.ipAddresses, '127.0.0.1'].reverse() };
    expect(await ca.refresh()).toBe(false);

    // A restart on a machine whose addresses changed while it was off issues it at the start.
    const restarted = await CertificateAuthority.open(options({ subjects: () => SUBJECTS }));
    expect(restarted.caFingerprint).toBe(ca.caFingerprint);
    expect(altNames(restarted.credentials().cert)).toContain('IP Address:192.168.1.23');
  });

  it('renews the server certificate a month before it ends, and keeps the CA', async () => {
    let now = Date.now();
    const ca = await CertificateAuthority.open(options({ clock: { now: () => now } }));
    const before = leaf(ca.credentials().cert);
    now += 300 * DAY_MS;
    expect(await ca.refresh()).toBe(false);
    now += 70 * DAY_MS;
    expect(await ca.refresh()).toBe(true);
    expect(new Date(leaf(ca.credentials().cert).validTo).getTime()).toBeGreaterThan(new Date(before.validTo).getTime());
    expect(new X509Certificate(ca.caCertificate).fingerprint256).toBe(ca.caFingerprint);
  });

  it('makes a new CA, and signs the server certificate with it, when the stored key is gone', async () => {
    const first = await CertificateAuthority.open(options());
    rmSync(join(folder.path, 'tls', 'ca.key'));
    const second = await CertificateAuthority.open(options());
    expect(second.caFingerprint).not.toBe(first.caFingerprint);
    expect(leaf(second.credentials().cert).verify(new X509Certificate(second.caCertificate).publicKey)).toBe(true);
  });

  it('passes a TLS handshake that trusts only the CA, for each name and address it covers', async () => {
    const ca = await CertificateAuthority.open(options());
    const port = await serve(ca.credentials());
    for (const name of [...SUBJECTS.dnsNames, ...SUBJECTS.ipAddresses]) {
      const certificate = await handshake(port, ca.caCertificate, name);
      expect(certificate.fingerprint256, name).toBe(leaf(ca.credentials().cert).fingerprint256);
    }
  });

  it('fails the handshake without the CA, and for a name it does not cover', async () => {
    const ca = await CertificateAuthority.open(options());
    const port = await serve(ca.credentials());
    await expect(handshake(port, undefined, 'orchestrator.local')).rejects.toThrow(/self-signed|unable to (get|verify)/i);
    await expect(handshake(port, ca.caCertificate, 'example.com')).rejects.toThrow(/example\.com/);
    await expect(handshake(port, ca.caCertificate, '10.42.0.2')).rejects.toThrow(/10\.42\.0\.2/);
  });
});

import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsqr from 'jsqr';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osMachineIdentity } from '../../src/adapters/machine-identity.js';
import { systemClock } from '../../src/adapters/system-clock.js';
import { CertificateAuthority } from '../../src/adapters/tls/certificate-authority.js';
import { certificateSubjects } from '../../src/app/certificate-names.js';
import type { GameState } from '../../src/contract/index.js';
import { artifactPath, connectStation, launchChromium, openAdmin, pixelsOf, scan, useBrowser, viewports } from '../support/browser.js';
import type { TestServer, TestServerOptions } from '../support/harness.js';
import { api } from '../support/http.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * The secure address in Debian's Chromium, which trusts the appliance's CA the way a tablet
 * does once it is installed: through its NSS database (`certutil`, in a throwaway HOME), not
 * by ignoring certificate errors.
 */

// jsqr is CommonJS with `exports.default`, so an ES default import is its exports object.
const jsQR = jsqr.default;
const ANDROID_CHROME = 'Mozilla/5.0 (Linux; Android 14; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
const STATION_TOKEN = 'venue-token-42';

/** One CA for the file, trusted by the file's Chromium; each test's server signs its certificate with it. */
const trust = { caDir: '', home: '' };
let caCertificate = '';

function certutil(args: string[]): void {
  const result = spawnSync('certutil', args, { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`certutil ${args.join(' ')} failed: ${result.error?.message ?? result.stderr}`);
}

beforeAll(async () => {
  trust.caDir = tempDir('orchestrator-web-ca-');
  const ca = await CertificateAuthority.open({
    dir: trust.caDir,
    subjects: () => certificateSubjects(osMachineIdentity, []),
    clock: systemClock,
    logger: pino({ enabled: false }),
    applianceName: 'web-test',
  });
  caCertificate = ca.caCertificate;
  trust.home = tempDir('orchestrator-web-home-');
  const nssdb = join(trust.home, '.pki', 'nssdb');
  mkdirSync(nssdb, { recursive: true });
  writeFileSync(join(trust.home, 'ca.crt'), caCertificate);
  certutil(['-d', `sql:${nssdb}`, '-N', '--empty-password']);
  certutil(['-d', `sql:${nssdb}`, '-A', '-t', 'C,,', '-n', 'orchestrator', '-i', join(trust.home, 'ca.crt')]);
});

// 127.0.0.1 is a secure context even on plain HTTP; a tablet's `orchestrator.local` is not.
const web = useBrowser({ env: () => ({ ...process.env, HOME: trust.home }), args: () => ['--host-resolver-rules=MAP orchestrator.local 127.0.0.1'] });
/** The same address by the appliance's name, as a tablet on the hotspot opens it. */
const byName = (url: string) => url.replace('//127.0.0.1:', '//orchestrator.local:');

afterAll(() => {
  for (const dir of [trust.caDir, trust.home]) if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** A server with HTTPS whose CA is the file's (its data folder starts with a copy of it). */
async function secureServer(options: TestServerOptions = {}): Promise<TestServer & { httpsUrl: string }> {
  const dataDir = tempDir('orchestrator-web-https-');
  cpSync(trust.caDir, join(dataDir, 'tls'), { recursive: true });
  const server = await web.startServer({ ...options, dataDir, https: true });
  if (server.httpsUrl === undefined) throw new Error('the server has no HTTPS');
  expect(server.caCertificate).toBe(caCertificate);
  return { ...server, httpsUrl: server.httpsUrl };
}

describe('the secure address in Chromium', () => {
  it('opens /gm with no warning, in a secure context, and a GM scans over wss', async () => {
    const server = await secureServer();
    const page = await (await web.browser.newContext({ viewport: viewports.tablet })).newPage();
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    const response = await page.goto(`${server.httpsUrl}/gm`);
    expect(response?.status()).toBe(200);
    expect((await response?.securityDetails())?.issuer).toContain('Show orchestrator CA');
    expect(await page.evaluate('window.isSecureContext')).toBe(true);
    expect(await page.evaluate('location.protocol')).toBe('https:');

    await connectStation(page, server.httpsUrl, 'GM_SECURE');
    await scan(page, 'Red', 'tok003');
    await expect.poll(() => page.locator('#result').textContent()).toContain('Accepted tok003');
    expect(sockets.length).toBeGreaterThan(0);
    for (const url of sockets) expect(url).toMatch(new RegExp(`^wss://127\\.0\\.0\\.1:${new URL(server.httpsUrl).port}/socket\\.io/`));
    // Recorded by the one game behind both addresses.
    const state = (await api(server.url, 'GET', '/api/state')).body as GameState;
    expect(state.scores.find((score) => score.name === 'Red')?.currentScore).toBeGreaterThan(0);
    expect(await page.locator('#secure-hint').isHidden()).toBe(true);
    await page.screenshot({ path: artifactPath('gm-https.png') });
  });

  it('stops a browser that has not trusted the CA at the certificate error', async () => {
    const server = await secureServer();
    const home = tempDir('orchestrator-web-untrusting-');
    const untrusting = await launchChromium([], { ...process.env, HOME: home });
    try {
      const page = await untrusting.newPage();
      await expect(page.goto(`${server.httpsUrl}/gm`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await untrusting.close();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('tells Chrome on Android on the plain address to open the secure one, and carries the station token there', async () => {
    const server = await secureServer({ stationToken: STATION_TOKEN });
    const page = await (await web.browser.newContext({ viewport: viewports.tablet, userAgent: ANDROID_CHROME })).newPage();
    await page.goto(`${byName(server.url)}/gm#token=${STATION_TOKEN}`);
    expect(await page.evaluate('window.isSecureContext')).toBe(false);

    const link = page.getByRole('link', { name: 'open the secure address' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`${byName(server.httpsUrl)}/gm`);
    await page.locator('#secure-hint').screenshot({ path: artifactPath('gm-http-secure-hint.png') });

    await link.click();
    await page.waitForURL(`${byName(server.httpsUrl)}/gm`);
    expect(await page.evaluate('window.isSecureContext')).toBe(true);
    expect(await page.getByLabel(/^Station token/).inputValue()).toBe(STATION_TOKEN);
    await page.getByLabel('Station name').fill('GM_ANDROID');
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByText('Online', { exact: true }).waitFor();
    expect(await page.locator('#secure-hint').isHidden()).toBe(true);
  });

  it('says nothing of it to a browser without Web NFC anywhere (a desktop)', async () => {
    const server = await secureServer();
    const page = await (await web.browser.newContext({ viewport: viewports.tablet })).newPage();
    await page.goto(`${byName(server.url)}/gm`);
    await page.waitForLoadState('networkidle');
    expect(await page.locator('#secure-hint').isHidden()).toBe(true);
  });

  it("shows the admin the CA's fingerprint, a QR code to download it, and how to trust it on a tablet", async () => {
    const server = await secureServer();
    const admin = await openAdmin(web.browser, server.url);
    const card = admin.getByRole('region', { name: 'Secure address' });
    await expect.poll(() => card.locator('#certificate-fingerprint').textContent()).toBe(new X509Certificate(caCertificate).fingerprint256);
    expect(await card.getByRole('link', { name: `${server.httpsUrl}/gm` }).count()).toBe(1);
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('Install a certificate → CA certificate');
    expect(text).toContain('Certificate Trust Settings');

    const image = card.getByRole('img', { name: "QR code to download the orchestrator's certificate" });
    await expect.poll(() => image.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    const { data, width, height } = await pixelsOf(web.browser, await image.screenshot());
    const decoded = jsQR(data, width, height)?.data;
    // The plain address: the tablet does not trust the secure one until it has the certificate.
    expect(decoded).toBe(`${server.url}/ca.crt`);
    const download = await api(server.url, 'GET', '/ca.crt');
    expect(download.text).toBe(caCertificate);
    await card.screenshot({ path: artifactPath('admin-secure-address.png') });
  });
});

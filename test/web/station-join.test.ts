import jsqr from 'jsqr';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { artifactPath, cspViolations, openAdmin, pixelsOf, useBrowser, viewports } from '../support/browser.js';
import { ADMIN_PASSWORD } from '../support/harness.js';

// jsqr is CommonJS with `exports.default`, so an ES default import is its exports object.
const jsQR = jsqr.default;
// Characters a person may put in STATION_TOKEN that a URL must escape.
const STATION_TOKEN = 'Owls+Foxes & 42/7';

const web = useBrowser();

async function decodeQr(page: Page): Promise<string | undefined> {
  const image = page.getByRole('img', { name: 'QR code to join as a GM station' });
  await expect.poll(() => image.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
  const { data, width, height } = await pixelsOf(web.browser, await image.screenshot());
  return jsQR(data, width, height)?.data;
}

describe('joining as a GM station', () => {
  it('shows the admin the station token and a QR code that opens /gm with it', async () => {
    const server = await web.startServer({ stationToken: STATION_TOKEN });
    const admin = await openAdmin(web.browser, server.url);
    const card = admin.getByRole('region', { name: 'GM stations' });
    await expect.poll(() => card.locator('code').textContent()).toBe(STATION_TOKEN);
    expect(await card.textContent()).toContain('Scan with a GM tablet to open the GM page with the token filled in.');
    expect(await admin.getByText('GM stations are open', { exact: false }).isHidden()).toBe(true);
    await expect.poll(() => decodeQr(admin), { timeout: 10_000 }).toBe(`${server.url}/gm#token=${encodeURIComponent(STATION_TOKEN)}`);
    await card.screenshot({ path: artifactPath('admin-gm-stations.png') });
  });

  it('warns the admin when any device may act as a GM station', async () => {
    const server = await web.startServer();
    const admin = await openAdmin(web.browser, server.url);
    const warning = admin.getByRole('alert').filter({ hasText: 'GM stations are open' });
    await warning.waitFor();
    expect(await warning.textContent()).toBe(
      'GM stations are open: any device on the Wi-Fi can act as a GM station. Set STATION_TOKEN to close them.',
    );
    expect(await admin.getByRole('img', { name: 'QR code to join as a GM station' }).isHidden()).toBe(true);
  });

  it('takes the token from the QR code link, hides it from the address bar and keeps it across restarts', async () => {
    const server = await web.startServer({ stationToken: STATION_TOKEN });
    const context = await web.browser.newContext({ viewport: viewports.tablet });
    const page = await context.newPage();
    await page.goto(`${server.url}/gm#token=${encodeURIComponent(STATION_TOKEN)}`);
    expect(await page.getByLabel(/^Station token/).inputValue()).toBe(STATION_TOKEN);
    expect(page.url()).toBe(`${server.url}/gm`);
    expect(await page.evaluate('location.hash')).toBe('');
    await page.getByLabel('Station name').fill('GM_QR');
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByText('Online', { exact: true }).waitFor();

    // A reload of the tab keeps its station and the token, also when it comes from the QR code's link again.
    await page.goto('about:blank');
    await page.goto(`${server.url}/gm#token=${encodeURIComponent(STATION_TOKEN)}`);
    await page.getByText('Online', { exact: true }).waitFor();
    expect(page.url()).toBe(`${server.url}/gm`);
    await page.reload();
    await page.getByText('Online', { exact: true }).waitFor();
    expect(await page.locator('#station-label').textContent()).toBe('— GM_QR');

    // A restarted tablet (a new tab, nothing of the old one's session): only the Connect button to press.
    await page.close();
    const restarted = await context.newPage();
    await restarted.goto(`${server.url}/gm`);
    expect(await restarted.getByLabel(/^Station token/).inputValue()).toBe(STATION_TOKEN);
    expect(await restarted.getByLabel('Station name').inputValue()).toBe('GM_QR');
    await restarted.getByRole('button', { name: 'Connect' }).click();
    await restarted.getByText('Online', { exact: true }).waitFor();
  });

  it('asks for the token when the orchestrator refuses the connection without it', async () => {
    const server = await web.startServer({ stationToken: STATION_TOKEN });
    const page = await (await web.browser.newContext({ viewport: viewports.phone })).newPage();
    await page.goto(`${server.url}/gm`);
    await page.getByLabel('Station name').fill('GM_NO_TOKEN');
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => page.locator('#setup-error').textContent()).toContain('requires a station token');
    await page.getByLabel(/^Station token/).fill('not the token');
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => page.locator('#setup-error').textContent()).toContain('not valid');
    // The QR code's link opened in this tab changes only the fragment (no reload): the tab takes the token and connects.
    await page.evaluate('window.sameDocument = true');
    await page.goto(`${server.url}/gm#token=${encodeURIComponent(STATION_TOKEN)}`);
    await page.getByText('Online', { exact: true }).waitFor();
    expect(await page.evaluate('window.sameDocument')).toBe(true);
    expect(page.url()).toBe(`${server.url}/gm`);
    expect(await page.getByLabel(/^Station token/).inputValue()).toBe(STATION_TOKEN);
    expect(await page.locator('#station-label').textContent()).toBe('— GM_NO_TOKEN');
  });
});

describe('the Content-Security-Policy', () => {
  it('is met by /admin and /gm: no script or style they use is refused', async () => {
    const server = await web.startServer({ stationToken: STATION_TOKEN });
    const adminContext = await web.browser.newContext({ viewport: viewports.tablet });
    const admin = await adminContext.newPage();
    const refusedOnAdmin = await cspViolations(admin);
    const response = await admin.goto(`${server.url}/admin`);
    expect(response?.headers()['content-security-policy']).toContain("style-src 'self'");
    await admin.getByLabel('Password').fill(ADMIN_PASSWORD);
    await admin.getByRole('button', { name: 'Log in' }).click();
    await admin.getByText('Online', { exact: true }).waitFor();
    expect(await decodeQr(admin)).toContain('/gm#token=');

    const gmContext = await web.browser.newContext({ viewport: viewports.tablet });
    const first = await gmContext.newPage();
    const second = await gmContext.newPage();
    const refusedOnGm = await Promise.all([cspViolations(first), cspViolations(second)]);
    for (const page of [first, second]) {
      await page.goto(`${server.url}/gm#token=${encodeURIComponent(STATION_TOKEN)}`);
      await page.getByLabel('Station name').fill('GM_CSP');
      await page.getByRole('button', { name: 'Connect' }).click();
    }
    await first.getByRole('button', { name: 'Take back this station' }).waitFor();
    await second.getByText('Online', { exact: true }).waitFor();

    // The watch itself works: a style attribute set from a page is refused and seen.
    const probe = await adminContext.newPage();
    const refusedOnProbe = await cspViolations(probe);
    await probe.goto(`${server.url}/admin`);
    await probe.evaluate("document.body.setAttribute('style', 'color: red')");
    await expect.poll(() => refusedOnProbe.length).toBeGreaterThan(0);

    expect(refusedOnAdmin).toEqual([]);
    expect(refusedOnGm.flat()).toEqual([]);
  });
});

import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactPath, chooseTeam, openAdmin, openStation as openStationIn, scan, useBrowser, viewports } from '../support/browser.js';
import { tempDir } from '../support/temp-dir.js';
import { api } from '../support/http.js';
import { mpvServersPerTest } from '../support/mpv.js';

const web = useBrowser();
// The 4-second clip: its progress reaches the page at least a few times even on a loaded machine
// (with the 2-second one, a run of the whole suite once saw none between 'playing' and 'completed').
const tv = mpvServersPerTest('gm-video', (clips) => copyFileSync(join(clips.dir, 'long.mp4'), join(clips.dir, 'tok002.mp4')));

const openStation = (url: string, name: string, viewport?: { width: number; height: number }) => openStationIn(web.browser, url, name, viewport);

describe('the GM station page', () => {
  it('submits a scan, shows the result at a glance, and another station sees it', async () => {
    const server = await web.startServer();
    const a = await openStation(server.url, 'GM_A');
    const b = await openStation(server.url, 'GM_B');
    const admin = await openAdmin(web.browser, server.url);
    await scan(a, 'Red', 'tok003');
    await expect.poll(() => a.locator('#result').textContent()).toContain('Accepted tok003');
    await expect.poll(() => b.locator('#recent').textContent()).toContain('tok003');
    await expect.poll(() => admin.locator('#recent').textContent()).toContain('tok003');
    await expect.poll(() => b.locator('#scores').textContent()).toContain('250,000');
    // A second claim of the same token reads as a duplicate.
    await scan(b, 'Blue', 'TOK003');
    await expect.poll(() => b.locator('#result').textContent()).toContain('Duplicate');
    // The same scan sent again by its station is answered with the original: not "Accepted" twice.
    await scan(a, 'Red', 'tok003');
    await expect.poll(() => a.locator('#result').textContent()).toBe('Already recorded tok003 for Red (accepted, +250,000 points): nothing new');
    expect(server.store.transactions(server.orchestrator.show.session!.id).filter((t) => t.tokenId === 'tok003')).toHaveLength(2);
    // The token field keeps focus for the next reader scan.
    expect(await b.evaluate('document.activeElement?.id')).toBe('token');
    await a.screenshot({ path: artifactPath('gm-tablet.png'), fullPage: true });
    const phone = await openStation(server.url, 'GM_PHONE', viewports.phone);
    await expect.poll(() => phone.locator('#scores').textContent()).toContain('Red');
    await phone.screenshot({ path: artifactPath('gm-phone.png'), fullPage: true });
  });

  it('keeps scans made while the orchestrator is down and sends each exactly once when it is back', async () => {
    const dataDir = tempDir('gm-offline-');
    const first = await web.startServer({ dataDir });
    const port = first.orchestrator.port;
    const page = await openStation(first.url, 'GM_OFFLINE');
    await first.stop();
    await page.getByText('Offline', { exact: true }).waitFor();
    for (const token of ['tok001', 'tok002', 'pair01']) await scan(page, 'Owls', token);
    await expect.poll(() => page.locator('#queued').textContent()).toBe('Offline — 3 queued');
    // Kept in the browser's storage, so closing the tab does not lose them either.
    const kept = JSON.parse(String(await page.evaluate("localStorage.getItem('gm.pendingScans.GM_OFFLINE')"))) as { tokenId: string }[];
    expect(kept.map((s) => s.tokenId)).toEqual(['tok001', 'tok002', 'pair01']);

    const server = await web.startServer({ dataDir, port });
    await page.getByText('Online', { exact: true }).waitFor({ timeout: 40_000 });
    await expect.poll(() => page.locator('#queued').isHidden(), { timeout: 20_000 }).toBe(true);
    const session = server.orchestrator.show.session!.id;
    const stored = server.store.transactions(session).map((t) => [t.tokenId, t.teamId, t.status]);
    expect(stored).toEqual([
      ['tok001', 'Owls', 'accepted'],
      ['tok002', 'Owls', 'accepted'],
      ['pair01', 'Owls', 'accepted'],
    ]);
  }, 90_000);

  it('follows a real playback on the TV with its status bar', async () => {
    const { server } = await tv.start();
    const page = await openStation(server.url, 'GM_TV');
    // Recorded inside the page on every change, so a busy machine cannot make the test miss one.
    await page.evaluate(`
      window.__video = [];
      const record = () => window.__video.push([document.getElementById('video-text').textContent, document.getElementById('video-progress').value]);
      new MutationObserver(record).observe(document.getElementById('video-text'), { childList: true, characterData: true, subtree: true });
      new MutationObserver(record).observe(document.getElementById('video-progress'), { attributes: true });
      const bar = document.getElementById('video-progress');
      const descriptor = Object.getOwnPropertyDescriptor(HTMLProgressElement.prototype, 'value');
      Object.defineProperty(bar, 'value', { get() { return descriptor.get.call(this); }, set(v) { descriptor.set.call(this, v); record(); } });
    `);
    const observed = () => page.evaluate<[string, number][]>('window.__video');
    const scanned = await api(server.url, 'POST', '/api/scan', { body: { tokenId: 'tok002', deviceId: 'door' } });
    expect(scanned.status).toBe(200);
    await expect.poll(async () => (await observed()).some(([text]) => text === 'Playing: tok002'), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => page.locator('#video-text').textContent(), { timeout: 20_000 }).toBe('Idle');
    const changes = await observed();
    expect(Math.max(...changes.filter(([text]) => text === 'Playing: tok002').map(([, bar]) => bar))).toBeGreaterThan(0);
    const texts = changes.map(([text]) => text).filter((t, i, all) => t !== all[i - 1]);
    // The page may re-render 'Idle' from a late state update before the scan: start at the clip.
    expect(texts.slice(texts.indexOf('Loading: tok002'))).toEqual(['Loading: tok002', 'Playing: tok002', 'Completed: tok002', 'Idle']);
  }, 60_000);

  it('offers NFC only where the browser has Web NFC, and submits the token a tag carries', async () => {
    const server = await web.startServer();
    const plain = await openStation(server.url, 'GM_PLAIN');
    expect(await plain.getByRole('button', { name: 'Scan with NFC' }).isHidden()).toBe(true);

    // A stand-in for Android Chrome's NDEFReader: the tablet's NFC hardware is what is faked.
    const context = await web.browser.newContext({ viewport: viewports.phone });
    await context.addInitScript(`
      window.NDEFReader = class extends EventTarget {
        scan() { window.__tag = (text) => {
          const event = new Event('reading');
          event.serialNumber = '04:a2:7f';
          event.message = { records: [{ recordType: 'text', encoding: 'utf-8', data: new DataView(new TextEncoder().encode(text).buffer) }] };
          this.dispatchEvent(event);
        }; return Promise.resolve(); }
      };`);
    const page = await context.newPage();
    await page.goto(`${server.url}/gm`);
    await page.getByLabel('Station name').fill('GM_NFC');
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByText('Online', { exact: true }).waitFor();
    await chooseTeam(page, 'Foxes');
    await page.getByRole('button', { name: 'Scan with NFC' }).click();
    await page.getByRole('button', { name: /NFC on/ }).waitFor();
    await page.evaluate("window.__tag(' TOK004 ')");
    await expect.poll(() => page.locator('#result').textContent()).toContain('Accepted TOK004');
    const stored = server.store.transactions(server.orchestrator.show.session!.id);
    expect(stored.map((t) => [t.tokenId, t.teamId, t.scannerId])).toEqual([['TOK004', 'Foxes', 'GM_NFC']]);
  });

  it('lets two tabs of one browser be two stations without fighting over one name', async () => {
    const server = await web.startServer();
    const first = await openStation(server.url, 'GM_TAB_1');
    const second = await first.context().newPage();
    await second.goto(`${server.url}/gm`);
    // The second tab offers the last name but does not connect as it on its own.
    expect(await second.getByLabel('Station name').inputValue()).toBe('GM_TAB_1');
    expect(await second.locator('#scan').isHidden()).toBe(true);
    await second.getByLabel('Station name').fill('GM_TAB_2');
    await second.getByRole('button', { name: 'Connect' }).click();
    await second.getByText('Online', { exact: true }).waitFor();
    await scan(second, 'Owls', 'tok001');
    await expect.poll(() => first.locator('#recent').textContent()).toContain('tok001');
    expect(await first.locator('#connection').textContent()).toBe('Online');
    expect(server.orchestrator.show.connectedStations()).toBe(2);
    // A reload keeps the tab's own station.
    await first.reload();
    await first.getByText('Online', { exact: true }).waitFor();
    expect(await first.locator('#station-label').textContent()).toBe('— GM_TAB_1');
  });
});

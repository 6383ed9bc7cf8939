import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VideoOverview } from '../../src/contract/index.js';
import { artifactPath, cspViolations, useBrowser, viewports } from '../support/browser.js';
import type { TestServer } from '../support/harness.js';
import { api, okBody } from '../support/http.js';
import { mpvServersPerTest, StatusLog } from '../support/mpv.js';
import { PICTURE_TOKEN, writePlayerShow } from '../support/player-show.js';
import { tempDir, tempDirPerTest } from '../support/temp-dir.js';

/**
 * `/player` in real Chromium on a real server: typing, the camera (Chromium's fake capture
 * device playing a video of a QR code that ffmpeg made), clips on headless mpv, a busy TV,
 * a picture and a sound, a Wi-Fi gap, and the page at a phone's and a tablet's size.
 */

const CAMERA_TOKEN = 'tok003';
let cameraDir: string | undefined;
let cameraVideo: string | undefined;
// Made before Chromium launches: its fake camera plays this file from the first frame.
beforeAll(async () => {
  cameraDir = tempDir('player-camera-');
  const png = join(cameraDir, 'qr.png');
  await QRCode.toFile(png, CAMERA_TOKEN, { margin: 4, scale: 10 });
  cameraVideo = join(cameraDir, 'qr.y4m');
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-i', png,
    '-vf', 'scale=480:480,pad=640:480:80:0:white', '-r', '10', '-t', '1', '-pix_fmt', 'yuv420p', cameraVideo,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
});
afterAll(() => {
  if (cameraDir !== undefined) rmSync(cameraDir, { recursive: true, force: true });
});

const web = useBrowser({
  args: () => ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${cameraVideo ?? ''}`],
});
// tok002 plays the 1-second clip; vid002 the 4-second one, long enough to be refused beside.
const tv = mpvServersPerTest('player-video', (clips) => {
  copyFileSync(clips.short, join(clips.dir, 'tok002.mp4'));
  copyFileSync(join(clips.dir, 'long.mp4'), join(clips.dir, 'vid002.mp4'));
});
const media = tempDirPerTest('player-media-');

interface Player {
  page: Page;
  context: BrowserContext;
  /** What the Content-Security-Policy refused. */
  refused: string[];
}

/** /player in a fresh browser profile (its own device id), online. */
async function openPlayer(browser: Browser, url: string, viewport: { width: number; height: number } = viewports.phone): Promise<Player> {
  const context = await browser.newContext({ viewport, permissions: ['camera'] });
  const page = await context.newPage();
  const refused = await cspViolations(page);
  await page.goto(`${url}/player`);
  await page.getByText('Online', { exact: true }).waitFor();
  return { page, context, refused };
}

async function scanTyped(page: Page, token: string): Promise<void> {
  await page.getByLabel('Token', { exact: true }).fill(token);
  await page.getByRole('button', { name: 'Scan', exact: true }).click();
}

/** The page's answer once it reads `text` (bounded). */
const answered = (page: Page, text: string) => expect.poll(() => page.locator('#answer').textContent(), { timeout: 15_000 }).toBe(text);

const scansOf = (server: TestServer) => server.store.playerScans(server.orchestrator.show.session!.id);

async function videoOverview(server: TestServer): Promise<VideoOverview> {
  return okBody(await api(server.url, 'GET', '/api/video', { token: await server.adminToken() }), 'video overview') as VideoOverview;
}

/** How far the page reaches past the viewport's right edge, and any element that does. */
function sideways(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const problems = [];
    if (document.documentElement.scrollWidth > innerWidth) problems.push('page ' + document.documentElement.scrollWidth + ' wide in ' + innerWidth);
    for (const element of document.querySelectorAll('body *')) {
      const box = element.getBoundingClientRect();
      if (box.width > 0 && box.right > innerWidth + 0.5) problems.push(element.tagName + '#' + element.id + ' ends at ' + box.right);
    }
    return problems;
  })()`);
}

describe('the player scanner page', () => {
  it('records a typed token on Scan, refuses an unknown one kindly, and says nothing of points or teams', async () => {
    const server = await web.startServer();
    const { page, refused } = await openPlayer(web.browser, server.url);
    await scanTyped(page, 'tok001');
    await answered(page, 'Memory found');
    const [scan] = scansOf(server);
    expect(scansOf(server)).toHaveLength(1);
    expect(scan).toMatchObject({ tokenId: 'tok001', video: false });
    expect(scan?.deviceId).toMatch(/^PLAYER_[0-9a-f]{12}$/);

    await scanTyped(page, 'not-a-token');
    await answered(page, 'This token is not part of the game');
    await expect.poll(() => page.locator('#answer-detail').textContent()).toBe('Check the code and try again, or ask a game master.');
    // The same device id on every scan from this browser.
    await scanTyped(page, 'TOK005');
    await answered(page, 'Memory found');
    expect(new Set(scansOf(server).map((s) => s.deviceId))).toEqual(new Set([scan?.deviceId]));

    expect(await page.locator('body').innerText()).not.toMatch(/point|score|team|group/i);
    expect(refused).toEqual([]);
  });

  it("reads a token's QR code with the camera (Chromium's fake camera playing a video of it)", async () => {
    const server = await web.startServer();
    const { page, refused } = await openPlayer(web.browser, server.url);
    await page.getByRole('button', { name: 'Use the camera', exact: true }).click();
    await answered(page, 'Memory found');
    expect(scansOf(server).map((s) => s.tokenId)).toEqual([CAMERA_TOKEN]);
    // One code, one scan: the camera is off again.
    await expect.poll(() => page.locator('#camera-view').isHidden()).toBe(true);
    expect(await page.evaluate(`document.getElementById('camera-video').srcObject`)).toBeNull();
    expect(refused).toEqual([]);
  });

  it('answers a video token "Watch the TV" while its clip plays on the TV', async () => {
    const { server, player } = await tv.start();
    const log = new StatusLog(player);
    const { page } = await openPlayer(web.browser, server.url);
    await scanTyped(page, 'tok002');
    await answered(page, 'Watch the TV');
    await log.waitFor((status) => status.status === 'playing' && status.tokenId === 'tok002');
  });

  it('says "Memory processing, try again" while another clip plays, and "Try again" plays it after', async () => {
    const { server, player } = await tv.start();
    const log = new StatusLog(player);
    const { page } = await openPlayer(web.browser, server.url);
    expect((await api(server.url, 'POST', '/api/scan', { body: { tokenId: 'vid002', deviceId: 'PLAYER_OTHER' } })).status).toBe(200);
    await log.waitFor((status) => status.status === 'playing' && status.tokenId === 'vid002');

    await scanTyped(page, 'tok002');
    await answered(page, 'Memory processing, try again');
    const retry = page.getByRole('button', { name: 'Try again', exact: true });
    await retry.waitFor();

    // The TV is free again once the other clip is over. (Once, on a loaded machine, mpv's
    // position never moved and the player called the valid clip "ended early": an error, not
    // `completed`; either frees the TV.)
    const done = await log.waitFor((status) => (status.status === 'completed' || status.status === 'error') && status.tokenId === 'vid002');
    await log.waitFor((status) => status.status === 'idle', done);
    await retry.click();
    await answered(page, 'Watch the TV');
    await log.waitFor((status) => status.status === 'playing' && status.tokenId === 'tok002', done);
    expect(await retry.isHidden()).toBe(true);
  });

  it("shows a token's picture and plays its sound", async () => {
    const show = writePlayerShow(media.path, media.path);
    const server = await web.startServer({ tokensFile: show.tokensFile, mediaDir: media.path });
    const { page, refused } = await openPlayer(web.browser, server.url);
    await scanTyped(page, PICTURE_TOKEN);
    await answered(page, 'Memory found');
    await page.getByRole('img', { name: `Memory ${PICTURE_TOKEN}`, exact: true }).waitFor();
    await expect.poll(() => page.evaluate(`document.getElementById('memory-image').naturalWidth`)).toBe(64);
    await expect.poll(() => page.evaluate(`document.getElementById('memory-audio').currentTime > 0`), { timeout: 15_000 }).toBe(true);
    await page.screenshot({ path: artifactPath('player-picture.png'), fullPage: true });

    // The next scan's answer replaces the memory: no picture or sound left from before.
    await scanTyped(page, 'tok001');
    await answered(page, 'Memory found');
    expect(await page.locator('#memory-image').isHidden()).toBe(true);
    expect(await page.evaluate(`document.getElementById('memory-audio').paused`)).toBe(true);
    expect(refused).toEqual([]);
  });

  it('keeps scans made during a Wi-Fi gap and sends each once when it is back; a stale one starts no clip', async () => {
    const { server } = await tv.start();
    const { page, context } = await openPlayer(web.browser, server.url);
    await context.setOffline(true);
    for (const [i, token] of ['tok001', 'tok002', 'tok003'].entries()) {
      await scanTyped(page, token);
      await expect.poll(() => page.locator('#waiting').textContent()).toBe(`${i + 1} ${i === 0 ? 'scan' : 'scans'} waiting`);
      await answered(page, 'Saved');
    }
    expect(scansOf(server)).toEqual([]);
    // The video token's scan was made eleven minutes ago: past PLAYER_SCAN_STALE_S by far.
    await page.evaluate(`(() => {
      const kept = JSON.parse(localStorage.getItem('player.waitingScans'));
      const scan = kept.find((s) => s.tokenId === 'tok002');
      scan.scannedAt = new Date(Date.parse(scan.scannedAt) - 11 * 60 * 1000).toISOString();
      localStorage.setItem('player.waitingScans', JSON.stringify(kept));
    })()`);

    await context.setOffline(false);
    await expect.poll(() => page.locator('#replayed').textContent(), { timeout: 20_000 }).toBe('3 saved scans sent · 1 too late to play on the TV');
    expect(scansOf(server).map((s) => s.tokenId)).toEqual(['tok001', 'tok002', 'tok003']);
    expect(await page.locator('#waiting').isHidden()).toBe(true);
    expect(await page.evaluate(`localStorage.getItem('player.waitingScans')`)).toBe('[]');
    expect(await videoOverview(server)).toMatchObject({ status: { status: 'idle' }, queue: [] });
    expect((await videoOverview(server)).current).toBeUndefined();

    // Back online again: nothing is left to send, and nothing is sent twice.
    await page.evaluate(`window.dispatchEvent(new Event('online'))`);
    await scanTyped(page, 'tok005');
    await answered(page, 'Memory found');
    expect(scansOf(server).map((s) => s.tokenId)).toEqual(['tok001', 'tok002', 'tok003', 'tok005']);
  }, 60_000);

  it.each([
    ['phone', viewports.phone],
    ['tablet', { width: 768, height: 1024 }],
  ])('fits a %s without sideways scrolling', async (name, viewport) => {
    const show = writePlayerShow(media.path, media.path);
    const server = await web.startServer({ tokensFile: show.tokensFile, mediaDir: media.path });
    const { page } = await openPlayer(web.browser, server.url, viewport);
    expect(await sideways(page)).toEqual([]);
    await scanTyped(page, PICTURE_TOKEN);
    await expect.poll(() => page.evaluate(`document.getElementById('memory-image').naturalWidth`)).toBe(64);
    expect(await sideways(page)).toEqual([]);
    // The longest code the field takes, unknown: the refusal wraps.
    await scanTyped(page, 'x'.repeat(128));
    await answered(page, 'This token is not part of the game');
    expect(await sideways(page)).toEqual([]);
    await page.screenshot({ path: artifactPath(`player-${name}.png`), fullPage: true });
  });
});

import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeVideoPlayer } from '../support/fake-video-player.js';
import { artifactPath, openAdmin, useBrowser, viewports } from '../support/browser.js';
import { tempDir } from '../support/temp-dir.js';

const web = useBrowser();
const demoClip = new URL('../../demo/media/hos001.mp4', import.meta.url).pathname;

describe('the Preflight panel on /admin', () => {
  it('names the one failing check (a missing clip) with its fix, then says "Ready for the show" once the file is there', async () => {
    const media = tempDir('preflight-page-');
    // The fixture tokens name tok002.mp4, vid002.mp4 and missing.mp4: the last is not copied.
    for (const name of ['tok002.mp4', 'vid002.mp4']) copyFileSync(demoClip, join(media, name));
    const server = await web.startServer({ video: new FakeVideoPlayer(), mediaDir: media });
    const admin = await openAdmin(web.browser, server.url, viewports.phone);

    // It runs by itself once logged in.
    const summary = admin.locator('#preflight-summary');
    await expect.poll(() => summary.textContent()).toBe('Not ready: 1 check failed (Media files)');
    const failed = admin.locator('#preflight-checks li.failed');
    expect(await failed.count()).toBe(1);
    const failure = (await failed.innerText()).replace(/\s+/g, ' ');
    expect(failure).toContain('Failed Media files:');
    expect(failure).toContain("missing.mp4 (token vid404's clip): missing from the media folder");
    expect(failure).toContain('Fix: Copy the missing or broken files into the media folder');
    expect(await admin.locator('#preflight-checks > li').count()).toBe(9);
    expect(await admin.locator('#preflight-checks li[data-check="tv"]').innerText()).toMatch(/^OK\s+The TV: Connected and showing the welcome screen\./);
    expect(await admin.locator('#preflight-checks li[data-check="clock"]').innerText()).toContain("Agrees with this device's clock");
    expect(await admin.evaluate('document.documentElement.scrollWidth <= innerWidth')).toBe(true);
    await admin.screenshot({ path: artifactPath('admin-preflight-failed.png'), fullPage: true });

    copyFileSync(demoClip, join(media, 'missing.mp4'));
    await admin.getByRole('button', { name: 'Run preflight' }).click();
    await expect.poll(() => summary.textContent()).toMatch(/^Ready for the show/);
    expect(await admin.locator('#preflight-checks li.failed').count()).toBe(0);
    expect(await admin.locator('#preflight-checks li[data-check="media"]').innerText()).toContain('All 3 files named by the tokens and cues are present and readable.');
  });
});

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { artifactPath, connectStation, logInAdmin, openAdmin, openStation, useBrowser, viewports, watchedPage } from '../support/browser.js';
import { api, okBody } from '../support/http.js';
import { ManualClock } from '../support/manual-clock.js';

const web = useBrowser();

/** The clock as a page shows it: its label, the time in seconds (negative in overtime) and the state beside it. */
async function shown(page: Page): Promise<{ label: string; seconds: number; text: string; state: string }> {
  const timer = page.getByRole('timer', { name: 'Game clock' });
  const label = (await timer.locator('.game-clock-label').textContent()) ?? '';
  const text = (await timer.locator('.game-clock-time').textContent()) ?? '';
  const state = (await page.getByRole('status', { name: 'Game state' }).textContent()) ?? '';
  const match = /^(\+?)(?:(\d+):)?(\d\d):(\d\d)$/.exec(text);
  const seconds = match ? (Number(match[2] ?? 0) * 3600 + Number(match[3]) * 60 + Number(match[4])) * (match[1] ? -1 : 1) : Number.NaN;
  return { label, seconds, text, state };
}

const colourOf = (page: Page, selector: string) => page.evaluate<string>(`getComputedStyle(document.querySelector('${selector}')).color`);

async function patchClock(url: string, token: string, body: unknown): Promise<void> {
  okBody(await api(url, 'PATCH', '/api/session/clock', { token, body }), 'clock correction');
}

describe('the game clock on /gm and /admin', () => {
  it('shows the time left and "Running" on /gm, and holds still once the session is paused', async () => {
    const server = await web.startServer({ gameMinutes: 120 });
    const { page: gm, refused } = await watchedPage(web.browser);
    await connectStation(gm, server.url, 'GM_CLOCK');
    await expect.poll(async () => (await shown(gm)).label).toBe('Time left');
    const first = await shown(gm);
    expect(first.text).toMatch(/^(2:00:00|1:59:\d\d)$/);
    expect(first.seconds).toBeGreaterThan(120 * 60 - 30);
    expect(first.state).toBe('Running');
    // It ticks on the page: the server sends nothing while the clock just runs.
    await expect.poll(async () => (await shown(gm)).seconds, { timeout: 5000 }).toBeLessThan(first.seconds);
    await gm.screenshot({ path: artifactPath('gm-clock-tablet.png') });

    const token = await server.adminToken();
    okBody(await api(server.url, 'PATCH', '/api/session', { token, body: { status: 'paused' } }), 'pause');
    await expect.poll(async () => (await shown(gm)).state).toBe('Paused');
    const held = (await shown(gm)).text;
    await gm.waitForTimeout(1500);
    expect((await shown(gm)).text).toBe(held);

    okBody(await api(server.url, 'PATCH', '/api/session', { token, body: { status: 'completed' } }), 'complete');
    await expect.poll(async () => (await shown(gm)).state).toBe('No game');
    expect(refused).toEqual([]);
  });

  it('shows overtime in its own colour', async () => {
    // The server's asOf comes from this clock and the page extrapolates on real time: they start together.
    const clock = new ManualClock(Date.now());
    const server = await web.startServer({ gameMinutes: 1, clock });
    const gm = await openStation(web.browser, server.url, 'GM_OVERTIME');
    await expect.poll(async () => (await shown(gm)).label).toBe('Time left');
    const normal = await colourOf(gm, '#game-clock-time');

    await patchClock(server.url, await server.adminToken(), { adjustSeconds: 120 });
    await expect.poll(async () => (await shown(gm)).label).toBe('OVERTIME');
    const over = await shown(gm);
    expect(over.text).toMatch(/^\+01:\d\d$/);
    expect(over.seconds).toBeLessThanOrEqual(-60);
    expect(await gm.getByRole('timer', { name: 'Game clock' }).textContent()).toMatch(/OVERTIME\s*\+01:\d\d/);
    const overtime = await colourOf(gm, '#game-clock-time');
    expect(overtime).not.toBe(normal);
    expect(await colourOf(gm, '#game-clock-label')).toBe(overtime);
    expect(overtime).toBe('rgb(255, 122, 69)'); // --overtime, checked for contrast in contrast.test.ts
    // Overtime counts up on the page too.
    await expect.poll(async () => (await shown(gm)).seconds, { timeout: 5000 }).toBeLessThan(over.seconds);
    await gm.screenshot({ path: artifactPath('gm-clock-overtime.png') });
  });

  it('extrapolates on the server\'s time, so a Pi whose clock is days off still shows the right time', async () => {
    // A Pi with no network time keeps the time it had at shutdown; the tablets have the right one.
    const clock = new ManualClock(Date.now() - 3 * 24 * 3600_000);
    const server = await web.startServer({ gameMinutes: 30, clock });
    const gm = await openStation(web.browser, server.url, 'GM_SKEW');
    await expect.poll(async () => (await shown(gm)).text).toMatch(/^(30:00|29:\d\d)$/);
    const admin = await openAdmin(web.browser, server.url);
    await expect.poll(async () => (await shown(admin)).text).toMatch(/^(30:00|29:\d\d)$/);
  });

  it('lets the admin set the planned length and move the clock by a minute; stations follow', async () => {
    const server = await web.startServer({ gameMinutes: 120 });
    const { page: admin, refused } = await watchedPage(web.browser);
    await logInAdmin(admin, server.url);
    const gm = await openStation(web.browser, server.url, 'GM_FOLLOW');
    const field = admin.getByLabel('Planned length (minutes)');
    await expect.poll(() => field.inputValue()).toBe('120');
    await expect.poll(async () => (await shown(admin)).state).toBe('Running');

    const leftOnBoth = async (minutes: number) => {
      for (const page of [admin, gm]) {
        await expect.poll(async () => (await shown(page)).label).toBe('Time left');
        // About `minutes` left: the game has run for a few seconds since the server started.
        await expect.poll(async () => (await shown(page)).seconds).toBeLessThanOrEqual(minutes * 60);
        expect((await shown(page)).seconds).toBeGreaterThan(minutes * 60 - 60);
      }
    };

    await field.fill('45');
    await admin.getByRole('button', { name: 'Set length' }).click();
    await leftOnBoth(45);
    await expect.poll(() => admin.locator('#session-message').textContent()).toBe('Planned length set to 45 min');

    // With a planned length the buttons move the time left: "−1 min" takes a minute of it, "+1 min" gives it back.
    await admin.getByRole('button', { name: 'Take one minute off the clock' }).click();
    await expect.poll(async () => (await shown(gm)).seconds).toBeLessThanOrEqual(44 * 60);
    await leftOnBoth(44);
    expect(await admin.getByRole('button', { name: 'Take one minute off the clock' }).textContent()).toBe('−1 min');
    await admin.getByRole('button', { name: 'Add one minute to the clock' }).click();
    await expect.poll(async () => (await shown(gm)).seconds).toBeGreaterThan(44 * 60);
    await leftOnBoth(45);
    expect(await admin.locator('#session-message').textContent()).toBe('Added a minute to the clock');
    // No more time left than the planned length: the game has run for seconds only, and the admin is told.
    await admin.getByRole('button', { name: 'Add one minute to the clock' }).click();
    await expect.poll(() => admin.locator('#session-message').textContent()).toMatch(/full planned length is left/);
    await leftOnBoth(45);
    await admin.screenshot({ path: artifactPath('admin-clock-tablet.png'), fullPage: true });

    // A length out of range is refused, and the refusal is said where the admin looks.
    await field.fill('0');
    await admin.getByRole('button', { name: 'Set length' }).click();
    await expect.poll(() => admin.locator('#session-message').textContent()).toBe('Planned length: whole minutes from 1 to 1440, or empty for none');
    await field.fill('2.5');
    await admin.getByRole('button', { name: 'Set length' }).click();
    await expect.poll(() => admin.locator('#session-message').textContent()).toMatch(/^Planned length: whole minutes/);
    await leftOnBoth(45);

    // Empty: no planned length, the clock counts up.
    await field.fill('');
    await admin.getByRole('button', { name: 'Set length' }).click();
    for (const page of [admin, gm]) await expect.poll(async () => (await shown(page)).label).toBe('Elapsed');
    expect((await shown(gm)).seconds).toBeLessThan(60);
    // Counting up, "+1 min" adds a minute to the elapsed time the clock shows.
    await admin.getByRole('button', { name: 'Add one minute to the clock' }).click();
    await expect.poll(async () => (await shown(gm)).seconds).toBeGreaterThanOrEqual(60);

    // No session, nothing to correct.
    await admin.getByRole('button', { name: 'End session' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Confirm end session' }).click();
    await expect.poll(async () => (await shown(admin)).state).toBe('No game');
    for (const name of ['Set length', 'Add one minute to the clock', 'Take one minute off the clock']) {
      expect(await admin.getByRole('button', { name }).isDisabled(), name).toBe(true);
    }
    expect(refused).toEqual([]);
  });

  // One test per screen: each opens /gm and /admin on its own, so a loaded machine is not asked for all six in one test's time.
  it.each([
    ['a landscape tablet', viewports.tablet],
    ['a portrait tablet', { width: 768, height: 1024 }],
    ['a phone', viewports.phone],
  ])('fits %s without scrolling sideways', async (_, viewport) => {
    const server = await web.startServer({ gameMinutes: 1 });
    await patchClock(server.url, await server.adminToken(), { adjustSeconds: 36_060 }); // ten hours over: the widest time
    const gm = await openStation(web.browser, server.url, `GM_${viewport.width}`, viewport);
    await expect.poll(async () => (await shown(gm)).text).toMatch(/^\+10:00:\d\d$/);
    expect(await gm.evaluate('document.documentElement.scrollWidth <= innerWidth'), `/gm at ${viewport.width}×${viewport.height}`).toBe(true);
    if (viewport.width === 768) await gm.screenshot({ path: artifactPath('gm-clock-portrait.png') });
    await gm.context().close();
    const admin = await openAdmin(web.browser, server.url, viewport);
    await expect.poll(async () => (await shown(admin)).text).toMatch(/^\+10:00:\d\d$/);
    expect(await admin.evaluate('document.documentElement.scrollWidth <= innerWidth'), `/admin at ${viewport.width}×${viewport.height}`).toBe(true);
  });
});

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { artifactPath, openStation, scan, useBrowser, viewports } from '../support/browser.js';
import type { TestServer } from '../support/harness.js';

const TAKEN_OVER = 'Taken over by another tab with this name';
/** A page retries every 10 s on its own: a few of those, whatever the machine. */
const BY_ITSELF_MS = 30_000;

const web = useBrowser();

const pill = (page: Page) => page.locator('#connection').textContent();
const stored = (server: TestServer) => server.store.transactions(server.orchestrator.show.session!.id).map((t) => [t.tokenId, t.scannerId]);

describe('one station name in two places', () => {
  it('lets a second tab of the same browser take the station, and the first take it back when asked', async () => {
    const server = await web.startServer();
    const first = await openStation(web.browser, server.url, 'GM_BAR');
    const second = await first.context().newPage();
    await second.goto(`${server.url}/gm`);
    expect(await second.getByLabel('Station name').inputValue()).toBe('GM_BAR');
    await second.getByRole('button', { name: 'Connect' }).click();
    await second.getByText('Online', { exact: true }).waitFor();
    await first.getByText(TAKEN_OVER, { exact: true }).waitFor();
    const takeBack = first.getByRole('button', { name: 'Take back this station' });
    expect(await takeBack.isVisible()).toBe(true);

    // A scan on the tab that lost the station waits in its queue.
    await scan(first, 'Owls', 'tok001');
    await expect.poll(() => first.locator('#queued').textContent()).toBe('Offline — 1 queued');
    await first.screenshot({ path: artifactPath('gm-taken-over.png'), fullPage: true });

    await takeBack.click();
    await first.getByText('Online', { exact: true }).waitFor();
    await second.getByText(TAKEN_OVER, { exact: true }).waitFor();
    expect(await second.getByRole('button', { name: 'Take back this station' }).isVisible()).toBe(true);
    expect(await first.getByRole('button', { name: 'Take back this station' }).isHidden()).toBe(true);
    await expect.poll(() => first.locator('#queued').isHidden()).toBe(true);
    expect(stored(server)).toEqual([['tok001', 'GM_BAR']]);

    // A reload of the tab that lost the station does not take it back unasked.
    await second.reload();
    await second.getByText(TAKEN_OVER, { exact: true }).waitFor();
    await scan(second, 'Owls', 'tok002');
    await expect.poll(() => second.locator('#queued').textContent()).toBe('Offline — 1 queued');
    expect(await pill(first)).toBe('Online');

    // Once the tab holding it closes, the other one is back by itself and sends what it kept.
    await first.close();
    await second.getByText('Online', { exact: true }).waitFor({ timeout: BY_ITSELF_MS });
    await expect.poll(() => second.locator('#queued').isHidden()).toBe(true);
    expect(stored(server)).toEqual([
      ['tok001', 'GM_BAR'],
      ['tok002', 'GM_BAR'],
    ]);
  }, 60_000);

  it('keeps another tablet that picks a name in use waiting, without taking it, until the name is free', async () => {
    const server = await web.startServer();
    const holder = await openStation(web.browser, server.url, 'GM_DOOR');
    const other = await (await web.browser.newContext({ viewport: viewports.phone })).newPage();
    await other.goto(`${server.url}/gm`);
    await other.getByLabel('Station name').fill('GM_DOOR');
    await other.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => pill(other)).toBe('GM_DOOR is in use by another tab or tablet — retrying');
    expect(await other.getByRole('button', { name: 'Take back this station' }).isHidden()).toBe(true);
    expect(await pill(holder)).toBe('Online');
    await scan(other, 'Foxes', 'tok003');
    await expect.poll(() => other.locator('#queued').textContent()).toBe('Offline — 1 queued');

    await holder.close();
    await other.getByText('Online', { exact: true }).waitFor({ timeout: BY_ITSELF_MS });
    await expect.poll(() => other.locator('#queued').isHidden()).toBe(true);
    expect(stored(server)).toEqual([['tok003', 'GM_DOOR']]);
  }, 60_000);
});

import { describe, expect, it } from 'vitest';
import type { GameState } from '../../src/contract/index.js';
import { artifactPath, connectStation, cspViolations, scan, useBrowser, viewports } from '../support/browser.js';
import { api, okBody } from '../support/http.js';

const web = useBrowser();

describe('scans refused because no game runs', () => {
  it('are held on the station across a reload, sent once the game runs, or discarded unsent', async () => {
    const server = await web.startServer();
    const token = await server.adminToken();
    const page = await (await web.browser.newContext({ viewport: viewports.tablet })).newPage();
    const refused = await cspViolations(page);
    await connectStation(page, server.url, 'GM_HOLD');
    okBody(await api(server.url, 'PATCH', '/api/session', { token, body: { status: 'paused' } }), 'pause');

    await scan(page, 'Owls', 'tok003');
    await expect.poll(() => page.locator('#result').textContent()).toContain('Held: the game is paused');
    const held = page.getByRole('region', { name: 'Held scans' });
    await expect.poll(() => held.locator('li').allTextContents()).toEqual([expect.stringContaining('tok003 for Owls')]);
    await scan(page, 'Owls', 'tok001');
    await expect.poll(() => held.locator('li').count()).toBe(2);
    // A tablet held in landscape does not scroll sideways with held scans on it.
    expect(await page.evaluate('document.documentElement.scrollWidth <= innerWidth')).toBe(true);
    await page.screenshot({ path: artifactPath('gm-held-scans.png'), fullPage: true });

    // Kept in the browser: a reload shows them again.
    await page.reload();
    await page.getByText('Online', { exact: true }).waitFor();
    await expect.poll(() => held.locator('li').allTextContents()).toEqual([
      expect.stringContaining('tok003 for Owls'),
      expect.stringContaining('tok001 for Owls'),
    ]);
    expect(await held.locator('li').first().textContent()).toContain('held: the game is paused');

    await held.getByRole('button', { name: 'Discard tok001 for Owls' }).click();
    await expect.poll(() => held.locator('li').count()).toBe(1);

    okBody(await api(server.url, 'PATCH', '/api/session', { token, body: { status: 'active' } }), 'resume');
    await held.getByRole('button', { name: 'Send held scans' }).click();
    await expect.poll(() => page.locator('#result').textContent()).toContain('Accepted tok003');
    await expect.poll(() => held.isHidden()).toBe(true);
    expect(await held.locator('li').count()).toBe(0);
    expect(await page.evaluate("localStorage.getItem('gm.heldScans.GM_HOLD')")).toBe('[]');

    const state = (await api(server.url, 'GET', '/api/state')).body as GameState;
    expect(state.scores.map((s) => [s.teamId, s.currentScore, s.tokensScanned])).toEqual([['Owls', 250_000, 1]]);
    const stored = server.store.transactions(server.orchestrator.show.session!.id).map((t) => [t.tokenId, t.teamId, t.status]);
    // The paused refusals are on the record; the discarded scan was never sent again.
    expect(stored).toEqual([
      ['tok003', 'Owls', 'rejected'],
      ['tok001', 'Owls', 'rejected'],
      ['tok003', 'Owls', 'accepted'],
    ]);
    expect(refused).toEqual([]);
  });

  it('holds a scan when there is no session, and keeps it held when sent while there is still none', async () => {
    const server = await web.startServer();
    const token = await server.adminToken();
    const page = await (await web.browser.newContext({ viewport: viewports.tablet })).newPage();
    const refused = await cspViolations(page);
    await connectStation(page, server.url, 'GM_NONE');
    okBody(await api(server.url, 'PATCH', '/api/session', { token, body: { status: 'completed' } }), 'end');

    await scan(page, 'Foxes', 'tok002');
    await expect.poll(() => page.locator('#result').textContent()).toContain('Held: no game running');
    const held = page.getByRole('region', { name: 'Held scans' });
    await expect.poll(() => held.locator('li').allTextContents()).toEqual([expect.stringContaining('held: no game running')]);

    await held.getByRole('button', { name: 'Send held scans' }).click();
    await expect.poll(() => page.locator('#result').textContent()).toContain('Held: no game running — 1 still held');
    expect(await held.locator('li').count()).toBe(1);

    okBody(await api(server.url, 'POST', '/api/session', { token, body: { name: 'Late game' } }), 'new session');
    await held.getByRole('button', { name: 'Send held scans' }).click();
    await expect.poll(() => page.locator('#result').textContent()).toContain('Accepted tok002');
    await expect.poll(() => held.isHidden()).toBe(true);
    const stored = server.store.transactions(server.orchestrator.show.session!.id).map((t) => [t.tokenId, t.teamId, t.status]);
    expect(stored).toEqual([['tok002', 'Foxes', 'accepted']]);
    expect(refused).toEqual([]);
  });
});

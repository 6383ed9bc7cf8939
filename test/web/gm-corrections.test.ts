import { describe, expect, it } from 'vitest';
import type { SessionExport } from '../../src/contract/index.js';
import { artifactPath, chooseTeam, cspViolations, connectStation, openStation, scan, scoreOf, useBrowser, viewports } from '../support/browser.js';
import type { TestServer } from '../support/harness.js';
import { api, okBody } from '../support/http.js';

const web = useBrowser();

/** The session's transactions as the orchestrator keeps them (voided ones say so). */
async function stored(server: TestServer): Promise<SessionExport['transactions']> {
  const token = await server.adminToken();
  const id = server.orchestrator.show.session!.id;
  return (okBody(await api(server.url, 'GET', `/api/sessions/${id}/export?format=json`, { token }), 'export') as SessionExport).transactions;
}

describe('correcting a scan on /gm', () => {
  it('puts a scan for the wrong team right with Undo and the right team, and another station sees it', async () => {
    const server = await web.startServer();
    const gm = await (await web.browser.newContext({ viewport: viewports.tablet })).newPage();
    const refused = await cspViolations(gm);
    await connectStation(gm, server.url, 'GM_FIX');
    const other = await openStation(web.browser, server.url, 'GM_WATCH', viewports.phone);
    await chooseTeam(gm, 'Blue');
    await scan(gm, 'Red', 'tok003');
    await expect.poll(() => gm.locator('#result').textContent()).toBe('Accepted tok003: +250,000 points for Red');
    await expect.poll(() => scoreOf(other, 'Red')).toBe('250,000');

    // Undo, then one tap on the right team: the token is not typed or scanned again.
    await gm.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => gm.locator('#result').textContent()).toBe('Undone: tok003 no longer counts for Red');
    const picker = gm.getByRole('group', { name: 'Record tok003 for:' });
    // The team it was wrongly given is not offered again.
    expect(await picker.getByRole('button').allTextContents()).toEqual([expect.stringContaining('Blue')]);
    await gm.screenshot({ path: artifactPath('gm-undone.png'), fullPage: true });
    await picker.getByRole('button', { name: 'Record tok003 for Blue' }).click();
    await expect.poll(() => gm.locator('#result').textContent()).toBe('Accepted tok003: +250,000 points for Blue');
    expect(await gm.getByRole('group', { name: 'Team', exact: true }).getByRole('button', { pressed: true }).textContent()).toContain('Blue');
    // Ready for the next reader scan.
    expect(await gm.evaluate('document.activeElement?.id')).toBe('token');
    expect(await picker.isHidden()).toBe(true);

    // The other station: the scores moved, and the undone scan is struck through in its list.
    await expect.poll(() => scoreOf(other, 'Blue')).toBe('250,000');
    await expect.poll(() => scoreOf(other, 'Red')).toBe('0');
    await expect.poll(() => other.locator('#recent li.voided').allTextContents()).toEqual([expect.stringMatching(/Red\s+tok003\s+\+250,000 voided$/)]);
    expect(await other.evaluate(`getComputedStyle(document.querySelector('#recent li.voided .tx-text')).textDecorationLine`)).toBe('line-through');
    // Undo is offered only for the station's own scan.
    expect(await other.getByRole('button', { name: 'Undo' }).isHidden()).toBe(true);
    await other.screenshot({ path: artifactPath('gm-voided-seen.png'), fullPage: true });

    const transactions = await stored(server);
    expect(transactions.map((t) => [t.tokenId, t.teamId, t.status, t.voided?.by ?? null, t.voided?.reason ?? null])).toEqual([
      ['tok003', 'Red', 'accepted', 'GM_FIX', 'Undone at the GM station'],
      ['tok003', 'Blue', 'accepted', null, null],
    ]);
    expect(refused).toEqual([]);
  });

  it('shows a completed group on a line of its own', async () => {
    const server = await web.startServer();
    const gm = await openStation(web.browser, server.url, 'GM_GROUP');
    await scan(gm, 'Owls', 'pair01');
    await expect.poll(() => gm.locator('#result').textContent()).toContain('Accepted pair01');
    expect(await gm.locator('#result-group').isHidden()).toBe(true);
    await scan(gm, 'Owls', 'pair02');
    await expect.poll(() => gm.locator('#result').textContent()).toContain('Accepted pair02');
    const completing = (await stored(server)).find((t) => t.tokenId === 'pair02');
    const bonus = completing?.groupCompleted?.bonusPoints;
    expect(bonus).toBeGreaterThan(0);
    expect(await gm.locator('#result-group').textContent()).toBe(`Group Pair complete: +${bonus!.toLocaleString('en-US')} bonus`);
    expect(await gm.locator('#recent li').first().textContent()).toContain(`Group Pair complete: +${bonus!.toLocaleString('en-US')} bonus`);
  });

  it('drops Undo once staff voided the scan, and keeps it when the orchestrator cannot be reached', async () => {
    const server = await web.startServer();
    const gm = await openStation(web.browser, server.url, 'GM_LATE');
    await scan(gm, 'Owls', 'tok001');
    await expect.poll(() => gm.locator('#result').textContent()).toContain('Accepted tok001');
    const [first] = await stored(server);
    okBody(await api(server.url, 'POST', `/api/transactions/${first!.id}/void`, { token: await server.adminToken(), body: { reason: 'void from the desk' } }), 'void');
    await expect.poll(() => gm.getByRole('button', { name: 'Undo' }).isHidden()).toBe(true);
    await expect.poll(() => gm.locator('#recent li.voided').count()).toBe(1);

    await scan(gm, 'Owls', 'tok003');
    await expect.poll(() => gm.locator('#result').textContent()).toContain('Accepted tok003');
    await server.stop();
    await gm.getByText('Offline', { exact: true }).waitFor();
    await gm.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => gm.locator('#result').textContent()).toBe('Not undone: the orchestrator cannot be reached — tok003 still counts for Owls');
    expect(await gm.getByRole('button', { name: 'Undo' }).isEnabled()).toBe(true);
  });
});

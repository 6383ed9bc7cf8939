import { describe, expect, it } from 'vitest';
import type { SessionExport } from '../../src/contract/index.js';
import { artifactPath, chooseTeam, openAdmin, openStation, scan, scoreOf, useBrowser, viewports } from '../support/browser.js';
import { api, okBody } from '../support/http.js';

const web = useBrowser();

describe('corrections on /admin', () => {
  it('reassigns a transaction to another team and adjusts a score, and a GM page shows both', async () => {
    const server = await web.startServer();
    const admin = await openAdmin(web.browser, server.url);
    const gm = await openStation(web.browser, server.url, 'GM_DESK');
    await scan(gm, 'Red', 'tok003');
    await expect.poll(() => gm.locator('#result').textContent()).toContain('Accepted tok003');
    await chooseTeam(gm, 'Blue');
    await expect.poll(() => admin.locator('#team-list').textContent()).toContain('Blue');

    await admin.getByRole('button', { name: 'Reassign tok003 for Red' }).click();
    const dialog = admin.getByRole('dialog');
    await expect.poll(() => dialog.locator('h2').textContent()).toBe('Give tok003 to another team?');
    await dialog.getByLabel('Record it for').selectOption({ label: 'Blue' });
    // A reason is required, and said so before anything is sent.
    await dialog.getByRole('button', { name: 'Reassign transaction' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('A reason is required');
    await dialog.getByLabel('Reason', { exact: true }).fill('scanned for the wrong team');
    await dialog.getByRole('button', { name: 'Reassign transaction' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => admin.locator('#corrections-message').textContent()).toBe('Reassigned tok003 from Red to Blue');
    await expect.poll(() => admin.locator('#recent li.voided').allTextContents()).toEqual([expect.stringContaining('Red  tok003')]);
    // A voided transaction offers no more corrections; the new one does.
    expect(await admin.getByRole('button', { name: 'Void tok003 for Red' }).count()).toBe(0);
    expect(await admin.getByRole('button', { name: 'Void tok003 for Blue' }).count()).toBe(1);
    await expect.poll(() => scoreOf(gm, 'Blue')).toBe('250,000');
    await expect.poll(() => scoreOf(gm, 'Red')).toBe('0');
    await expect.poll(() => gm.locator('#recent li.voided').count()).toBe(1);

    // Adjust: refused without a reason or with points that are not a whole number, then done.
    await admin.getByLabel('Team', { exact: true }).selectOption({ label: 'Blue' });
    await admin.getByLabel('Points', { exact: true }).fill('-75000');
    await admin.getByRole('button', { name: 'Adjust score' }).click();
    await expect.poll(() => admin.locator('#adjust-message').textContent()).toBe('A reason is required: it is kept with the adjustment');
    await admin.getByLabel('Reason for the adjustment').fill('phone out during the game');
    await admin.getByLabel('Points', { exact: true }).fill('lots');
    await admin.getByRole('button', { name: 'Adjust score' }).click();
    await expect.poll(() => admin.locator('#adjust-message').textContent()).toContain('Points: a whole number');
    await admin.getByLabel('Points', { exact: true }).fill('−75,000');
    await admin.getByRole('button', { name: 'Adjust score' }).click();
    await expect.poll(() => admin.locator('#adjust-message').textContent()).toBe('Adjusted Blue by −75,000: score now 175,000');
    await expect.poll(() => scoreOf(gm, 'Blue')).toBe('175,000');
    expect(await gm.locator('#scores tr[data-team-id="Blue"] .adjusted').textContent()).toBe('adj. −75,000');
    await expect.poll(() => scoreOf(admin, 'Blue')).toBe('175,000');
    await admin.screenshot({ path: artifactPath('admin-corrections.png'), fullPage: true });
    await gm.screenshot({ path: artifactPath('gm-after-admin-corrections.png'), fullPage: true });

    const token = await server.adminToken();
    const exported = okBody(
      await api(server.url, 'GET', `/api/sessions/${server.orchestrator.show.session!.id}/export?format=json`, { token }),
      'export',
    ) as SessionExport;
    expect(exported.corrections.map((c) => [c.kind, c.reason, c.teamId, c.points ?? null])).toEqual([
      ['reassign', 'scanned for the wrong team', 'Blue', null],
      ['adjust', 'phone out during the game', 'Blue', -75000],
    ]);
  });

  it('voids a transaction after asking why, and says so when the orchestrator refuses', async () => {
    const server = await web.startServer();
    const admin = await openAdmin(web.browser, server.url, viewports.phone);
    const gm = await openStation(web.browser, server.url, 'GM_VOID');
    await scan(gm, 'Owls', 'tok001');
    await admin.getByRole('button', { name: 'Void tok001 for Owls' }).click();
    const dialog = admin.getByRole('dialog');
    await expect.poll(() => dialog.locator('p').first().textContent()).toContain('Owls loses its');
    await dialog.getByLabel('Reason', { exact: true }).fill('test scan');
    await admin.screenshot({ path: artifactPath('admin-void-dialog-phone.png') });
    // Voided elsewhere first: the orchestrator's CONFLICT is shown in the dialog, which stays open.
    const token = await server.adminToken();
    const id = await admin.locator('#recent li').first().getAttribute('data-transaction-id');
    okBody(await api(server.url, 'POST', `/api/transactions/${id}/void`, { token, body: { reason: 'from another desk' } }), 'void');
    await dialog.getByRole('button', { name: 'Void transaction' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/^Not voided: .+ \(CONFLICT\)$/);
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => gm.locator('#recent li.voided').count()).toBe(1);
    await expect.poll(() => scoreOf(gm, 'Owls')).toBe('0');
  });

  it('adds and renames teams, refusing a name another team has, and the GM page follows', async () => {
    const server = await web.startServer();
    const admin = await openAdmin(web.browser, server.url);
    const gm = await openStation(web.browser, server.url, 'GM_NAMES');
    await admin.getByLabel('New team name').fill('Red Herrings');
    await admin.getByRole('button', { name: 'Add team' }).click();
    await expect.poll(() => admin.locator('#teams-message').textContent()).toBe('Added Red Herrings');
    await admin.getByLabel('New team name').fill('Owls');
    await admin.getByRole('button', { name: 'Add team' }).click();
    await expect.poll(() => admin.locator('#team-list li').count()).toBe(2);
    // The same name without case is the team already there.
    await admin.getByLabel('New team name').fill('owls');
    await admin.getByRole('button', { name: 'Add team' }).click();
    await expect.poll(() => admin.locator('#teams-message').textContent()).toBe('Owls is already registered');
    const teams = gm.getByRole('group', { name: 'Team', exact: true });
    await expect.poll(() => teams.getByRole('button').allTextContents()).toEqual([expect.stringContaining('Red Herrings'), expect.stringContaining('Owls')]);

    await admin.getByRole('button', { name: 'Rename Owls' }).click();
    await admin.getByLabel('New name for Owls').fill('red herrings');
    await admin.getByRole('button', { name: 'Save name' }).click();
    await expect.poll(() => admin.locator('#team-list [role="alert"]').textContent()).toMatch(/^Not renamed: .+ \(CONFLICT\)$/);
    await admin.getByLabel('New name for Owls').fill('Night Owls');
    await admin.getByRole('button', { name: 'Save name' }).click();
    await expect.poll(() => admin.locator('#teams-message').textContent()).toBe('Renamed Owls to Night Owls');
    expect(await admin.locator('#team-list li').nth(1).textContent()).toContain('registered as Owls');

    // The GM's button keeps the team (its id) and shows the new name; scans for it keep counting.
    await expect.poll(() => teams.getByRole('button').allTextContents()).toEqual([expect.stringContaining('Red Herrings'), expect.stringContaining('Night Owls')]);
    await scan(gm, 'Night Owls', 'tok003');
    await expect.poll(() => gm.locator('#result').textContent()).toBe('Accepted tok003: +250,000 points for Night Owls');
    await expect.poll(() => gm.locator('#scores tr[data-team-id="Owls"] .team-name').textContent()).toBe('Night Owls');
    const stored = server.store.transactions(server.orchestrator.show.session!.id).map((t) => [t.tokenId, t.teamId]);
    expect(stored).toEqual([['tok003', 'Owls']]);
  });
});

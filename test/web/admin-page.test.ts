import { afterEach, describe, expect, it } from 'vitest';
import { artifactPath, openAdmin as openAdminIn, useBrowser, viewports } from '../support/browser.js';
import { station, type Peer } from '../support/harness.js';
import { api } from '../support/http.js';

const web = useBrowser();
const peers: Peer[] = [];
afterEach(() => {
  for (const peer of peers.splice(0)) peer.close();
});

const openAdmin = (url: string, viewport?: { width: number; height: number }) => openAdminIn(web.browser, url, viewport);

describe('the admin page', () => {
  it('refuses a wrong password and says why', async () => {
    const server = await web.startServer();
    const page = await (await web.browser.newContext({ viewport: viewports.tablet })).newPage();
    await page.goto(`${server.url}/admin`);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.locator('#login-error').textContent()).toContain('wrong password');
    expect(await page.locator('#session-card').isHidden()).toBe(true);
  });

  it('shows a GM station, its transactions live, and filters them', async () => {
    const server = await web.startServer();
    const admin = await openAdmin(server.url);
    const gm = await station(server.url, 'GM_BAR');
    peers.push(gm);
    await gm.submit('tok003', 'Red', 'GM_BAR');
    await gm.submit('tok001', 'Blue', 'GM_BAR');
    await expect.poll(() => admin.locator('#recent').textContent()).toContain('tok001');
    await expect.poll(() => admin.locator('#scores').textContent()).toContain('250,000');
    await expect.poll(() => admin.locator('#devices').textContent()).toContain('GM_BAR (gm) connected');
    await expect.poll(() => admin.locator('#session-text').textContent()).toContain('2 transactions');
    await admin.getByLabel('Filter by team or token').fill('red');
    await expect.poll(() => admin.locator('#recent li').count()).toBe(1);
    expect(await admin.locator('#recent').textContent()).toContain('tok003');
    await admin.screenshot({ path: artifactPath('admin-tablet.png'), fullPage: true });
    const phone = await openAdmin(server.url, viewports.phone);
    await expect.poll(() => phone.locator('#scores').textContent()).toContain('Red');
    await phone.screenshot({ path: artifactPath('admin-phone.png'), fullPage: true });
  });

  it('starts a new session, then resets the game after a confirmation', async () => {
    const server = await web.startServer();
    const admin = await openAdmin(server.url);
    const gm = await station(server.url, 'GM');
    peers.push(gm);
    const first = server.orchestrator.show.session!.id;
    await admin.getByLabel('New session name').fill('Friday late show');
    await admin.getByRole('button', { name: 'New session' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Confirm new session' }).click();
    await expect.poll(() => admin.locator('#session-text').textContent()).toContain('Friday late show — active');
    const second = server.orchestrator.show.session!;
    expect(second.id).not.toBe(first);
    await gm.waitFor('sync:full', (e) => e.data.session?.id === second.id);

    await admin.getByRole('button', { name: 'Reset game' }).click();
    // Nothing happens before the confirmation.
    expect(server.orchestrator.show.session!.id).toBe(second.id);
    await admin.getByRole('button', { name: 'Cancel' }).click();
    expect(server.orchestrator.show.session!.id).toBe(second.id);
    await admin.getByRole('button', { name: 'Reset game' }).click();
    await admin.getByRole('button', { name: 'Confirm reset' }).click();
    await expect.poll(() => server.orchestrator.show.session!.id).not.toBe(second.id);
    await gm.waitFor('sync:full', (e) => e.data.session?.id === server.orchestrator.show.session!.id);
    await expect.poll(() => admin.locator('#history tr').count()).toBe(3);
    expect(await admin.locator('#history').textContent()).toContain('Friday late show');
    const sessions = (await api(server.url, 'GET', '/api/sessions', { token: await server.adminToken() })).body as { status: string }[];
    expect(sessions.map((s) => s.status)).toEqual(['active', 'completed', 'completed']);
  });

  /** A server, its admin page logged in and showing the running session, and how to read the session. */
  async function adminOnARunningSession() {
    const server = await web.startServer();
    const token = await server.adminToken();
    const current = async () => (await api(server.url, 'GET', '/api/session', { token })).body as { id: string; name: string; status: string };
    const running = await current();
    const admin = await openAdmin(server.url);
    await expect.poll(() => admin.locator('#session-text').textContent()).toContain(`${running.name} — active`);
    return { server, token, current, running, admin };
  }

  it('ends the session only after a confirmation naming it', async () => {
    const { server, token, current, running, admin } = await adminOnARunningSession();

    await admin.getByRole('button', { name: 'End session' }).click();
    const dialog = admin.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toContain(`End “${running.name}”? Scoring stops and the session is archived`);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await current()).toMatchObject({ id: running.id, status: 'active' });

    await admin.getByRole('button', { name: 'End session' }).click();
    await dialog.getByRole('button', { name: 'Confirm end session' }).click();
    await expect.poll(async () => (await api(server.url, 'GET', '/api/session', { token })).status).toBe(404);
    const sessions = (await api(server.url, 'GET', '/api/sessions', { token })).body as { id: string; status: string }[];
    expect(sessions.find((s) => s.id === running.id)?.status).toBe('completed');
    await expect.poll(() => admin.locator('#session-text').textContent()).toContain('No session');

    // With no game running, a new session starts at once: there is nothing to end.
    await admin.getByLabel('New session name').fill('After the break');
    await admin.getByRole('button', { name: 'New session' }).click();
    await expect.poll(async () => (await current()).name).toBe('After the break');
    expect(await dialog.count()).toBe(0);
  });

  it('starts a new session only after a confirmation naming both sessions', async () => {
    const { server, token, current, running, admin } = await adminOnARunningSession();

    await admin.getByLabel('New session name').fill('Saturday show');
    await admin.getByRole('button', { name: 'New session' }).click();
    const dialog = admin.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toContain(`Start “Saturday show”? “${running.name}” ends and is archived with its scores`);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await current()).toMatchObject({ id: running.id, status: 'active' });

    // Unnamed: the confirmation names the session it will start, and that is the name it gets.
    await admin.getByLabel('New session name').fill('');
    await admin.getByRole('button', { name: 'New session' }).click();
    const text = (await dialog.locator('p').textContent()) ?? '';
    const name = /^Start “(Game [^”]+)”/.exec(text)?.[1];
    expect(name, text).toMatch(/^Game \d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(await current()).toMatchObject({ id: running.id });
    await dialog.getByRole('button', { name: 'Confirm new session' }).click();
    await expect.poll(async () => (await current()).id).not.toBe(running.id);
    expect((await current()).name).toBe(name);
    const sessions = (await api(server.url, 'GET', '/api/sessions', { token })).body as { id: string; status: string }[];
    expect(sessions.find((s) => s.id === running.id)?.status).toBe('completed');
  });

  it('asks before each game-ending button, naming the running game and what happens to it', async () => {
    const { current, running, admin } = await adminOnARunningSession();
    const dialog = admin.getByRole('dialog');
    const asked = [
      ['End session', 'Confirm end session', `End “${running.name}”? Scoring stops and the session is archived`],
      ['New session', 'Confirm new session', `“${running.name}” ends and is archived with its scores`],
      ['Reset game', 'Confirm reset', `“${running.name}” ends and is archived with its scores; a fresh session starts`],
    ] as const;
    for (const [button, confirm, says] of asked) {
      await admin.getByRole('button', { name: button, exact: true }).click();
      await expect.poll(() => dialog.textContent()).toContain(says);
      expect(await dialog.getByRole('button', { name: confirm }).isVisible()).toBe(true);
      await admin.screenshot({ path: artifactPath(`admin-confirm-${button.toLowerCase().replace(' ', '-')}.png`) });
      // Escape is a cancel too: nothing was sent.
      await admin.keyboard.press('Escape');
      await expect.poll(() => dialog.count()).toBe(0);
      expect(await current()).toMatchObject({ id: running.id, status: 'active' });
    }
  });
});

import type { Browser, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { envelopeOf } from '../../src/contract/index.js';
import { artifactPath, cspViolations, useBrowser } from '../support/browser.js';
import { connect, station, type Peer } from '../support/harness.js';
import { api, okBody } from '../support/http.js';
import { tempDir } from '../support/temp-dir.js';

const web = useBrowser();
const peers: Peer[] = [];
afterEach(() => {
  for (const peer of peers.splice(0)) peer.close();
});

interface Watched {
  page: Page;
  /** Every URL the page asked for: its requests and its WebSocket connections. */
  requested: string[];
  refused: string[];
}

/** /scoreboard in a fresh browser profile, every request it makes recorded from its first. */
async function openScoreboard(browser: Browser, url: string, viewport = { width: 1920, height: 1080 }): Promise<Watched> {
  const page = await (await browser.newContext({ viewport })).newPage();
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  page.on('websocket', (socket) => requested.push(socket.url()));
  const refused = await cspViolations(page);
  await page.goto(`${url}/scoreboard`);
  return { page, requested, refused };
}

/** Whether a display connection was let in (sent the view) or refused (sent an error). */
function admitted(peer: Peer): Promise<boolean> {
  return Promise.race([
    peer.waitFor('display:view').then(() => true, () => false),
    peer.waitFor('error').then(() => false, () => false),
  ]);
}

const rowsText = (page: Page) => page.locator('#room-rows').textContent();
const rowOf = (page: Page, team: string) =>
  page.evaluate<string[] | null>(`(() => {
    const row = [...document.querySelectorAll('#room-rows tr')].find((r) => r.querySelector('.name')?.textContent === ${JSON.stringify(team)});
    return row ? [...row.cells].map((cell) => cell.textContent) : null;
  })()`);

/**
 * What sticks out of the page at its size: any scrolling, and any element shown past the
 * viewport's edges (the page clips at its edges, so a row pushed out would not scroll: it would vanish).
 */
function outside(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const problems = [];
    const root = document.documentElement;
    if (root.scrollWidth > innerWidth) problems.push('page ' + root.scrollWidth + ' wide in ' + innerWidth);
    if (root.scrollHeight > innerHeight) problems.push('page ' + root.scrollHeight + ' high in ' + innerHeight);
    const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + [...e.classList].map((c) => '.' + c).join('');
    for (const element of document.querySelectorAll('#room *')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.left < -0.5 || box.top < -0.5 || box.right > innerWidth + 0.5 || box.bottom > innerHeight + 0.5) {
        problems.push(name(element) + ' at ' + [box.left, box.top, box.right, box.bottom].map(Math.round).join(',') + ' in ' + innerWidth + 'x' + innerHeight);
      }
    }
    return problems;
  })()`);
}

describe('the /scoreboard page', () => {
  it('shows the welcome screen, then the board as soon as a GM station submits, asking only its own server for anything', async () => {
    const server = await web.startServer();
    const { page, requested, refused } = await openScoreboard(web.browser, server.url);
    await expect.poll(() => page.locator('#room').getAttribute('class')).toBe('room welcome');
    await expect.poll(() => page.locator('#room-title').textContent()).toBe('Waiting for the next memory…');
    await expect.poll(() => page.locator('#room-connection').isHidden()).toBe(true);

    const gm = await station(server.url, 'GM_1');
    peers.push(gm);
    const tx = await gm.submit('tok003', 'Red Herrings');
    const score = tx.points.toLocaleString('en-US');
    await expect.poll(() => rowOf(page, 'Red Herrings')).toEqual(['1', 'Red Herrings', '0', score]);
    await expect.poll(() => page.locator('#room').getAttribute('class')).toBe('room scoreboard');
    expect(await page.locator('#room-title').textContent()).toBe(server.orchestrator.show.session?.name);
    expect(await page.locator('#room-clock-caption').textContent()).toMatch(/^(elapsed|left)$/);

    // A second team overtakes: the page redraws in the new order.
    await gm.submit('tok005', 'Blue Falcons');
    await expect.poll(async () => (await page.locator('#room-rows .name').allTextContents())).toEqual(['Blue Falcons', 'Red Herrings']);
    await page.screenshot({ path: artifactPath('scoreboard-live.png') });

    const origin = new URL(server.url);
    const elsewhere = requested.filter((address) => new URL(address).host !== origin.host);
    expect(requested.length).toBeGreaterThan(0);
    expect(elsewhere).toEqual([]);
    expect(refused).toEqual([]);
  });

  it('reconnects by itself after the server restarts and shows the board again, still live', async () => {
    const dataDir = tempDir('scoreboard-restart-');
    const first = await web.startServer({ dataDir });
    const port = first.orchestrator.port;
    const gm = await station(first.url, 'GM_1');
    peers.push(gm);
    await gm.submit('tok003', 'Red Herrings');
    const { page } = await openScoreboard(web.browser, first.url);
    await expect.poll(() => rowsText(page)).toContain('Red Herrings');

    await first.stop();
    await expect.poll(() => page.locator('#room-connection').textContent(), { timeout: 15_000 }).toBe('Reconnecting…');

    const second = await web.startServer({ dataDir, port });
    await expect.poll(() => page.locator('#room-connection').isHidden(), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => rowsText(page)).toContain('Red Herrings');
    expect(await page.locator('#room').getAttribute('class')).toBe('room scoreboard');

    const again = await station(second.url, 'GM_2');
    peers.push(again);
    await again.submit('tok001', 'Night Owls');
    await expect.poll(() => rowsText(page)).toContain('Night Owls');
    await page.screenshot({ path: artifactPath('scoreboard-after-restart.png') });
  });

  it('fits the screen without scrolling at 1920×1080, 1280×720 and 390×844: welcome, a full board, the last rows', async () => {
    // The longest texts the room sees: a long session name, "1 h 30 min" on the clock, a 63-character team.
    const server = await web.startServer({ gameMinutes: 90 });
    const token = await server.adminToken();
    okBody(await api(server.url, 'POST', '/api/session', { token, body: { name: 'Friday Night Memory Quiz at the Old Harbour' } }), 'session');
    const long = 'Die Donaudampfschifffahrtsgesellschaftskapitaenswitwen Quizteam';
    const teams = [long, 'Red Herrings', 'Blue Falcons', 'Night Owls', 'Quizzly Bears', 'Ten Pin Wizards', 'Foxes', 'Nine Lives', 'Team Eight', 'Owls', 'Giants', 'Latecomers'];
    for (const name of teams) okBody(await api(server.url, 'POST', '/api/teams', { token, body: { name } }), `team ${name}`);
    const sizes = [
      { width: 1920, height: 1080 },
      { width: 1280, height: 720 },
      { width: 390, height: 844 },
    ];
    const pages = await Promise.all(sizes.map((size) => openScoreboard(web.browser, server.url, size)));
    const problems: Record<string, string[]> = {};
    for (const [index, { page }] of pages.entries()) {
      const { width, height } = sizes[index]!;
      await expect.poll(() => page.locator('#room').getAttribute('class')).toBe('room welcome');
      await page.screenshot({ path: artifactPath(`scoreboard-welcome-${width}x${height}.png`) });
      const outOfView = await outside(page);
      if (outOfView.length > 0) problems[`welcome at ${width}×${height}`] = outOfView;
    }

    const gm = await station(server.url, 'GM_1');
    peers.push(gm);
    await gm.submit('tok003', long);
    for (const [index, { page }] of pages.entries()) {
      const { width, height } = sizes[index]!;
      await expect.poll(() => page.locator('#room').getAttribute('class')).toBe('room scoreboard');
      await expect.poll(() => page.locator('#room-rows tr').first().locator('.name').textContent()).toBe(long);
      expect(await page.locator('#room-rows tr').count()).toBe(10);
      expect(await page.locator('#room-more').textContent()).toBe('+ 2 more teams');
      expect(await page.locator('#room-clock-text').textContent()).toMatch(/^1 h (30|29) min$/);
      await page.screenshot({ path: artifactPath(`scoreboard-${width}x${height}.png`) });
      const outOfView = await outside(page);
      if (outOfView.length > 0) problems[`board at ${width}×${height}`] = outOfView;
      // The long name is cut in its cell (an ellipsis, no wider table), its full text in the title.
      const name = page.locator('#room-rows tr').first().locator('.name');
      expect(await name.getAttribute('title')).toBe(long);
      const cut = `(() => { const cell = document.querySelector('#room-rows tr .name'); return cell.scrollWidth > cell.clientWidth && getComputedStyle(cell).textOverflow === 'ellipsis'; })()`;
      expect(await page.evaluate<boolean>(cut)).toBe(true);
    }
    expect(problems).toEqual({});
  });

  it('is read-only: a display connection cannot submit or identify, and nothing is stored', async () => {
    const server = await web.startServer();
    const display = await connect(server.url, { display: true });
    peers.push(display);
    const [first] = await display.waitFor('display:view');
    expect(first?.data.screen).toBe('welcome');

    const submit = await display.request('transaction:submit', { tokenId: 'tok003', teamId: 'Red Herrings' });
    expect(submit).toMatchObject({ ok: false, error: { code: 'AUTH_REQUIRED' } });
    const identify = await display.request('gm:identify', { stationId: 'GM_SNEAKY', version: '1.0.0' });
    expect(identify).toMatchObject({ ok: false, error: { code: 'AUTH_REQUIRED' } });
    // The one thing it may ask for: the view again.
    const asked = await display.request('state:request', {});
    expect(asked.ok).toBe(true);
    await display.waitFor('display:view', () => true, 2);

    const session = server.orchestrator.show.session!.id;
    expect(server.store.transactions(session)).toEqual([]);
    const state = okBody(await api(server.url, 'GET', '/api/state'), 'state') as { scores: unknown[]; teams: unknown[] };
    expect(state.scores).toEqual([]);
    expect(state.teams).toEqual([]);
    expect(server.orchestrator.show.connectedStations()).toBe(0);
  });

  it('refuses a display over limits.maxDisplays with DEVICE_LIMIT and keeps the others', async () => {
    const server = await web.startServer({ limits: { maxDisplays: 2 } });
    const a = await connect(server.url, { display: true });
    const b = await connect(server.url, { display: true });
    peers.push(a, b);
    await Promise.all([a.waitFor('display:view'), b.waitFor('display:view')]);

    const over = await connect(server.url, { display: true });
    peers.push(over);
    const overClosed = over.socket.connected ? new Promise<string>((resolve) => over.socket.once('disconnect', resolve)) : Promise.resolve('io server disconnect');
    const [error] = await over.waitFor('error');
    expect(envelopeOf('error').parse(error).data.code).toBe('DEVICE_LIMIT');
    expect(await overClosed).toBe('io server disconnect');
    expect(over.of('display:view')).toEqual([]);

    // The two in still get the room view as it changes; a GM station still gets in.
    expect(a.socket.connected && b.socket.connected).toBe(true);
    const gm = await station(server.url, 'GM_1');
    peers.push(gm);
    await gm.submit('tok003', 'Red Herrings');
    const shows = (peer: Peer) => peer.waitFor('display:view', (e) => e.data.rows.some((row) => row.name === 'Red Herrings'));
    await Promise.all([shows(a), shows(b)]);

    // A place freed is a place taken: once the server has seen `a` go, the next display is let in.
    a.close();
    await expect.poll(async () => {
      const next = await connect(server.url, { display: true });
      peers.push(next);
      return admitted(next);
    }).toBe(true);
  });
});

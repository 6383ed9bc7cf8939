import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { artifactPath, connectStation, logInAdmin, useBrowser } from '../support/browser.js';
import { station, type Peer } from '../support/harness.js';
import { api, okBody } from '../support/http.js';

const web = useBrowser();

const LONG = 'Die Donaudampfschifffahrtsgesellschaftskapitaenswitwen Quizteam!';
const TEAMS = ['Red', 'Blue', 'Green Giants', 'Owls', LONG, 'Foxes', 'The Quizzly Bears', 'Team 8', 'Nine Lives', 'Ten Pin Wizards'];

const SIZES = {
  landscape: { width: 1024, height: 768 },
  portrait: { width: 768, height: 1024 },
  phone: { width: 390, height: 844 },
} as const;

/**
 * What sticks out of a page: the page scrolling sideways, any element past the viewport's
 * edges, any card wider than itself, the scores table past its card's content box. A box
 * that scrolls on its own (the sessions table on a phone) must fit; what is in it may scroll.
 */
function overflows(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const problems = [];
    const width = document.documentElement.clientWidth;
    const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + [...e.classList].map((c) => '.' + c).join('');
    if (document.documentElement.scrollWidth > innerWidth) problems.push('page ' + document.documentElement.scrollWidth + ' wide in ' + innerWidth);
    // Inside a box that scrolls or clips on its own (the sessions table, a clamped name) the box itself is what must fit.
    const clipped = (e) => {
      for (let up = e.parentElement; up && up !== document.body; up = up.parentElement) if (getComputedStyle(up).overflowX !== 'visible') return true;
      return false;
    };
    for (const element of document.querySelectorAll('body *')) {
      const box = element.getBoundingClientRect();
      if ((box.width === 0 && box.height === 0) || clipped(element)) continue;
      if (box.left < -0.5 || box.right > width + 0.5) problems.push(name(element) + ' at ' + box.left + '..' + box.right + ' in ' + width);
    }
    for (const card of document.querySelectorAll('.card')) {
      if (card.offsetParent !== null && card.scrollWidth > card.clientWidth) problems.push(name(card) + ' ' + card.scrollWidth + ' wide in ' + card.clientWidth);
    }
    const table = document.querySelector('.scores-table');
    const card = table && table.closest('.card');
    if (!table || !card) problems.push('no scores table');
    else {
      const right = card.getBoundingClientRect().right - parseFloat(getComputedStyle(card).paddingRight);
      const end = table.getBoundingClientRect().right;
      if (end > right + 0.5) problems.push('scores table ends at ' + end + ', its card content at ' + right);
    }
    return problems;
  })()`);
}

describe('/gm and /admin with ten teams, one with a 64-character name', () => {
  it('fit landscape and portrait tablets and a phone: no sideways scrolling, nothing cut off', async () => {
    expect(LONG).toHaveLength(64);
    const server = await web.startServer();
    const token = await server.adminToken();
    for (const name of TEAMS) okBody(await api(server.url, 'POST', '/api/teams', { token, body: { name } }), `team ${name}`);
    const seeder: Peer = await station(server.url, 'GM_SEED');
    try {
      for (const [tokenId, teamId] of [['tok003', LONG], ['pair01', LONG], ['pair02', LONG], ['tok001', 'Red'], ['TOK004', 'Ten Pin Wizards']] as const) {
        await seeder.submit(tokenId, teamId);
      }
    } finally {
      seeder.close();
    }
    okBody(await api(server.url, 'POST', '/api/scores/adjust', { token, body: { teamId: LONG, points: -75000, reason: 'phones out during the game' } }), 'adjust');

    for (const [size, viewport] of Object.entries(SIZES)) {
      const context = await web.browser.newContext({ viewport });
      const gm = await connectStation(await context.newPage(), server.url, `GM_${size.toUpperCase()}`);
      const teams = gm.getByRole('group', { name: 'Team', exact: true }).getByRole('button');
      await expect.poll(() => teams.count()).toBe(10);
      // The long name is cut short on its button, and all of it is in its title.
      const long = gm.getByRole('group', { name: 'Team', exact: true }).getByRole('button', { name: LONG, exact: true });
      expect(await long.getAttribute('title')).toBe(LONG);
      await long.click();
      await gm.getByLabel('Token', { exact: true }).fill('tok005');
      await gm.getByRole('button', { name: 'Submit' }).click();
      await expect.poll(() => gm.locator('#result').textContent()).toContain('Accepted tok005');
      await gm.getByRole('button', { name: 'Undo' }).click();
      await gm.getByRole('group', { name: 'Record tok005 for:' }).waitFor();
      expect(await gm.locator(`#scores tr[data-team-id="${LONG}"] .team-name`).getAttribute('title')).toBe(LONG);
      expect(await overflows(gm), `/gm ${size}`).toEqual([]);
      await gm.screenshot({ path: artifactPath(`layout-gm-${size}.png`), fullPage: true });

      const admin = await logInAdmin(await context.newPage(), server.url);
      await expect.poll(() => admin.locator('#team-list li').count()).toBe(10);
      await expect.poll(() => admin.locator('#scores tr').count()).toBe(10);
      await admin.getByRole('button', { name: `Rename ${LONG}` }).click();
      expect(await overflows(admin), `/admin ${size}`).toEqual([]);
      await admin.screenshot({ path: artifactPath(`layout-admin-${size}.png`), fullPage: true });
      await admin.getByRole('button', { name: `Reassign TOK004 for Ten Pin Wizards` }).click();
      await admin.getByRole('dialog').getByLabel('Record it for').selectOption({ label: LONG });
      expect(await overflows(admin), `/admin ${size} with the reassign dialog`).toEqual([]);
      await admin.screenshot({ path: artifactPath(`layout-admin-${size}-reassign.png`) });
      await context.close();
    }
  }, 60_000);
});

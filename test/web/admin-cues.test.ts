import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CuesFile } from '../../src/contract/index.js';
import { artifactPath, openAdmin, openStation, useBrowser, viewports } from '../support/browser.js';
import { station, type Peer } from '../support/harness.js';

const web = useBrowser();
const peers: Peer[] = [];
let hook: Server | undefined;
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await new Promise((closed) => (hook ? hook.close(closed) : closed(undefined)));
  hook = undefined;
});

describe('the Cues card on /admin', () => {
  it('lists the cues, fires a manual one with its button, and switches one off', async () => {
    const calls: string[] = [];
    hook = createServer((req, res) => {
      calls.push(`${req.method} ${req.url}`);
      res.end();
    });
    await new Promise<void>((listening) => hook!.listen(0, '127.0.0.1', listening));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
    const cues = CuesFile.parse([
      { id: 'raid', name: 'Police raid', actions: [{ http: { method: 'POST', url: `${url}/raid` } }, { message: 'Police raid!', seconds: 60 }] },
      { id: 'sting', name: 'Sting', trigger: 'transaction:accepted', actions: [{ http: { method: 'POST', url: `${url}/sting` } }] },
      { id: 'ten-left', name: 'Ten minutes left', trigger: 'clock:at', remaining: '00:10:00', actions: [{ sound: 'missing.wav' }] },
    ]);
    const server = await web.startServer({ cues });
    const admin = await openAdmin(web.browser, server.url);
    const gmPage = await openStation(web.browser, server.url, 'GM_PAGE', viewports.phone);
    await expect.poll(() => admin.locator('#cue-list li').count()).toBe(3);
    expect(await gmPage.locator('#cue-message').isVisible()).toBe(false);
    expect(await admin.locator('#cue-list').textContent()).toContain('clock 00:10:00 left');

    await admin.getByRole('button', { name: 'Police raid' }).click();
    await expect.poll(() => admin.locator('#cues-message').textContent()).toBe('Police raid: done');
    await expect.poll(() => admin.locator('#cue-list li[data-cue-id="raid"]').textContent()).toMatch(/last .*\(ok\)/);
    expect(calls).toEqual(['POST /raid']);
    const board = await (await web.browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
    await board.goto(`${server.url}/scoreboard`);
    await expect.poll(() => board.locator('#room-message').textContent()).toBe('Police raid!');
    expect(await board.locator('#room-message').isVisible()).toBe(true);
    await board.screenshot({ path: artifactPath('scoreboard-cue-message.png') });
    // Every GM page shows the line too, on screen and within the phone's width.
    await expect.poll(() => gmPage.locator('#cue-message').textContent()).toBe('Police raid!');
    expect(await gmPage.locator('#cue-message').isVisible()).toBe(true);
    expect(await gmPage.evaluate('document.documentElement.scrollWidth <= innerWidth')).toBe(true);
    await gmPage.screenshot({ path: artifactPath('gm-cue-message.png') });

    await admin.getByLabel('Sting: on').uncheck();
    await expect.poll(() => admin.locator('#cues-message').textContent()).toBe('Sting: off');
    const gm = await station(server.url, 'GM_CUES');
    peers.push(gm);
    await gm.submit('tok001', 'Red');
    await admin.getByRole('button', { name: 'Police raid' }).click();
    await expect.poll(() => calls.length).toBe(2);
    expect(calls).toEqual(['POST /raid', 'POST /raid']);
    await admin.screenshot({ path: artifactPath('admin-cues.png'), fullPage: true });
  });
});

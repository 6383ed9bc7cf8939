import { afterEach, describe, expect, it } from 'vitest';
import { envelopeOf, type GameState, type RoomView } from '../../src/contract/index.js';
import { connect, station, startTestServer, type Peer, type TestServer } from '../support/harness.js';
import { api } from '../support/http.js';
import { FakeVideoPlayer } from '../support/fake-video-player.js';

let server: TestServer;
const peers: Peer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server.destroy();
});

async function open<T extends Peer>(peer: Promise<T>): Promise<T> {
  const opened = await peer;
  peers.push(opened);
  return opened;
}

const lastView = (peer: Peer): RoomView | undefined => peer.of('display:view').at(-1)?.data;

describe('display connections (/scoreboard)', () => {
  it('get the room view at once and whenever it changes, with no token, and the TV gets the same view', async () => {
    const tv = new FakeVideoPlayer();
    server = await startTestServer({ stationToken: 'closed-stations-token', video: tv });
    const display = await open(connect(server.url, { display: true }));
    const [first] = await display.waitFor('display:view');
    expect(envelopeOf('display:view').parse(first).data).toMatchObject({ screen: 'welcome', setup: true });

    const gm = await open(station(server.url, 'GM_A', { token: 'closed-stations-token' }));
    await gm.submit('tok001', 'Red Herrings', 'GM_A');
    await display.waitFor('display:view', (e) => e.data.screen === 'scoreboard');
    expect(lastView(display)?.rows).toEqual([expect.objectContaining({ rank: 1, name: 'Red Herrings', score: '10,000' })]);
    expect(tv.roomViews.at(-1)).toEqual(lastView(display));

    // A group completion is announced, then the board returns.
    await gm.submit('pair01', 'Red Herrings', 'GM_A');
    await gm.submit('pair02', 'Red Herrings', 'GM_A');
    await display.waitFor('display:view', (e) => e.data.screen === 'announcement');
    expect(lastView(display)?.announcement).toBe('Pair complete — Red Herrings +175,000');

    // A display asking again is answered with the view, not the stations' state.
    expect(await display.request('state:request', {})).toEqual({ ok: true, data: { event: 'display:view' } });
    expect(display.of('sync:full')).toEqual([]);
  });

  it('may send nothing but state:request, and are capped on their own (DEVICE_LIMIT)', async () => {
    server = await startTestServer({ limits: { maxDisplays: 2 } });
    const display = await open(connect(server.url, { display: true }));
    const submit = await display.request('transaction:submit', { tokenId: 'tok001', teamId: 'Red' });
    expect(submit).toMatchObject({ ok: false, error: { code: 'AUTH_REQUIRED' } });
    expect(await display.request('gm:identify', { stationId: 'SNEAKY', version: '1' })).toMatchObject({ ok: false, error: { code: 'AUTH_REQUIRED' } });
    expect(await display.request('team:create', { name: 'Sneaky' })).toMatchObject({ ok: false, error: { code: 'AUTH_REQUIRED' } });
    expect(server.store.transactions(server.orchestrator.show.session!.id)).toEqual([]);
    expect(server.orchestrator.show.state().teams).toEqual([]);

    await open(connect(server.url, { display: true }));
    const third = await open(connect(server.url, { display: true }));
    const [refusal] = await third.waitFor('error');
    expect(refusal?.data.code).toBe('DEVICE_LIMIT');
    // Displays take no GM station's place.
    await open(station(server.url, 'GM_A'));
  });
});

describe('POST /api/display', () => {
  it('switches the room screens between the board and the welcome screen, for admins only, and the state says so', async () => {
    server = await startTestServer();
    const token = await server.adminToken();
    const gm = await open(station(server.url, 'GM_A'));
    const display = await open(connect(server.url, { display: true }));
    await gm.submit('tok001', 'Red', 'GM_A');
    await display.waitFor('display:view', (e) => e.data.screen === 'scoreboard');
    expect(((await api(server.url, 'GET', '/api/state')).body as GameState).display).toEqual({ mode: 'scoreboard' });

    expect(await api(server.url, 'POST', '/api/display', { body: { mode: 'welcome' } })).toMatchObject({ status: 401 });
    expect(await api(server.url, 'POST', '/api/display', { token, body: { mode: 'party' } })).toMatchObject({ status: 400, body: { code: 'INVALID_DATA' } });
    expect(await api(server.url, 'POST', '/api/display', { token, body: { mode: 'welcome' } })).toMatchObject({ status: 200, body: { mode: 'welcome' } });
    await display.waitFor('display:view', (e) => e.data.screen === 'welcome');
    await gm.waitFor('state:update', (e) => e.data.display?.mode === 'welcome');
    expect((await api(server.url, 'GET', '/api/display')).body).toEqual({ mode: 'welcome' });
  });
});

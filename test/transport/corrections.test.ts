import { afterEach, describe, expect, it } from 'vitest';
import {
  ReassignResponse,
  ScoreAdjustResponse,
  SessionExport,
  Team,
  Transaction,
  type AckResponse,
  type Envelope,
  type TeamScore,
} from '../../src/contract/index.js';
import { connect, station, startTestServer, type Peer, type TestServer } from '../support/harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { api, okBody, type ApiResponse } from '../support/http.js';

/**
 * Teams and corrections end to end: the real server, socket.io-client stations and admin,
 * the real SQLite log. Fixture tokens: tok001 10,000 · tok002 75,000 · tok003 250,000 ·
 * pair01 50,000 + pair02 125,000 make the group "Pair", whose bonus is 175,000.
 */

let server: TestServer;
const peers: Peer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server.destroy();
});

async function open<T extends Peer[]>(...created: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const opened = (await Promise.all(created)) as T;
  peers.push(...opened);
  return opened;
}

const PAIR_BONUS = 175_000;
const anyId = expect.any(String) as unknown as string;
const anyTimestamp = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown as string;

/** What a refused request must leave as it was: the live state and the stored log. */
function gameOf(s: TestServer) {
  const sessionId = s.orchestrator.show.session?.id ?? '';
  return {
    state: s.orchestrator.show.state(),
    transactions: s.store.transactions(sessionId),
    corrections: s.store.corrections(sessionId),
    teams: s.store.teams(sessionId),
  };
}

const scoreOf = (scores: readonly TeamScore[], teamId: string) => scores.find((score) => score.teamId === teamId);

/** The team's score in the latest state:update `peer` received, once it matches `expected`. */
async function scoreSeen(peer: Peer, teamId: string, expected: Partial<TeamScore>): Promise<TeamScore | undefined> {
  const matches = (e: Envelope<'state:update'>) => Object.entries(expected).every(([key, value]) => JSON.stringify(scoreOf(e.data.scores, teamId)?.[key as keyof TeamScore]) === JSON.stringify(value));
  const seen = await peer.waitFor('state:update', matches);
  return scoreOf(seen.at(-1)!.data.scores, teamId);
}

function ackData(ack: AckResponse): unknown {
  if (!ack.ok) throw new Error(`refused: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

const post = (path: string, token: string, body: unknown) => api(server.url, 'POST', path, { token, body });
const voidOf = (id: string, token: string, reason: string) => post(`/api/transactions/${encodeURIComponent(id)}/void`, token, { reason });
const refusal = (response: ApiResponse) => ({ status: response.status, code: (response.body as { code?: unknown }).code });

describe('teams', () => {
  it('registers a team once whatever its case, over team:create and POST /api/teams, and lists it in GameState.teams', async () => {
    server = await startTestServer();
    const token = await server.adminToken();
    const [gm, witness] = await open(station(server.url, 'GM_A'), station(server.url, 'GM_W'));

    const red = Team.parse(ackData(await gm.request('team:create', { name: '  Red   Herrings ' })));
    expect(red).toEqual({ teamId: 'Red Herrings', name: 'Red Herrings', createdAt: anyTimestamp });
    expect(await post('/api/teams', token, { name: 'RED HERRINGS' })).toMatchObject({ status: 200, body: red });
    const created = await post('/api/teams', token, { name: 'Blue Whales' });
    expect(created.status).toBe(201);
    const blue = Team.parse(created.body);
    expect(blue).toMatchObject({ teamId: 'Blue Whales', name: 'Blue Whales' });
    expect(ackData(await gm.request('team:create', { name: 'blue whales' }))).toEqual(blue);

    expect((await api(server.url, 'GET', '/api/teams')).body).toEqual([red, blue]);
    const [update] = await witness.waitFor('state:update', (e) => e.data.teams.length === 2);
    expect(update!.data.teams).toEqual([red, blue]);
    // Registered teams are on the board with nothing yet.
    expect(update!.data.scores).toEqual([
      expect.objectContaining({ teamId: 'Blue Whales', name: 'Blue Whales', currentScore: 0, adjustmentPoints: 0, tokensScanned: 0 }),
      expect.objectContaining({ teamId: 'Red Herrings', name: 'Red Herrings', currentScore: 0, adjustmentPoints: 0, tokensScanned: 0 }),
    ]);

    // A scan names the team by its name in any case; it is the registered team's.
    expect(await gm.submit('tok001', 'red herrings')).toMatchObject({ teamId: 'Red Herrings', status: 'accepted' });
    // An unregistered team is registered by a duplicate, never by an unknown token.
    expect(await gm.submit('no-such-token', 'Green')).toMatchObject({ teamId: 'Green', status: 'rejected' });
    expect(server.orchestrator.show.state().teams).toEqual([red, blue]);
    expect(await gm.submit('tok001', 'Green')).toMatchObject({ teamId: 'Green', status: 'duplicate' });
    expect(server.orchestrator.show.state().teams.map((t) => t.teamId)).toEqual(['Red Herrings', 'Blue Whales', 'Green']);

    const before = gameOf(server);
    for (const name of ['', '   ', 'x'.repeat(65)]) {
      expect(await gm.request('team:create', { name }), JSON.stringify(name)).toMatchObject({ ok: false, error: { code: 'INVALID_DATA' } });
      expect(refusal(await post('/api/teams', token, { name })), JSON.stringify(name)).toEqual({ status: 400, code: 'INVALID_DATA' });
    }
    expect(refusal(await post('/api/teams', token, {}))).toEqual({ status: 400, code: 'INVALID_DATA' });
    expect(gameOf(server)).toEqual(before);
    expect((await post('/api/teams', token, { name: 'y'.repeat(64) })).status).toBe(201);
  });

  it('renames a team (PATCH /api/teams/:teamId): its id stays, its new name resolves, a taken name is CONFLICT', async () => {
    server = await startTestServer();
    const token = await server.adminToken();
    const [gm, witness] = await open(station(server.url, 'GM_A'), station(server.url, 'GM_W'));
    okBody(await post('/api/teams', token, { name: 'Red Herrings' }), 'register');
    okBody(await post('/api/teams', token, { name: 'Blue Whales' }), 'register');
    await gm.submit('tok003', 'Red Herrings');

    const renamed = await api(server.url, 'PATCH', `/api/teams/${encodeURIComponent('Red Herrings')}`, { token, body: { name: ' Crimson  Herrings ' } });
    expect(renamed).toMatchObject({ status: 200, body: { teamId: 'Red Herrings', name: 'Crimson Herrings' } });
    expect(await scoreSeen(witness, 'Red Herrings', { name: 'Crimson Herrings' })).toMatchObject({ currentScore: 250_000 });
    expect(server.orchestrator.show.state().teams.map((t) => [t.teamId, t.name])).toEqual([
      ['Red Herrings', 'Crimson Herrings'],
      ['Blue Whales', 'Blue Whales'],
    ]);
    // Its new name, in any case, and its id both find it.
    expect(await gm.submit('tok001', 'crimson herrings')).toMatchObject({ teamId: 'Red Herrings', status: 'accepted' });
    expect(await gm.submit('tok002', 'Red Herrings')).toMatchObject({ teamId: 'Red Herrings', status: 'accepted' });

    const before = gameOf(server);
    const blue = `/api/teams/${encodeURIComponent('Blue Whales')}`;
    expect(refusal(await api(server.url, 'PATCH', blue, { token, body: { name: 'CRIMSON herrings' } }))).toEqual({ status: 409, code: 'CONFLICT' });
    expect(refusal(await api(server.url, 'PATCH', '/api/teams/Nobody', { token, body: { name: 'Somebody' } }))).toEqual({ status: 404, code: 'NOT_FOUND' });
    expect(refusal(await api(server.url, 'PATCH', blue, { token, body: { name: ' ' } }))).toEqual({ status: 400, code: 'INVALID_DATA' });
    expect(gameOf(server)).toEqual(before);

    const exported = SessionExport.parse(okBody(await api(server.url, 'GET', `/api/sessions/${before.state.sessionId}/export`, { token }), 'export'));
    expect(exported.corrections).toEqual([
      { id: anyId, sessionId: before.state.sessionId, kind: 'rename', at: anyTimestamp, by: 'admin', teamId: 'Red Herrings', name: 'Crimson Herrings', previousName: 'Red Herrings' },
    ]);
    expect(exported.teams.map((t) => [t.teamId, t.name])).toEqual([
      ['Red Herrings', 'Crimson Herrings'],
      ['Blue Whales', 'Blue Whales'],
    ]);
  });
});

describe('voiding and reassigning', () => {
  it('voids from admin: the token is free again, a rescan for the right team is accepted, the Pair bonus follows the tokens', async () => {
    server = await startTestServer();
    const token = await server.adminToken();
    const [gm, witness, admin] = await open(station(server.url, 'GM_A'), station(server.url, 'GM_W'), connect(server.url, { token }));

    const pair01 = await gm.submit('pair01', 'Red');
    expect(pair01.groupCompleted).toBeUndefined();
    const pair02 = await gm.submit('pair02', 'Red');
    // The scan that completes a group says so, in its ack and in transaction:new.
    expect(pair02).toMatchObject({ status: 'accepted', points: 125_000, groupCompleted: { group: 'Pair', bonusPoints: PAIR_BONUS } });
    for (const peer of [witness, admin]) {
      const [seen] = await peer.waitFor('transaction:new', (e) => e.data.id === pair02.id);
      expect(seen!.data).toEqual(pair02);
    }
    expect(await scoreSeen(witness, 'Red', { currentScore: 350_000 })).toMatchObject({ bonusPoints: PAIR_BONUS, completedGroups: ['Pair'] });
    expect(await gm.submit('pair02', 'Blue')).toMatchObject({ status: 'duplicate', points: 0 });

    const voided = await voidOf(pair02.id, token, 'scanned for the wrong team');
    expect(voided.status).toBe(200);
    expect(Transaction.parse(voided.body)).toEqual({ ...pair02, voided: { at: anyTimestamp, reason: 'scanned for the wrong team', by: 'admin' } });
    for (const peer of [witness, admin]) {
      const [updated] = await peer.waitFor('transaction:updated', (e) => e.data.transaction.id === pair02.id);
      expect(updated!.data.transaction).toEqual(voided.body);
    }
    expect(await scoreSeen(witness, 'Red', { currentScore: 50_000 })).toMatchObject({ bonusPoints: 0, completedGroups: [], tokensScanned: 1 });
    // The log keeps the transaction as it was recorded; the void is a correction beside it.
    const sessionId = pair02.sessionId;
    expect(server.store.transactions(sessionId).find((t) => t.id === pair02.id)).not.toHaveProperty('voided');
    expect(server.store.corrections(sessionId)).toMatchObject([{ kind: 'void', transactionId: pair02.id, by: 'admin' }]);

    // Blue's earlier duplicate does not stand in the way: a new scan of the freed token is judged afresh.
    const rescan = await gm.submit('pair02', 'Blue', 'GM_A');
    expect(rescan).toMatchObject({ status: 'accepted', teamId: 'Blue', points: 125_000 });
    expect(rescan.groupCompleted).toBeUndefined();

    // And back the other way: Red loses pair01, Blue gains it and with it the group.
    okBody(await voidOf(pair01.id, token, 'Blue had it'), 'void pair01');
    const regained = await gm.submit('pair01', 'Blue');
    expect(regained).toMatchObject({ status: 'accepted', groupCompleted: { group: 'Pair', bonusPoints: PAIR_BONUS } });
    expect(await scoreSeen(witness, 'Blue', { currentScore: 350_000 })).toMatchObject({ bonusPoints: PAIR_BONUS, completedGroups: ['Pair'], tokensScanned: 2 });
    expect(scoreOf(server.orchestrator.show.state().scores, 'Red')).toMatchObject({ currentScore: 0, bonusPoints: 0, tokensScanned: 0 });
    const recent = server.orchestrator.show.state().recentTransactions;
    expect(recent.filter((t) => t.voided).map((t) => t.id)).toEqual([pair01.id, pair02.id]);
  });

  it('reassigns: one transaction:updated and one transaction:new reach another station and admin, scores follow', async () => {
    server = await startTestServer();
    const token = await server.adminToken();
    const [gm, witness, admin] = await open(station(server.url, 'GM_A'), station(server.url, 'GM_W'), connect(server.url, { token }));
    okBody(await post('/api/teams', token, { name: 'Red Herrings' }), 'register');
    okBody(await post('/api/teams', token, { name: 'Blue Whales' }), 'register');
    const original = await gm.submit('tok003', 'Red Herrings');

    const reply = await post(`/api/transactions/${original.id}/reassign`, token, { teamId: 'blue whales', reason: 'wrong team picked' });
    expect(reply.status).toBe(200);
    const { voided, transaction } = ReassignResponse.parse(reply.body);
    expect(voided).toEqual({ ...original, voided: { at: anyTimestamp, reason: 'wrong team picked', by: 'admin' } });
    expect(transaction).toEqual({
      id: anyId,
      tokenId: 'tok003',
      teamId: 'Blue Whales',
      scannerId: 'GM_A',
      sessionId: original.sessionId,
      timestamp: anyTimestamp,
      status: 'accepted',
      points: 250_000,
    });
    expect(transaction.id).not.toBe(original.id);

    for (const peer of [witness, admin]) {
      await scoreSeen(peer, 'Blue Whales', { currentScore: 250_000 });
      // Both events came before the state:update that reflects them, each exactly once, in this order.
      const updated = peer.received.filter((e) => e.event === 'transaction:updated');
      const added = peer.of('transaction:new').filter((e) => e.data.id === transaction.id);
      expect(updated.map((e) => e.data)).toEqual([{ transaction: voided }]);
      expect(added.map((e) => e.data)).toEqual([transaction]);
      expect(peer.received.indexOf(updated[0]!)).toBeLessThan(peer.received.indexOf(added[0]!));
      const last = peer.of('state:update').at(-1)!.data;
      expect(scoreOf(last.scores, 'Red Herrings')).toMatchObject({ currentScore: 0, tokensScanned: 0 });
      expect(last.recentTransactions.map((t) => [t.id, t.voided?.reason])).toEqual([
        [original.id, 'wrong team picked'],
        [transaction.id, undefined],
      ]);
    }

    // A reassignment that completes a group says so on its transaction:new.
    await gm.submit('pair01', 'Blue Whales');
    const pair02 = await gm.submit('pair02', 'Red Herrings');
    const completing = ReassignResponse.parse(okBody(await post(`/api/transactions/${pair02.id}/reassign`, token, { teamId: 'Blue Whales', reason: 'Blue scanned it' }), 'reassign'));
    expect(completing.transaction.groupCompleted).toEqual({ group: 'Pair', bonusPoints: PAIR_BONUS });
    const [seen] = await witness.waitFor('transaction:new', (e) => e.data.id === completing.transaction.id);
    expect(seen!.data.groupCompleted).toEqual({ group: 'Pair', bonusPoints: PAIR_BONUS });
    expect(await scoreSeen(witness, 'Blue Whales', { completedGroups: ['Pair'] })).toMatchObject({ currentScore: 250_000 + 50_000 + 125_000 + PAIR_BONUS });

    const before = gameOf(server);
    const reassign = (id: string, body: unknown) => post(`/api/transactions/${encodeURIComponent(id)}/reassign`, token, body);
    expect(refusal(await reassign(original.id, { teamId: 'Red Herrings', reason: 'again' }))).toEqual({ status: 409, code: 'CONFLICT' });
    expect(refusal(await reassign(transaction.id, { teamId: 'BLUE WHALES', reason: 'same team' }))).toEqual({ status: 409, code: 'CONFLICT' });
    expect(refusal(await reassign(transaction.id, { teamId: 'Nobody', reason: 'unregistered' }))).toEqual({ status: 404, code: 'NOT_FOUND' });
    expect(refusal(await reassign('no-such-transaction', { teamId: 'Red Herrings', reason: 'unknown' }))).toEqual({ status: 404, code: 'NOT_FOUND' });
    expect(refusal(await reassign(transaction.id, { teamId: 'Red Herrings' }))).toEqual({ status: 400, code: 'INVALID_DATA' });
    expect(gameOf(server)).toEqual(before);
  });

  it("adjusts a team's score with a signed number of points, kept as adjustmentPoints", async () => {
    server = await startTestServer();
    const token = await server.adminToken();
    const [gm, witness] = await open(station(server.url, 'GM_A'), station(server.url, 'GM_W'));
    okBody(await post('/api/teams', token, { name: 'Red Herrings' }), 'register');
    okBody(await post('/api/teams', token, { name: 'Blue Whales' }), 'register');
    await gm.submit('tok003', 'Red Herrings');

    const reply = await post('/api/scores/adjust', token, { teamId: 'red herrings', points: -75_000, reason: 'phone out during the game' });
    expect(reply.status).toBe(200);
    const { correction, score } = ScoreAdjustResponse.parse(reply.body);
    expect(correction).toEqual({
      id: anyId,
      sessionId: server.orchestrator.show.session!.id,
      kind: 'adjust',
      at: anyTimestamp,
      by: 'admin',
      reason: 'phone out during the game',
      teamId: 'Red Herrings',
      points: -75_000,
    });
    expect(score).toMatchObject({ teamId: 'Red Herrings', currentScore: 175_000, adjustmentPoints: -75_000, tokensScanned: 1, bonusPoints: 0 });
    expect(await scoreSeen(witness, 'Red Herrings', { adjustmentPoints: -75_000 })).toEqual(score);

    const second = ScoreAdjustResponse.parse(okBody(await post('/api/scores/adjust', token, { teamId: 'Red Herrings', points: 10_000, reason: 'helped the crew' }), 'adjust'));
    expect(second.score).toMatchObject({ currentScore: 185_000, adjustmentPoints: -65_000 });
    // A team with nothing can go below zero; the board stays ordered by score.
    const penalised = ScoreAdjustResponse.parse(okBody(await post('/api/scores/adjust', token, { teamId: 'Blue Whales', points: -75_000, reason: 'penalty' }), 'adjust'));
    expect(penalised.score).toMatchObject({ currentScore: -75_000, adjustmentPoints: -75_000, tokensScanned: 0 });
    const [update] = await witness.waitFor('state:update', (e) => scoreOf(e.data.scores, 'Blue Whales')?.currentScore === -75_000);
    expect(update!.data.scores.map((s) => [s.teamId, s.currentScore, s.adjustmentPoints])).toEqual([
      ['Red Herrings', 185_000, -65_000],
      ['Blue Whales', -75_000, -75_000],
    ]);
    expect(server.store.corrections(correction.sessionId).map((c) => [c.kind, c.teamId, c.points])).toEqual([
      ['adjust', 'Red Herrings', -75_000],
      ['adjust', 'Red Herrings', 10_000],
      ['adjust', 'Blue Whales', -75_000],
    ]);
  });
});

describe('transaction:void from a station', () => {
  it("undoes the station's own transaction; another station's is FORBIDDEN and changes nothing", async () => {
    server = await startTestServer();
    const [a, b] = await open(station(server.url, 'GM_A'), station(server.url, 'GM_B'));
    const mine = await a.submit('tok001', 'Red');
    const theirs = await b.submit('tok002', 'Blue');
    const duplicate = await a.submit('tok002', 'Green');
    const rejected = await a.submit('no-such-token', 'Red');
    expect([duplicate.status, rejected.status]).toEqual(['duplicate', 'rejected']);
    await scoreSeen(b, 'Green', { currentScore: 0 });

    const before = gameOf(server);
    const forbidden = await b.request('transaction:void', { transactionId: mine.id, reason: 'not mine to undo' });
    expect(forbidden).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const [error] = await b.waitFor('error', (e) => e.data.code === 'FORBIDDEN');
    expect(error!.data.message).toContain('GM_A');
    expect(gameOf(server)).toEqual(before);

    const undone = await a.request('transaction:void', { transactionId: mine.id, reason: 'wrong team' });
    const voided = Transaction.parse(ackData(undone));
    expect(voided).toEqual({ ...mine, voided: { at: anyTimestamp, reason: 'wrong team', by: 'GM_A' } });
    const [updated] = await b.waitFor('transaction:updated');
    expect(updated!.data.transaction).toEqual(voided);
    expect(await scoreSeen(b, 'Red', { currentScore: 0 })).toMatchObject({ tokensScanned: 0 });
    // The refused attempt told nobody anything.
    expect(a.of('transaction:updated').map((e) => e.data.transaction.id)).toEqual([mine.id]);
    expect(b.of('transaction:updated')).toHaveLength(1);

    const afterVoid = gameOf(server);
    const tries: [Peer, unknown, string][] = [
      [a, { transactionId: mine.id, reason: 'again' }, 'CONFLICT'],
      [b, { transactionId: mine.id, reason: 'still not mine' }, 'FORBIDDEN'],
      [a, { transactionId: duplicate.id, reason: 'a duplicate never counted' }, 'CONFLICT'],
      [a, { transactionId: rejected.id, reason: 'a rejection never counted' }, 'CONFLICT'],
      [a, { transactionId: 'no-such-transaction', reason: 'unknown' }, 'NOT_FOUND'],
      [a, { transactionId: theirs.id }, 'INVALID_DATA'],
      [a, { transactionId: theirs.id, reason: '   ' }, 'INVALID_DATA'],
      [a, { transactionId: theirs.id, reason: 'r'.repeat(201) }, 'INVALID_DATA'],
      [a, { reason: 'no id' }, 'INVALID_DATA'],
    ];
    for (const [peer, payload, code] of tries) {
      expect(await peer.request('transaction:void', payload), JSON.stringify(payload)).toMatchObject({ ok: false, error: { code } });
    }
    expect(gameOf(server)).toEqual(afterVoid);

    // Identifying comes first.
    const [stranger] = await open(connect(server.url));
    expect(await stranger.request('transaction:void', { transactionId: theirs.id, reason: 'who am I' })).toMatchObject({ ok: false, error: { code: 'AUTH_REQUIRED' } });
    expect(gameOf(server)).toEqual(afterVoid);
  });
});

describe('refusals', () => {
  it('answers bad corrections with a clear code and changes nothing', async () => {
    server = await startTestServer();
    const token = await server.adminToken();
    const [gm] = await open(station(server.url, 'GM_A'));
    okBody(await post('/api/teams', token, { name: 'Red Herrings' }), 'register');
    okBody(await post('/api/teams', token, { name: 'Blue Whales' }), 'register');
    const accepted = await gm.submit('tok003', 'Red Herrings');
    const duplicate = await gm.submit('tok003', 'Blue Whales');
    const rejected = await gm.submit('no-such-token', 'Red Herrings');
    const voided = await gm.submit('tok001', 'Red Herrings');
    okBody(await voidOf(voided.id, token, 'scanned by mistake'), 'void');

    const before = gameOf(server);
    const tx = (id: string, action: string) => `/api/transactions/${encodeURIComponent(id)}/${action}`;
    const cases: [string, string, unknown, number, string][] = [
      ['POST', tx(accepted.id, 'void'), {}, 400, 'INVALID_DATA'],
      ['POST', tx(accepted.id, 'void'), { reason: '' }, 400, 'INVALID_DATA'],
      ['POST', tx(accepted.id, 'void'), { reason: 'r'.repeat(201) }, 400, 'INVALID_DATA'],
      ['POST', tx(accepted.id, 'void'), { reason: 42 }, 400, 'INVALID_DATA'],
      ['POST', tx('no-such-transaction', 'void'), { reason: 'unknown' }, 404, 'NOT_FOUND'],
      ['POST', tx(voided.id, 'void'), { reason: 'twice' }, 409, 'CONFLICT'],
      ['POST', tx(duplicate.id, 'void'), { reason: 'never counted' }, 409, 'CONFLICT'],
      ['POST', tx(rejected.id, 'void'), { reason: 'never counted' }, 409, 'CONFLICT'],
      ['POST', tx(accepted.id, 'reassign'), { reason: 'no team' }, 400, 'INVALID_DATA'],
      ['POST', tx(accepted.id, 'reassign'), { teamId: 'Blue Whales' }, 400, 'INVALID_DATA'],
      ['POST', tx(accepted.id, 'reassign'), { teamId: 'Nobody', reason: 'unregistered' }, 404, 'NOT_FOUND'],
      ['POST', tx(voided.id, 'reassign'), { teamId: 'Blue Whales', reason: 'voided' }, 409, 'CONFLICT'],
      ['POST', tx('no-such-transaction', 'reassign'), { teamId: 'Blue Whales', reason: 'unknown' }, 404, 'NOT_FOUND'],
      ['POST', '/api/scores/adjust', { teamId: 'Red Herrings', points: 0, reason: 'nothing' }, 400, 'INVALID_DATA'],
      ['POST', '/api/scores/adjust', { teamId: 'Red Herrings', points: 1.5, reason: 'a fraction' }, 400, 'INVALID_DATA'],
      ['POST', '/api/scores/adjust', { teamId: 'Red Herrings', points: '1000', reason: 'text' }, 400, 'INVALID_DATA'],
      ['POST', '/api/scores/adjust', { teamId: 'Red Herrings', points: 100_000_001, reason: 'too much' }, 400, 'INVALID_DATA'],
      ['POST', '/api/scores/adjust', { teamId: 'Red Herrings', points: 1000 }, 400, 'INVALID_DATA'],
      ['POST', '/api/scores/adjust', { teamId: 'Red Herrings', points: 1000, reason: 'r'.repeat(201) }, 400, 'INVALID_DATA'],
      ['POST', '/api/scores/adjust', { teamId: 'Nobody', points: 1000, reason: 'unregistered' }, 404, 'NOT_FOUND'],
      ['POST', '/api/teams', { name: 'x'.repeat(65) }, 400, 'INVALID_DATA'],
      ['PATCH', '/api/teams/Nobody', { name: 'Somebody' }, 404, 'NOT_FOUND'],
      ['PATCH', `/api/teams/${encodeURIComponent('Blue Whales')}`, { name: 'red herrings' }, 409, 'CONFLICT'],
      ['PATCH', `/api/teams/${encodeURIComponent('Blue Whales')}`, {}, 400, 'INVALID_DATA'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const reply = await api(server.url, method, path, { token, body });
      const what = `${method} ${path} ${JSON.stringify(body).slice(0, 60)}`;
      expect(refusal(reply), what).toEqual({ status, code });
      expect((reply.body as { message?: string }).message, what).toMatch(/\w/);
      expect(reply.text, what).not.toMatch(/at .*\.(js|ts):\d+/);
    }
    expect(gameOf(server)).toEqual(before);

    // The limits themselves are allowed: a 200-character reason.
    const longest = Transaction.parse(okBody(await voidOf(accepted.id, token, 'r'.repeat(200)), 'a 200-character reason'));
    expect(longest.voided?.reason).toHaveLength(200);
  });

  it('needs the admin token for every correction (401) and the station token for the team list', async () => {
    server = await startTestServer({ stationToken: 'station-secret' });
    const adminToken = await server.adminToken();
    const [gm] = await open(station(server.url, 'GM_A', { token: 'station-secret' }));
    okBody(await post('/api/teams', adminToken, { name: 'Red Herrings' }), 'register');
    const accepted = await gm.submit('tok003', 'Red Herrings');

    const before = gameOf(server);
    const routes: [string, string, unknown][] = [
      ['POST', '/api/teams', { name: 'Blue Whales' }],
      ['PATCH', `/api/teams/${encodeURIComponent('Red Herrings')}`, { name: 'Crimson' }],
      ['POST', `/api/transactions/${accepted.id}/void`, { reason: 'no login' }],
      ['POST', `/api/transactions/${accepted.id}/reassign`, { teamId: 'Red Herrings', reason: 'no login' }],
      ['POST', '/api/scores/adjust', { teamId: 'Red Herrings', points: -1, reason: 'no login' }],
    ];
    for (const [method, path, body] of routes) {
      expect(refusal(await api(server.url, method, path, { body })), `${method} ${path}`).toEqual({ status: 401, code: 'AUTH_REQUIRED' });
      expect(refusal(await api(server.url, method, path, { body, token: 'station-secret' })), `${method} ${path} (station token)`).toEqual({ status: 401, code: 'INVALID_TOKEN' });
    }
    expect(gameOf(server)).toEqual(before);

    expect(refusal(await api(server.url, 'GET', '/api/teams'))).toEqual({ status: 401, code: 'AUTH_REQUIRED' });
    for (const token of ['station-secret', adminToken]) {
      expect(await api(server.url, 'GET', '/api/teams', { token })).toMatchObject({ status: 200, body: before.state.teams });
    }
  });
});

describe('the export', () => {
  it('keeps who, when, what and why of every correction; the CSV leaderboard has the adjustment', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 27, 20, 0, 0));
    server = await startTestServer({ clock });
    // Each step a second later, so every correction has its own time (the clock's timers are real).
    const step = () => clock.advance(1000);
    const token = await server.adminToken();
    const [gm] = await open(station(server.url, 'GM_A'));
    const sessionId = server.orchestrator.show.session!.id;
    okBody(await post('/api/teams', token, { name: 'Red Herrings' }), 'register');
    ackData(await gm.request('team:create', { name: 'Blue Whales' }));
    const tok001 = await gm.submit('tok001', 'Red Herrings');
    const tok003 = await gm.submit('tok003', 'Red Herrings');
    const pair01 = await gm.submit('pair01', 'Blue Whales');

    step();
    okBody(await api(server.url, 'PATCH', `/api/teams/${encodeURIComponent('Blue Whales')}`, { token, body: { name: 'Azure Whales' } }), 'rename');
    step();
    okBody(await voidOf(tok001.id, token, 'scanned twice'), 'void');
    step();
    const { transaction: moved } = ReassignResponse.parse(okBody(await post(`/api/transactions/${tok003.id}/reassign`, token, { teamId: 'azure whales', reason: 'wrong team picked' }), 'reassign'));
    step();
    okBody(await post('/api/scores/adjust', token, { teamId: 'Red Herrings', points: -75_000, reason: 'phone out' }), 'adjust');
    step();
    okBody(await api(server.url, 'PATCH', '/api/session/clock', { token, body: { plannedMinutes: 45 } }), 'clock');
    step();
    ackData(await gm.request('transaction:void', { transactionId: pair01.id, reason: 'wrong token' }));

    const exported = SessionExport.parse(okBody(await api(server.url, 'GET', `/api/sessions/${sessionId}/export?format=json`, { token }), 'export'));
    const at = (seconds: number) => new Date(Date.UTC(2026, 10, 27, 20, 0, seconds)).toISOString();
    expect(exported.corrections).toEqual([
      { id: anyId, sessionId, kind: 'rename', at: at(1), by: 'admin', teamId: 'Blue Whales', name: 'Azure Whales', previousName: 'Blue Whales' },
      { id: anyId, sessionId, kind: 'void', at: at(2), by: 'admin', reason: 'scanned twice', transactionId: tok001.id },
      { id: anyId, sessionId, kind: 'reassign', at: at(3), by: 'admin', reason: 'wrong team picked', transactionId: tok003.id, teamId: 'Blue Whales', newTransactionId: moved.id },
      { id: anyId, sessionId, kind: 'adjust', at: at(4), by: 'admin', reason: 'phone out', teamId: 'Red Herrings', points: -75_000 },
      { id: anyId, sessionId, kind: 'clock', at: at(5), by: 'admin', plannedMinutes: 45 },
      { id: anyId, sessionId, kind: 'void', at: at(6), by: 'GM_A', reason: 'wrong token', transactionId: pair01.id },
    ]);
    expect(exported.teams).toEqual([
      { teamId: 'Red Herrings', name: 'Red Herrings', createdAt: at(0) },
      { teamId: 'Blue Whales', name: 'Azure Whales', createdAt: at(0) },
    ]);
    expect(exported.transactions.map((t) => [t.tokenId, t.teamId, t.voided?.by, t.voided?.reason])).toEqual([
      ['tok001', 'Red Herrings', 'admin', 'scanned twice'],
      ['tok003', 'Red Herrings', 'admin', 'wrong team picked'],
      ['pair01', 'Blue Whales', 'GM_A', 'wrong token'],
      ['tok003', 'Blue Whales', undefined, undefined],
    ]);
    expect(exported.scores.map((s) => [s.teamId, s.name, s.currentScore, s.adjustmentPoints])).toEqual([
      ['Blue Whales', 'Azure Whales', 250_000, 0],
      ['Red Herrings', 'Red Herrings', -75_000, -75_000],
    ]);
    expect(exported.scores).toEqual(server.orchestrator.show.state().scores);

    const csv = await api(server.url, 'GET', `/api/sessions/${sessionId}/export?format=csv`, { token });
    expect(csv.status).toBe(200);
    const tables = csv.text.split('\n\n').map((table) => table.trim().split('\n'));
    expect(tables).toHaveLength(3);
    const [transactions = [], leaderboard, corrections = []] = tables;
    expect(transactions).toHaveLength(1 + 4);
    expect(transactions[1]).toBe(`${at(0)},${tok001.id},Red Herrings,tok001,GM_A,accepted,10000,,${at(2)},scanned twice`);
    expect(leaderboard).toEqual([
      'rank,teamId,name,score,tokensScanned,bonusPoints,adjustmentPoints,completedGroups',
      '1,Blue Whales,Azure Whales,250000,1,0,0,',
      '2,Red Herrings,Red Herrings,-75000,0,0,-75000,',
    ]);
    expect(corrections).toEqual([
      'at,kind,by,reason,transactionId,teamId,points,newTransactionId,name',
      `${at(1)},rename,admin,,,Blue Whales,,,Azure Whales`,
      `${at(2)},void,admin,scanned twice,${tok001.id},,,,`,
      `${at(3)},reassign,admin,wrong team picked,${tok003.id},Blue Whales,,${moved.id},`,
      `${at(4)},adjust,admin,phone out,,Red Herrings,-75000,,`,
      `${at(5)},clock,admin,,,,,,planned 45 min`,
      `${at(6)},void,GM_A,wrong token,${pair01.id},,,,`,
    ]);
  });
});

import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Transaction, type AckResponse, type TeamScore } from '../../src/contract/index.js';
import { contractRateLimits } from '../../src/contract/rate-limits.js';
import { bounded, prng, seedFrom, sleep } from '../support/reliability.js';
import { identifiedStation, serverGone, sessionSnapshot, sigkill, spawnedServersPerFile } from '../support/spawned-server.js';
import { writeGeneratedTokens } from '../../scripts/lib/generated-tokens.js';

/**
 * The proof that an acknowledged transaction survives `kill -9`: the built server runs as a
 * real child process, GM stations load it, it is killed mid-load, and the restarted server's
 * export must hold every transaction it acknowledged, unchanged.
 *
 * The kill moment comes from a seeded PRNG. Set DURABILITY_SEED to replay a failing run.
 */

const ADMIN_PASSWORD = 'kill-nine-survivor';
const TOKEN_COUNT = 2000;
/** GM stations loading the server, station i submitting for team-(i % TEAMS + 1). */
const PEERS = 8;
const TEAMS = 4;
const SUBMIT_LIMIT = contractRateLimits['transaction:submit']!;
/** Each peer at 80% of the contract's submit limit per connection (8 a second), so nothing is RATE_LIMITED. */
const SUBMIT_EVERY_MS = SUBMIT_LIMIT.perMs / (SUBMIT_LIMIT.count * 0.8);
const ROUNDS = 3;
const STEP_TIMEOUT_MS = 10_000;

const tokenIdOf = (n: number) => `kt${String(n).padStart(4, '0')}`;

/** A show of TOKEN_COUNT ungrouped tokens, so a team's score is the plain sum of its accepted points. */
function writeTokensFile(file: string): void {
  writeGeneratedTokens(file, TOKEN_COUNT, tokenIdOf);
}

const servers = spawnedServersPerFile('orchestrator-kill9-');
const sockets = servers.sockets;

/** The built server on the test's data, without mpv: this test is about the store, and an mpv child would outlive each SIGKILLed server. */
const spawnServer = () => servers.spawn({ DATA_DIR: join(servers.dir, 'data'), TOKENS_FILE: join(servers.dir, 'tokens.json'), ADMIN_PASSWORD });

const exportCurrentSession = (url: string) => sessionSnapshot(url, ADMIN_PASSWORD, STEP_TIMEOUT_MS);

/** Team scores as the game defines them for ungrouped tokens: the sum of accepted points. */
function scoresFromLog(transactions: Transaction[]) {
  const teams = new Map<string, { currentScore: number; tokensScanned: number }>();
  for (const t of transactions) {
    const team = teams.get(t.teamId) ?? { currentScore: 0, tokensScanned: 0 };
    if (t.status === 'accepted') {
      team.currentScore += t.points;
      team.tokensScanned += 1;
    }
    teams.set(t.teamId, team);
  }
  return [...teams.entries()]
    .map(([teamId, team]) => ({ teamId, ...team, bonusPoints: 0 }))
    .sort((a, b) => a.teamId.localeCompare(b.teamId));
}

const scoreSummary = (scores: TeamScore[]) =>
  scores
    .map(({ teamId, currentScore, tokensScanned, bonusPoints }) => ({ teamId, currentScore, tokensScanned, bonusPoints }))
    .sort((a, b) => a.teamId.localeCompare(b.teamId));

beforeAll(() => {
  writeTokensFile(join(servers.dir, 'tokens.json'));
});

describe('the built server under kill -9', () => {
  it('keeps every acknowledged transaction, once and unchanged, across three kill/restart cycles', async () => {
    const baseSeed = seedFrom('DURABILITY_SEED', 'kill -9 durability');
    /** Every acknowledged transaction of every round, by id. */
    const acknowledged = new Map<string, Transaction>();
    const rejectedAcks: string[] = [];
    let nextToken = 0;
    let unknownCount = 0;
    /** Tokens accepted for some team, resubmitted by another team to earn a `duplicate`. */
    const claimed: Transaction[] = [];
    let nextClaimed = 0;

    let server = await spawnServer();
    const { sessionId } = await exportCurrentSession(server.url);

    for (let round = 1; round <= ROUNDS; round += 1) {
      const seed = (baseSeed + round) >>> 0;
      const random = prng(seed);
      const killAfterMs = 300 + Math.floor(random() * 1200);
      const context = `round ${round}, seed ${seed}, kill after ${killAfterMs} ms`;
      const ackedBefore = acknowledged.size;
      let submitted = 0;
      let answered = 0;

      const stations = Array.from({ length: PEERS }, (_, i) => `KILL_GM_${i + 1}`);
      const identified = await Promise.all(stations.map((stationId) => identifiedStation(server.url, stationId, sockets, STEP_TIMEOUT_MS)));
      expect(
        identified.map((station) => station.identified.sessionId),
        context,
      ).toEqual(stations.map(() => sessionId));
      const roundSockets = identified.map((station) => station.socket);

      let killed = false;
      const load = roundSockets.map(async (socket, i) => {
        const scannerId = stations[i] ?? 'scanner';
        const teamId = `team-${(i % TEAMS) + 1}`;
        // Staggered starts spread the submits over the period, so the kill more often finds
        // one in flight than if all peers fired on the same tick.
        await sleep((i * SUBMIT_EVERY_MS) / PEERS);
        for (let n = 0; !killed; n += 1) {
          // Mostly fresh tokens, with an unknown token (rejected) and a token another team
          // already holds (duplicate) mixed in, so every status has to survive the kill.
          let tokenId: string;
          const stolen = claimed[nextClaimed];
          // Offset per peer, so even a short round has some of each.
          if ((n + i) % 8 === 7) tokenId = `unknown-${(unknownCount += 1)}`;
          else if ((n + i) % 4 === 2 && stolen !== undefined && stolen.teamId !== teamId) {
            nextClaimed += 1;
            tokenId = stolen.tokenId;
          } else tokenId = tokenIdOf((nextToken += 1));
          submitted += 1;
          socket.emit('transaction:submit', { tokenId, teamId, scannerId }, (ack: AckResponse) => {
            answered += 1;
            if (!ack.ok) {
              rejectedAcks.push(`${ack.error.code}: ${ack.error.message}`);
              return;
            }
            const transaction = Transaction.parse(ack.data);
            acknowledged.set(transaction.id, transaction);
            if (transaction.status === 'accepted') claimed.push(transaction);
          });
          await sleep(SUBMIT_EVERY_MS);
        }
      });

      await sleep(killAfterMs);
      sigkill(server);
      killed = true;
      // Acks the server wrote before it died may still be in flight: take them all.
      await serverGone(server, roundSockets, STEP_TIMEOUT_MS);
      await bounded(Promise.all(load), STEP_TIMEOUT_MS, 'the load loops to stop');
      for (const socket of roundSockets) socket.disconnect();
      console.log(
        `kill -9 durability: ${context}: ${submitted} submitted, ${answered} answered, ` +
          `${submitted - answered} unanswered at the kill; ${acknowledged.size} acknowledged in all`,
      );

      expect(rejectedAcks, context).toEqual([]);
      expect(acknowledged.size, `${context}: no ack before the kill, the round proves nothing`).toBeGreaterThan(ackedBefore);

      server = await spawnServer();
      const after = await exportCurrentSession(server.url);
      expect(after.sessionId, `${context}: the active session is resumed`).toBe(sessionId);
      expect(after.exported.session.id, context).toBe(sessionId);

      const exportedIds = after.exported.transactions.map((t) => t.id);
      expect(new Set(exportedIds).size, `${context}: an id appears twice in the export`).toBe(exportedIds.length);
      const exportedById = new Map(after.exported.transactions.map((t) => [t.id, t]));
      const lost = [...acknowledged.values()].filter((t) => !exportedById.has(t.id));
      expect(lost, `${context}: acknowledged but missing after kill -9`).toEqual([]);
      for (const transaction of acknowledged.values()) {
        expect(exportedById.get(transaction.id), `${context}: transaction ${transaction.id}`).toEqual(transaction);
      }

      const recomputed = scoresFromLog(after.exported.transactions);
      expect(scoreSummary(after.exported.scores), `${context}: export scores vs its own log`).toEqual(recomputed);
      expect(scoreSummary(after.state.scores), `${context}: live scores after restart vs the log`).toEqual(recomputed);
    }

    const statuses = new Set([...acknowledged.values()].map((t) => t.status));
    console.log(`kill -9 durability: statuses acknowledged: ${[...statuses].join(', ')}`);
    expect(statuses.has('accepted')).toBe(true);
  }, 120_000);
});

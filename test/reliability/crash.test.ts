import Database from 'better-sqlite3';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Transaction, type AckResponse, type GameState, type Team, type TeamScore } from '../../src/contract/index.js';
import { loadScoringRules, loadTokenCatalog } from '../../src/adapters/show-files.js';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import type { StoredCorrection } from '../../src/ports/store.js';
import { SessionLedger } from '../../src/domain/session-ledger.js';
import type { TokenCatalog } from '../../src/domain/token-catalog.js';
import type { ClientSocket } from '../support/harness.js';
import { bounded, prng, seedFrom, showTokenId, sleep, writeShowTokens } from '../support/reliability.js';
import { connected, identified, serverGone, sessionSnapshot, sigkill, spawnedServersPerFile, stationSocket } from '../support/spawned-server.js';

/**
 * Crash: the built server (`node dist/src/main.js`) under 200 GM stations is killed with
 * SIGKILL at a moment drawn from a seeded PRNG, then restarted on the same data directory.
 * A few stations now and then undo one of their own accepted scans (`transaction:void`).
 * After each restart: every acknowledged transaction is stored exactly once and unchanged
 * (voided when its void was acknowledged); every acknowledged void is among the stored
 * corrections; the scores the restarted server reports equal the domain's SessionLedger
 * replaying the stored log (teams, transactions, corrections); and every station's last
 * `state:update` before the kill equals the scores of the stored log up to the last
 * transaction that update reflects (a station's last broadcast may predate later acknowledged
 * transactions, so it is checked against that prefix, never against the whole log). Replay a
 * run with CRASH_SEED.
 */

const ADMIN_PASSWORD = 'crash-survivor';
const STATIONS = 200;
const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 10);
const TOKENS = 4000;
const GROUPED = 900;
const TEAMS = 12;
/** Each team's own stretch of the grouped tokens (25 groups of three). */
const GROUP_TOKENS_PER_TEAM = GROUPED / TEAMS;
/** Each station submits every 1.5–5 s: about 60 transactions a second, each fanned out to all 200. */
const SUBMIT_GAP_MS = [1500, 5000] as const;
/** The kill comes this long after the round's first acknowledgement, so every round kills a loaded server. */
const KILL_AFTER_MS = [0, 2500] as const;
/** Every VOIDER_EVERY-th station undoes some of its accepted scans, each with this chance. */
const VOIDER_EVERY = 20;
const VOID_CHANCE = 0.4;
const STEP_TIMEOUT_MS = 20_000;

const servers = spawnedServersPerFile('orchestrator-crash-');
const sockets = servers.sockets;
let catalog: TokenCatalog;

beforeAll(() => {
  writeShowTokens(join(servers.dir, 'tokens.json'), TOKENS, GROUPED);
  catalog = loadTokenCatalog(join(servers.dir, 'tokens.json'), loadScoringRules(undefined));
});

const spawnServer = () =>
  servers.spawn(
    { DATA_DIR: join(servers.dir, 'data'), TOKENS_FILE: join(servers.dir, 'tokens.json'), ADMIN_PASSWORD, MAX_GM_STATIONS: String(STATIONS + 10) },
    STEP_TIMEOUT_MS,
  );

const snapshot = (url: string) => sessionSnapshot(url, ADMIN_PASSWORD, STEP_TIMEOUT_MS);

interface StationClient {
  socket: ClientSocket;
  /** The last state:update this station received. */
  lastState: GameState | undefined;
}

async function openStation(url: string, stationId: string): Promise<StationClient> {
  const socket = stationSocket(url, sockets);
  const client: StationClient = { socket, lastState: undefined };
  socket.on('state:update', (envelope) => {
    client.lastState = envelope.data;
  });
  await connected(socket, STEP_TIMEOUT_MS);
  await identified(socket, stationId, STEP_TIMEOUT_MS);
  return client;
}

/** The stored transactions of a session straight from the SQLite file: id → how many rows carry it. */
function storedIdCounts(sessionId: string): Map<string, number> {
  const db = new Database(join(servers.dir, 'data', 'orchestrator.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare<[string], { id: string; n: number }>('SELECT id, COUNT(*) AS n FROM transactions WHERE session_id = ? GROUP BY id')
      .all(sessionId);
    return new Map(rows.map((row) => [row.id, row.n]));
  } finally {
    db.close();
  }
}

interface StoredLog {
  teams: Team[];
  transactions: Transaction[];
  corrections: StoredCorrection[];
}

/** A session's log as the store holds it, read while the killed server is down. */
function storedLog(sessionId: string): StoredLog {
  const store = new SqliteStore(join(servers.dir, 'data', 'orchestrator.db'));
  try {
    return { teams: store.teams(sessionId), transactions: store.transactions(sessionId), corrections: store.corrections(sessionId) };
  } finally {
    store.close();
  }
}

const scoresOf = (log: StoredLog) => SessionLedger.replay(catalog, Number.MAX_SAFE_INTEGER, log).ledger.scores();

/**
 * The scores a broadcast could show when the last transaction it names is `log.transactions[end]`:
 * every correction made before that transaction, and any first few of those made between it
 * and the next one (a broadcast may come between two corrections). Teams register with their
 * first scan, so a prefix registers its own.
 */
function prefixCandidates(log: StoredLog, end: number): TeamScore[][] {
  const transactions = log.transactions.slice(0, end + 1);
  const before = log.corrections.filter((c) => c.position <= end);
  const between = log.corrections.filter((c) => c.position === end + 1);
  return Array.from({ length: between.length + 1 }, (_, k) =>
    scoresOf({ teams: [], transactions, corrections: [...before, ...between.slice(0, k)] }),
  );
}

describe('kill -9 under a 200-station load', () => {
  it(`keeps every acknowledged transaction once and the scores consistent over ${ROUNDS} kill/restart rounds`, async () => {
    const baseSeed = seedFrom('CRASH_SEED', 'crash');
    const acknowledged = new Map<string, Transaction>();
    /** Transactions a station asked to void, acknowledged or not. */
    const voidsAsked = new Set<string>();
    /** Acknowledged voids: transaction id → the station that undid it. */
    const voidsAcknowledged = new Map<string, string>();
    let lastLog: StoredLog = { teams: [], transactions: [], corrections: [] };
    let server = await spawnServer();
    const { sessionId } = await snapshot(server.url);
    const stationIds = Array.from({ length: STATIONS }, (_, i) => `CRASH_GM_${String(i + 1).padStart(3, '0')}`);

    for (let round = 1; round <= ROUNDS; round += 1) {
      const seed = (baseSeed + round) >>> 0;
      const random = prng(seed);
      const between = (range: readonly [number, number]) => range[0] + Math.floor(random() * (range[1] - range[0]));
      const killAfterMs = between(KILL_AFTER_MS);
      const context = `round ${round}, seed ${seed}, kill ${killAfterMs} ms after the first ack`;
      const ackedBefore = acknowledged.size;
      const voidsBefore = voidsAcknowledged.size;
      const failures: string[] = [];
      let submitted = 0;

      const stations = await bounded(
        Promise.all(stationIds.map((id) => openStation(server.url, id))),
        STEP_TIMEOUT_MS * 2,
        `${STATIONS} stations to identify`,
      );
      // Plan every station's submissions up front from the PRNG, so the round replays from its seed.
      const plans = stations.map((_, i) => ({
        teamId: `team-${(i % TEAMS) + 1}`,
        firstAtMs: Math.floor(random() * SUBMIT_GAP_MS[0]),
        gaps: Array.from({ length: 10 }, () => between(SUBMIT_GAP_MS)),
        voids: Array.from({ length: 10 }, () => i % VOIDER_EVERY === 0 && random() < VOID_CHANCE),
        tokens: Array.from({ length: 10 }, () => {
          const draw = random();
          if (draw < 0.05) return `unknown-${Math.floor(random() * 50)}`;
          // Half from the team's own groups, so that groups get completed and bonuses paid.
          if (draw < 0.55) return showTokenId((i % TEAMS) * GROUP_TOKENS_PER_TEAM + Math.floor(random() * GROUP_TOKENS_PER_TEAM));
          return showTokenId(Math.floor(random() * TOKENS));
        }),
      }));

      let killed = false;
      let markKilled: () => void = () => undefined;
      const killedSignal = new Promise<void>((resolve) => {
        markKilled = resolve;
      });
      const pause = (ms: number) => Promise.race([sleep(ms), killedSignal]);
      let firstAck: () => void = () => undefined;
      const acked = new Promise<void>((resolve) => {
        firstAck = resolve;
      });
      const load = stations.map(async (station, i) => {
        const plan = plans[i]!;
        const stationId = stationIds[i]!;
        await pause(plan.firstAtMs);
        for (let n = 0; !killed && n < plan.tokens.length; n += 1) {
          submitted += 1;
          station.socket.emit('transaction:submit', { tokenId: plan.tokens[n]!, teamId: plan.teamId, scannerId: stationId }, (ack: AckResponse) => {
            if (!ack.ok) {
              failures.push(`${ack.error.code}: ${ack.error.message}`);
              return;
            }
            const transaction = Transaction.parse(ack.data);
            acknowledged.set(transaction.id, transaction);
            firstAck();
            if (killed || !plan.voids[n] || transaction.status !== 'accepted' || transaction.scannerId !== stationId) return;
            // This station undoes its own scan: a wrong team picked.
            voidsAsked.add(transaction.id);
            station.socket.emit('transaction:void', { transactionId: transaction.id, reason: 'wrong team picked' }, (voidAck: AckResponse) => {
              if (!voidAck.ok) {
                failures.push(`void ${voidAck.error.code}: ${voidAck.error.message}`);
                return;
              }
              const voided = Transaction.parse(voidAck.data);
              acknowledged.set(voided.id, voided);
              voidsAcknowledged.set(voided.id, stationId);
            });
          });
          await pause(plan.gaps[n]!);
        }
      });
      await bounded(acked, STEP_TIMEOUT_MS, `${context}: the first acknowledgement`);
      await sleep(killAfterMs);
      sigkill(server);
      killed = true;
      markKilled();
      // Acks written before the kill may still be in flight: take them all.
      await serverGone(server, stations.map(({ socket }) => socket), STEP_TIMEOUT_MS);
      await bounded(Promise.all(load), STEP_TIMEOUT_MS, 'the load loops to stop');
      for (const { socket } of stations) socket.disconnect();
      sockets.splice(0);
      expect(failures, context).toEqual([]);
      const ackedThisRound = acknowledged.size - ackedBefore;
      console.log(
        `crash: ${context}: ${submitted} submitted, ${ackedThisRound} newly acknowledged, ${acknowledged.size} in all; ` +
          `${voidsAcknowledged.size - voidsBefore} voids acknowledged (${voidsAcknowledged.size} in all)`,
      );

      const stored = storedLog(sessionId);
      lastLog = stored;
      server = await spawnServer();
      const after = await snapshot(server.url);
      expect(after.sessionId, `${context}: the session is resumed`).toBe(sessionId);
      const log = after.exported.transactions;
      expect(log.map((t) => t.id), `${context}: the export is the stored log`).toEqual(stored.transactions.map((t) => t.id));

      // Exactly once, unchanged.
      const counts = storedIdCounts(sessionId);
      expect(counts.size, `${context}: the export is the stored log`).toBe(log.length);
      expect([...counts.values()].filter((n) => n !== 1), `${context}: an id stored twice`).toEqual([]);
      const byId = new Map(log.map((t) => [t.id, t]));
      const lost = [...acknowledged.values()].filter((t) => !byId.has(t.id));
      expect(lost, `${context}: acknowledged but not stored`).toEqual([]);
      for (const transaction of acknowledged.values()) {
        const exported = byId.get(transaction.id);
        // A void asked for just before the kill may have been stored without its ack arriving.
        if (exported?.voided && !transaction.voided && voidsAsked.has(transaction.id)) {
          expect({ ...exported, voided: undefined }, context).toEqual(transaction);
        } else expect(exported, context).toEqual(transaction);
      }

      // Every acknowledged void is a stored correction, by its station, and each transaction is voided once at most.
      const storedVoids = new Map(stored.corrections.filter((c) => c.kind === 'void').map((c) => [c.transactionId, c]));
      expect(storedVoids.size, `${context}: a transaction voided twice`).toBe(stored.corrections.filter((c) => c.kind === 'void').length);
      for (const [transactionId, stationId] of voidsAcknowledged) {
        expect(storedVoids.get(transactionId), `${context}: acknowledged void of ${transactionId}`).toMatchObject({ by: stationId, reason: 'wrong team picked' });
      }
      expect([...storedVoids.keys()].filter((id) => id === undefined || !voidsAsked.has(id)), `${context}: a void nobody asked for`).toEqual([]);

      // Scores: the restarted server's, the export's and the domain's replay of the stored log agree.
      const recomputed = scoresOf(stored);
      expect(after.state.scores, `${context}: live scores after restart vs the log`).toEqual(recomputed);
      expect(after.exported.scores, `${context}: exported scores vs the log`).toEqual(recomputed);

      // Each station's last broadcast equals the log up to the last transaction it reflects.
      const position = new Map(log.map((t, index) => [t.id, index]));
      const prefixScores = new Map<number, TeamScore[][]>();
      let checked = 0;
      for (const { lastState } of stations) {
        const last = lastState?.recentTransactions.at(-1);
        if (lastState === undefined || last === undefined) continue;
        const end = position.get(last.id);
        expect(end, `${context}: a broadcast names transaction ${last.id}, which is not stored`).toBeDefined();
        let candidates = prefixScores.get(end!);
        if (!candidates) {
          candidates = prefixCandidates(stored, end!);
          prefixScores.set(end!, candidates);
        }
        const matching = candidates.find((scores) => JSON.stringify(scores) === JSON.stringify(lastState.scores)) ?? candidates.at(-1);
        expect(lastState.scores, `${context}: a station's last state:update vs the log up to ${last.id}`).toEqual(matching);
        checked += 1;
      }
      expect(ackedThisRound, `${context}: no ack before the kill, the round proves nothing`).toBeGreaterThan(0);
      console.log(`crash: ${context}: ${checked} stations' last state:update checked against the log`);
    }

    const statuses = new Set([...acknowledged.values()].map((t) => t.status));
    const bonuses = scoresOf(lastLog).filter((score) => score.bonusPoints > 0).length;
    console.log(
      `crash: ${acknowledged.size} acknowledged over ${ROUNDS} rounds; statuses ${[...statuses].join(', ')}; ` +
        `${bonuses} teams with a group bonus; ${voidsAcknowledged.size} voids acknowledged`,
    );
    expect(statuses.has('accepted')).toBe(true);
    expect(voidsAcknowledged.size, 'no void was acknowledged: the corrections went untested').toBeGreaterThan(0);
    expect(bonuses, 'no group was completed: the scores checked were plain sums').toBeGreaterThan(0);
  }, 240_000);
});

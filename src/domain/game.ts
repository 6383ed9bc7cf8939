import {
  AppError,
  type GameState,
  type PlayerScan,
  type SessionExport,
  type Session,
  type SessionStatus,
  type Transaction,
  type TransactionSubmit,
} from '../contract/index.js';
import type { Clock } from '../ports/clock.js';
import type { GameStore, SessionRecord } from '../ports/store.js';
import {
  applyClockEvent,
  clockFromEvents,
  clockView,
  pausedClock,
  startedClock,
  type ClockEvent,
  type GameClockState,
  type GameClockView,
} from './game-clock.js';
import { ScoreBoard } from './score-board.js';
import { UnknownTokenError } from './errors.js';
import { TokenCatalog } from './token-catalog.js';

export const PAUSED_REASON = 'session is paused';
export const UNKNOWN_TOKEN_REASON = 'unknown token';
const RECENT_IN_STATE = 10;
const RECENT_IN_SYNC = 100;

export interface GameDeps {
  store: GameStore;
  catalog: TokenCatalog;
  clock: Pick<Clock, 'now'>;
  newId: () => string;
  /** Teams in one session; a submission naming a new team beyond it is refused (TEAM_LIMIT). */
  maxTeams?: number;
  /** A new session's planned length (GAME_MINUTES); undefined counts up only. */
  plannedMs?: number;
}

/** A staff correction of the game clock: a new planned length (null: none) and/or seconds added (negative: taken off). */
export interface ClockCorrection {
  plannedMinutes?: number | null | undefined;
  adjustSeconds?: number | undefined;
}

/** The game's part of GameState: the session, its scores and latest transactions. */
export type GameProgress = Pick<GameState, 'sessionId' | 'lastUpdate' | 'scores' | 'recentTransactions' | 'clock'>;

/** A GM's submission as the game judges it: the scanner is the identified station. */
export type Submission = TransactionSubmit & { scannerId: string };

export const DEFAULT_MAX_TEAMS = 50;


export interface SubmitOutcome {
  transaction: Transaction;
  /** false when this was a resubmission answered with the original transaction. */
  fresh: boolean;
}

/**
 * The authoritative game: the current session, its transaction log and the scores derived
 * from it. Session changes are written to the store before memory is touched. Transactions
 * may be staged (judged and taken into memory, so later submissions see them) and committed
 * in groups; a failed commit reloads the game from the store, so nothing that was not stored
 * survives, and nothing is acknowledged before its commit.
 */
export class Game {
  private current: SessionRecord | undefined;
  /** The current session's clock. */
  private clock: GameClockState | undefined;
  private board: ScoreBoard;
  /** token key → the accepted transaction that claimed it in this session. */
  private claimed = new Map<string, Transaction>();
  /** scannerId|tokenKey|teamId → the first transaction of that submission. */
  private submissions = new Map<string, Transaction>();
  private recent: Transaction[] = [];
  /** Judged and in memory, not yet committed: see stage. */
  private readonly staged: Transaction[] = [];
  /** Player scans waiting for the same group commit. */
  private readonly stagedScans: PlayerScan[] = [];
  /** What lastUpdate was before the staged transactions, for a failed commit to restore. */
  private lastUpdateBeforeStaging = '';
  private counts = { transactions: 0, accepted: 0, playerScans: 0 };
  private lastUpdate: string;

  constructor(private readonly deps: GameDeps) {
    this.board = new ScoreBoard(deps.catalog);
    this.lastUpdate = this.nowIso();
  }

  /** Resumes the session left active or paused, or starts a new one. */
  start(): Session {
    const resumed = this.deps.store.currentSession();
    if (!resumed) return this.startSession();
    this.load(resumed);
    return this.sessionView(resumed);
  }

  get session(): Session | undefined {
    return this.current && this.sessionView(this.current);
  }

  get catalog(): TokenCatalog {
    return this.deps.catalog;
  }

  /** Completes the current session (if any) and starts a fresh one. */
  startSession(name?: string): Session {
    this.commitStaged();
    const now = this.nowIso();
    const ended = this.current && { ...this.current, status: 'completed' as const, endTime: now };
    const started: SessionRecord = {
      id: this.deps.newId(),
      name: name ?? `Game ${now.slice(0, 16).replace('T', ' ')}`,
      startTime: now,
      status: 'active',
    };
    const at = this.deps.clock.now();
    const plannedMs = this.deps.plannedMs ?? null;
    this.deps.store.switchSession(ended, started, [
      ...(ended ? [this.clockEvent(ended.id, 'stop', at)] : []),
      { ...this.clockEvent(started.id, 'start', at), value: plannedMs },
    ]);
    this.load(started, []);
    this.clock = startedClock(at, plannedMs);
    return this.sessionView(started);
  }

  /** Pauses, resumes or completes the current session. */
  setSessionStatus(status: SessionStatus): Session {
    this.commitStaged();
    const session = this.requireSession();
    if (status === session.status) return this.sessionView(session);
    const updated: SessionRecord =
      status === 'completed' ? { ...session, status, endTime: this.nowIso() } : { ...session, status };
    const at = this.deps.clock.now();
    const kind = status === 'completed' ? 'stop' : status === 'paused' ? 'pause' : 'resume';
    this.deps.store.updateSession(updated, [this.clockEvent(session.id, kind, at)]);
    if (this.clock) this.clock = applyClockEvent(this.clock, kind, at, null);
    this.touch();
    if (status === 'completed') {
      this.load(undefined, []);
      return this.sessionView(updated);
    }
    this.current = updated;
    return this.sessionView(updated);
  }

  /**
   * Makes the staged transactions and player scans durable in one store commit and returns
   * the transactions. When the store fails, the game is reloaded from what it holds and the
   * error is rethrown: the staged entries are gone from memory as they are from the disk.
   */
  commitStaged(): Transaction[] {
    const batch = this.staged.splice(0);
    const playerScans = this.stagedScans.splice(0);
    if (batch.length === 0 && playerScans.length === 0) return batch;
    try {
      this.deps.store.appendLog({ transactions: batch, playerScans });
    } catch (error) {
      this.load(this.current);
      this.lastUpdate = this.lastUpdateBeforeStaging;
      throw error;
    }
    return batch;
  }

  /**
   * Judges a submission and takes it into the game (scores, duplicates) without writing it:
   * it must not be acknowledged before commitStaged. A resubmission is answered with the
   * original transaction.
   */
  stage(input: Submission): SubmitOutcome {
    const session = this.requireSession();
    const token = this.deps.catalog.get(input.tokenId);
    const tokenKey = TokenCatalog.keyOf(input.tokenId);
    const submissionKey = `${input.scannerId}\u0000${tokenKey}\u0000${input.teamId}`;
    const earlier = this.submissions.get(submissionKey);
    if (earlier) return { transaction: earlier, fresh: false };
    const maxTeams = this.deps.maxTeams ?? DEFAULT_MAX_TEAMS;
    if (!this.board.hasTeam(input.teamId) && this.board.teamCount() >= maxTeams) {
      throw new AppError('TEAM_LIMIT', `this session already has ${maxTeams} teams: choose one of them`, {
        details: [{ field: 'teamId', message: `at most ${maxTeams} teams per session` }],
      });
    }

    const base = {
      id: this.deps.newId(),
      tokenId: token?.id ?? input.tokenId,
      teamId: input.teamId,
      scannerId: input.scannerId,
      sessionId: session.id,
      timestamp: this.nowIso(),
    };
    let transaction: Transaction;
    if (session.status === 'paused') {
      transaction = { ...base, status: 'rejected', rejectionReason: PAUSED_REASON, points: 0 };
    } else if (!token) {
      transaction = { ...base, status: 'rejected', rejectionReason: UNKNOWN_TOKEN_REASON, points: 0 };
    } else {
      const owner = this.claimed.get(tokenKey);
      transaction = owner
        ? { ...base, status: 'duplicate', rejectionReason: `already scanned by team ${owner.teamId}`, points: 0 }
        : { ...base, status: 'accepted', points: token.value };
    }
    if (this.staged.length === 0) this.lastUpdateBeforeStaging = this.lastUpdate;
    this.remember(transaction);
    this.staged.push(transaction);
    return { transaction, fresh: true };
  }

  /**
   * A player scanner's scan (no points), staged for the next group commit like a transaction:
   * it must not be answered before commitStaged.
   */
  stagePlayerScan(tokenId: string, deviceId: string): PlayerScan {
    const token = this.deps.catalog.get(tokenId);
    if (!token) throw new UnknownTokenError(tokenId);
    const scan: PlayerScan = {
      tokenId: token.id,
      deviceId,
      sessionId: this.current?.id ?? null,
      timestamp: this.nowIso(),
      video: token.video !== undefined,
    };
    this.stagedScans.push(scan);
    if (this.current) this.counts.playerScans += 1;
    return scan;
  }

  /** Every session, newest first, completed ones included. */
  sessions(): Session[] {
    return this.deps.store.sessions().map((stored) => (stored.id === this.current?.id ? this.sessionView(this.current) : stored));
  }

  /** A session with its whole log and the scores derived from it. */
  sessionRecord(sessionId: string): SessionExport {
    const session = this.current?.id === sessionId ? this.sessionView(this.current) : this.deps.store.session(sessionId);
    if (!session) throw new AppError('SESSION_NOT_FOUND', `no session ${sessionId}`);
    const transactions = this.deps.store.transactions(sessionId);
    return {
      session,
      scores: ScoreBoard.fromLog(this.deps.catalog, transactions).scores(),
      transactions,
      playerScans: this.deps.store.playerScans(sessionId),
    };
  }

  /** The game's part of the stations' state; the show adds the TV and the system's. */
  state(): GameProgress {
    return {
      sessionId: this.current?.id ?? null,
      lastUpdate: this.lastUpdate,
      scores: this.board.scores(),
      recentTransactions: this.recent.slice(-RECENT_IN_STATE),
      ...(this.clock && this.current ? { clock: clockView(this.clock) } : {}),
    };
  }

  /** Staff correct the clock: its planned length and/or its elapsed time; kept like every change. */
  correctClock(correction: ClockCorrection, by: string): GameClockView {
    const session = this.requireSession();
    let clock = this.clock ?? startedClock(Date.parse(session.startTime), this.deps.plannedMs ?? null);
    const at = this.deps.clock.now();
    const events: ClockEvent[] = [];
    if (correction.plannedMinutes !== undefined) {
      events.push({ ...this.clockEvent(session.id, 'plan', at, by), value: correction.plannedMinutes === null ? null : correction.plannedMinutes * 60_000 });
    }
    if (correction.adjustSeconds !== undefined) {
      events.push({ ...this.clockEvent(session.id, 'adjust', at, by), value: correction.adjustSeconds * 1000 });
    }
    this.deps.store.appendClockEvents(events);
    for (const event of events) clock = applyClockEvent(clock, event.kind, at, event.value);
    this.clock = clock;
    this.touch();
    return clockView(clock);
  }

  /** The last transactions of the current session, oldest first. */
  recentTransactions(limit = RECENT_IN_SYNC): Transaction[] {
    return this.recent.slice(-limit);
  }

  private requireSession(): SessionRecord {
    if (!this.current) throw new AppError('SESSION_NOT_FOUND', 'no current session: start a new session first');
    return this.current;
  }

  private load(session: SessionRecord | undefined, log?: Transaction[]): void {
    this.current = session;
    this.board = new ScoreBoard(this.deps.catalog);
    this.claimed = new Map();
    this.submissions = new Map();
    this.recent = [];
    this.counts = { transactions: 0, accepted: 0, playerScans: 0 };
    this.clock = undefined;
    if (session) {
      for (const transaction of log ?? this.deps.store.transactions(session.id)) this.remember(transaction);
      if (!log) {
        this.counts.playerScans = this.deps.store.playerScans(session.id).length;
        this.clock = this.storedClock(session);
      }
    }
    this.touch();
  }

  /**
   * The clock as its events left it. A session from before the clock was kept has none: it is
   * taken to have run since its start (held, if it is paused now).
   */
  private storedClock(session: SessionRecord): GameClockState {
    const clock = clockFromEvents(this.deps.store.clockEvents(session.id)) ?? startedClock(Date.parse(session.startTime), this.deps.plannedMs ?? null);
    return session.status === 'paused' ? pausedClock(clock, this.deps.clock.now()) : clock;
  }

  private clockEvent(sessionId: string, kind: ClockEvent['kind'], at: number, by = 'session'): ClockEvent {
    return { sessionId, at: new Date(at).toISOString(), kind, value: null, by };
  }

  private remember(transaction: Transaction): void {
    const tokenKey = TokenCatalog.keyOf(transaction.tokenId);
    if (transaction.status === 'accepted' && !this.claimed.has(tokenKey)) this.claimed.set(tokenKey, transaction);
    // A rejection for a paused session is not final: the same scan is judged anew once resumed.
    if (transaction.rejectionReason !== PAUSED_REASON) {
      const key = `${transaction.scannerId}\u0000${tokenKey}\u0000${transaction.teamId}`;
      if (!this.submissions.has(key)) this.submissions.set(key, transaction);
    }
    this.board.apply(transaction);
    this.recent.push(transaction);
    if (this.recent.length > RECENT_IN_SYNC * 2) this.recent = this.recent.slice(-RECENT_IN_SYNC);
    this.counts.transactions += 1;
    if (transaction.status === 'accepted') this.counts.accepted += 1;
    this.lastUpdate = transaction.timestamp;
  }

  private sessionView(session: SessionRecord): Session {
    const live = this.current?.id === session.id;
    if (!live) {
      const stored = this.deps.store.session(session.id);
      return stored ? { ...stored, ...session } : { ...session, transactionCount: 0, acceptedCount: 0, playerScanCount: 0 };
    }
    return {
      ...session,
      transactionCount: this.counts.transactions,
      acceptedCount: this.counts.accepted,
      playerScanCount: this.counts.playerScans,
    };
  }

  private touch(): void {
    this.lastUpdate = this.nowIso();
  }

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}

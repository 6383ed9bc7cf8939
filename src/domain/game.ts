import {
  AppError,
  type Correction,
  type GameState,
  type PlayerScan,
  type Team,
  type TeamScore,
  type SessionExport,
  type Session,
  type SessionStatus,
  type Transaction,
  type TransactionSubmit,
} from '../contract/index.js';
import type { Clock } from '../ports/clock.js';
import type { Corrector } from '../ports/game-corrections.js';
import type { GameStore, SessionRecord, SessionTeam } from '../ports/store.js';
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
import { UnknownTokenError } from './errors.js';
import { PAUSED_REASON, SessionLedger } from './session-ledger.js';
import { teamNameOf } from './team-roster.js';
import { TokenCatalog } from './token-catalog.js';

export { PAUSED_REASON } from './session-ledger.js';
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
  /** A player scan made longer than this before it arrives is recorded stale: its clip is not played (PLAYER_SCAN_STALE_S). */
  playerScanStaleMs?: number;
}

export const DEFAULT_PLAYER_SCAN_STALE_MS = 60_000;

/** What a player scanner says of a scan beyond its token: its own id for it, and when it was made by its clock. */
export interface ScanOnDevice {
  scanId?: string | undefined;
  scannedAt?: string | undefined;
}

export interface PlayerScanOutcome {
  scan: PlayerScan;
  /** false when the device had sent this scanId before: `scan` is the one recorded then. */
  fresh: boolean;
}

/** A staff correction of the game clock: a new planned length (null: none) and/or seconds added (negative: taken off). */
export interface ClockCorrection {
  plannedMinutes?: number | null | undefined;
  adjustSeconds?: number | undefined;
}

/** The game's part of GameState: the session, its scores and latest transactions. */
export type GameProgress = Pick<GameState, 'sessionId' | 'lastUpdate' | 'scores' | 'teams' | 'recentTransactions' | 'clock'>;

/** A GM's submission as the game judges it: the scanner is the identified station. */
export type Submission = TransactionSubmit & { scannerId: string };

export const DEFAULT_MAX_TEAMS = 50;


export interface SubmitOutcome {
  transaction: Transaction;
  /** false when this was a resubmission answered with the original transaction. */
  fresh: boolean;
}

const nameOfCorrector = (by: Corrector) => ('admin' in by ? 'admin' : by.stationId);

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
  /** What the current session's log adds up to. */
  private ledger: SessionLedger;
  /** Judged and in memory, not yet committed: see stage. */
  private readonly staged: Transaction[] = [];
  /** Player scans and teams waiting for the same group commit. */
  private readonly stagedScans: PlayerScan[] = [];
  private readonly stagedTeams: SessionTeam[] = [];
  /** What lastUpdate was before the staged transactions, for a failed commit to restore. */
  private lastUpdateBeforeStaging = '';
  private playerScanCount = 0;
  private lastUpdate: string;

  constructor(private readonly deps: GameDeps) {
    this.ledger = this.emptyLedger();
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
    this.load(started, true);
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
      this.load(undefined);
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
    const teams = this.stagedTeams.splice(0);
    if (batch.length === 0 && playerScans.length === 0) return batch;
    try {
      this.deps.store.appendLog({ transactions: batch, playerScans, teams });
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
    const registered = this.ledger.roster.find(input.teamId);
    const teamId = registered?.teamId ?? teamNameOf(input.teamId);
    const earlier = this.ledger.previousAnswer(input.scannerId, input.tokenId, teamId);
    if (earlier) return { transaction: earlier, fresh: false };

    const base = {
      id: this.deps.newId(),
      tokenId: token?.id ?? input.tokenId,
      teamId,
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
      const owner = this.ledger.holderOf(token.id);
      transaction = owner
        ? { ...base, status: 'duplicate', rejectionReason: `already scanned by team ${this.teamName(owner.teamId)}`, points: 0 }
        : { ...base, status: 'accepted', points: token.value };
    }
    // An accepted or duplicate scan for a new team registers it, in the same commit; past
    // MAX_TEAMS it is refused and not written (a rejected scan registers nothing, so it is kept).
    if (!registered && transaction.status !== 'rejected') this.requireRoomForTeam();
    if (this.staged.length === 0) this.lastUpdateBeforeStaging = this.lastUpdate;
    if (!registered && transaction.status !== 'rejected') {
      const team = { teamId, name: teamId, createdAt: transaction.timestamp };
      this.ledger.addTeam(team);
      this.stagedTeams.push({ ...team, sessionId: session.id });
    }
    const recorded = this.ledger.record(transaction);
    this.lastUpdate = recorded.timestamp;
    this.staged.push(recorded);
    return { transaction: recorded, fresh: true };
  }

  /** Registers a team in the current session, or answers the one already registered under that name. */
  registerTeam(name: string): { team: Team; created: boolean } {
    this.commitStaged();
    const session = this.requireSession();
    const existing = this.ledger.roster.find(name);
    if (existing) return { team: existing, created: false };
    this.requireRoomForTeam();
    const teamName = teamNameOf(name);
    const team: Team = { teamId: teamName, name: teamName, createdAt: this.nowIso() };
    this.durably(() => this.deps.store.appendLog({ transactions: [], playerScans: [], teams: [{ ...team, sessionId: session.id }] }));
    this.ledger.addTeam(team);
    this.touch();
    return { team, created: true };
  }

  /** Corrects a team's name; its id stays. Kept in the audit trail. */
  renameTeam(teamId: string, name: string, by: Corrector): Team {
    this.commitStaged();
    const team = this.requireTeam(teamId);
    const renamed = this.ledger.roster.renamed(team.teamId, name);
    if ('refused' in renamed) {
      throw new AppError('CONFLICT', `another team is already called ${teamNameOf(name)}`, { details: [{ field: 'name', message: 'taken by another team' }] });
    }
    if (renamed.name === team.name) return team;
    this.correct({ kind: 'rename', teamId: team.teamId, name: renamed.name, previousName: team.name }, by);
    return renamed;
  }

  /**
   * Voids a transaction of the current session: it stops counting and its token is free again.
   * A station may void only its own.
   */
  voidTransaction(transactionId: string, reason: string, by: Corrector): Transaction {
    this.commitStaged();
    const transaction = this.requireStanding(transactionId, by);
    const voided = this.correct({ kind: 'void', transactionId: transaction.id, reason }, by);
    if (!voided) throw new AppError('SERVER_ERROR', `transaction ${transactionId} could not be voided`);
    return voided;
  }

  /** Voids a transaction and records its token, accepted, for another registered team, in one commit. */
  reassignTransaction(transactionId: string, teamId: string, reason: string, by: Corrector): { voided: Transaction; transaction: Transaction } {
    this.commitStaged();
    const original = this.requireStanding(transactionId, by);
    const team = this.requireTeam(teamId);
    if (team.teamId === original.teamId) {
      throw new AppError('CONFLICT', `transaction ${transactionId} is already ${team.name}'s`, { details: [{ field: 'teamId', message: 'the same team' }] });
    }
    const replacement: Transaction = {
      id: this.deps.newId(),
      tokenId: original.tokenId,
      teamId: team.teamId,
      scannerId: original.scannerId,
      sessionId: original.sessionId,
      timestamp: this.nowIso(),
      status: 'accepted',
      points: this.deps.catalog.get(original.tokenId)?.value ?? original.points,
    };
    const voided = this.correct({ kind: 'reassign', transactionId: original.id, teamId: team.teamId, newTransactionId: replacement.id, reason }, by, replacement);
    if (!voided) throw new AppError('SERVER_ERROR', `transaction ${transactionId} could not be reassigned`);
    const transaction = this.ledger.record(replacement);
    this.lastUpdate = transaction.timestamp;
    return { voided, transaction };
  }

  /** Adds signed points to a registered team's score, with a reason. */
  adjustScore(teamId: string, points: number, reason: string, by: Corrector): { correction: Correction; score: TeamScore } {
    this.commitStaged();
    const team = this.requireTeam(teamId);
    const correction = this.correctionOf({ kind: 'adjust', teamId: team.teamId, points, reason }, by);
    this.store([correction]);
    this.ledger.correct(correction);
    this.touch();
    const score = this.ledger.score(team.teamId);
    if (!score) throw new AppError('SERVER_ERROR', `no score for team ${team.teamId}`);
    return { correction, score };
  }

  teams(): Team[] {
    return this.current ? this.ledger.teams() : [];
  }

  /**
   * A player scanner's scan (no points), staged for the next group commit like a transaction:
   * it must not be answered before commitStaged. A scan the device sent before under the same
   * scanId (staged, or stored in any session) is answered with the one recorded then, and
   * nothing is staged. One made (scannedAt, the device's clock) more than playerScanStaleMs
   * before it arrived is recorded stale, without asking for its clip: a replay must not start
   * a video long after the player walked away.
   */
  stagePlayerScan(tokenId: string, deviceId: string, onDevice: ScanOnDevice = {}): PlayerScanOutcome {
    const { scanId, scannedAt } = onDevice;
    const earlier = scanId === undefined ? undefined : this.playerScanById(deviceId, scanId);
    if (earlier) return { scan: earlier, fresh: false };
    const token = this.deps.catalog.get(tokenId);
    if (!token) throw new UnknownTokenError(tokenId);
    const now = this.deps.clock.now();
    const stale = scannedAt !== undefined && now - Date.parse(scannedAt) > (this.deps.playerScanStaleMs ?? DEFAULT_PLAYER_SCAN_STALE_MS);
    const scan: PlayerScan = {
      tokenId: token.id,
      deviceId,
      sessionId: this.current?.id ?? null,
      timestamp: new Date(now).toISOString(),
      video: token.video !== undefined && !stale,
      ...(scanId === undefined ? {} : { scanId }),
      ...(scannedAt === undefined ? {} : { scannedAt }),
      ...(stale ? { stale: true as const } : {}),
    };
    this.stagedScans.push(scan);
    if (this.current) this.playerScanCount += 1;
    return { scan, fresh: true };
  }

  /** The scan a device recorded (or staged) under its own id, if any. */
  private playerScanById(deviceId: string, scanId: string): PlayerScan | undefined {
    const staged = this.stagedScans.find((scan) => scan.deviceId === deviceId && scan.scanId === scanId);
    return staged ?? this.deps.store.playerScanById(deviceId, scanId);
  }

  /** Every session, newest first, completed ones included. */
  sessions(): Session[] {
    return this.deps.store.sessions().map((stored) => (stored.id === this.current?.id ? this.sessionView(this.current) : stored));
  }

  /** A session with its whole log and the scores derived from it. */
  sessionRecord(sessionId: string): SessionExport {
    const session = this.current?.id === sessionId ? this.sessionView(this.current) : this.deps.store.session(sessionId);
    if (!session) throw new AppError('SESSION_NOT_FOUND', `no session ${sessionId}`);
    const { ledger, transactions } = this.replay(sessionId);
    return {
      session,
      scores: ledger.scores(),
      teams: ledger.teams(),
      transactions,
      corrections: this.auditTrail(sessionId),
      playerScans: this.deps.store.playerScans(sessionId),
    };
  }

  /** The game's part of the stations' state; the show adds the TV and the system's. */
  state(): GameProgress {
    return {
      sessionId: this.current?.id ?? null,
      lastUpdate: this.lastUpdate,
      scores: this.current ? this.ledger.scores() : [],
      teams: this.teams(),
      recentTransactions: this.current ? this.ledger.latest(RECENT_IN_STATE) : [],
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
    return this.current ? this.ledger.latest(limit) : [];
  }

  private requireSession(): SessionRecord {
    if (!this.current) throw new AppError('SESSION_NOT_FOUND', 'no current session: start a new session first');
    return this.current;
  }

  /** Loads a session from the store (or starts `session` afresh, with `fresh`), or none. */
  private load(session: SessionRecord | undefined, fresh = false): void {
    this.current = session;
    // Emptied first: when the store cannot be read, nothing unstored stays in memory.
    this.ledger = this.emptyLedger();
    this.playerScanCount = 0;
    this.clock = undefined;
    if (session && !fresh) {
      this.ledger = this.replay(session.id).ledger;
      this.playerScanCount = this.deps.store.playerScans(session.id).length;
      this.clock = this.storedClock(session);
    }
    this.touch();
  }

  private emptyLedger(): SessionLedger {
    return new SessionLedger(this.deps.catalog, this.deps.maxTeams ?? DEFAULT_MAX_TEAMS);
  }

  private replay(sessionId: string): { ledger: SessionLedger; transactions: Transaction[] } {
    const store = this.deps.store;
    return SessionLedger.replay(this.deps.catalog, this.deps.maxTeams ?? DEFAULT_MAX_TEAMS, {
      teams: store.teams(sessionId),
      transactions: store.transactions(sessionId),
      corrections: store.corrections(sessionId),
    });
  }

  /** The session's corrections with the staff's clock corrections, in the order they were made. */
  private auditTrail(sessionId: string): Correction[] {
    const corrections: Correction[] = this.deps.store.corrections(sessionId).map(({ position: _position, ...correction }) => correction);
    this.deps.store.clockEvents(sessionId).forEach((event, index) => {
      if (event.by === 'session' || (event.kind !== 'plan' && event.kind !== 'adjust')) return;
      corrections.push({
        id: `clock-${sessionId}-${index}`,
        sessionId,
        kind: 'clock',
        at: event.at,
        by: event.by,
        ...(event.kind === 'plan'
          ? { plannedMinutes: event.value === null ? null : Math.round(event.value / 60_000) }
          : { adjustSeconds: Math.round((event.value ?? 0) / 1000) }),
      });
    });
    return corrections.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }

  private correctionOf(change: Omit<Correction, 'id' | 'sessionId' | 'at' | 'by'>, by: Corrector): Correction {
    const session = this.requireSession();
    return { id: this.deps.newId(), sessionId: session.id, at: this.nowIso(), by: nameOfCorrector(by), ...change };
  }

  /** Stores a correction (with the transaction it records, for a reassignment), then applies it. */
  private correct(change: Omit<Correction, 'id' | 'sessionId' | 'at' | 'by'>, by: Corrector, replacement?: Transaction): Transaction | undefined {
    const correction = this.correctionOf(change, by);
    this.store([correction], replacement ? [replacement] : []);
    const voided = this.ledger.correct(correction);
    this.touch();
    return voided;
  }

  private store(corrections: Correction[], transactions: Transaction[] = []): void {
    const position = this.ledger.transactionCount;
    this.durably(() =>
      this.deps.store.appendLog({ transactions, playerScans: [], corrections: corrections.map((correction) => ({ ...correction, position })) }),
    );
  }

  /** A write that, when it fails, leaves the game as the store has it. */
  private durably(write: () => void): void {
    try {
      write();
    } catch (error) {
      this.load(this.current);
      throw error;
    }
  }

  private requireRoomForTeam(): void {
    const maxTeams = this.deps.maxTeams ?? DEFAULT_MAX_TEAMS;
    if (this.ledger.roster.size >= maxTeams) {
      throw new AppError('TEAM_LIMIT', `this session already has ${maxTeams} teams: choose one of them`, {
        details: [{ field: 'teamId', message: `at most ${maxTeams} teams per session` }],
      });
    }
  }

  private requireTeam(teamId: string): Team {
    this.requireSession();
    const team = this.ledger.roster.find(teamId);
    if (!team) throw new AppError('NOT_FOUND', `no team ${teamId} in this session: register it first`, { details: [{ field: 'teamId', message: 'not a registered team' }] });
    return team;
  }

  /** A transaction of the current session that counts, which `by` may correct. */
  private requireStanding(transactionId: string, by: Corrector): Transaction {
    const session = this.requireSession();
    const standing = this.ledger.standingTransaction(transactionId);
    const known = standing ?? this.deps.store.transaction(transactionId);
    if (!known || known.sessionId !== session.id) {
      throw new AppError('NOT_FOUND', `no transaction ${transactionId} in the current session`);
    }
    if ('stationId' in by && known.scannerId !== by.stationId) {
      throw new AppError('FORBIDDEN', `transaction ${transactionId} was recorded by ${known.scannerId}: only that station or staff can undo it`);
    }
    if (standing) return standing;
    const voided = this.ledger.voidOf(transactionId);
    if (voided) throw new AppError('CONFLICT', `transaction ${transactionId} was already voided (${voided.reason})`);
    throw new AppError('CONFLICT', `transaction ${transactionId} never counted (${known.status}): there is nothing to undo`);
  }

  private teamName(teamId: string): string {
    return this.ledger.roster.find(teamId)?.name ?? teamId;
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

  private sessionView(session: SessionRecord): Session {
    const live = this.current?.id === session.id;
    if (!live) {
      const stored = this.deps.store.session(session.id);
      return stored ? { ...stored, ...session } : { ...session, transactionCount: 0, acceptedCount: 0, playerScanCount: 0 };
    }
    return {
      ...session,
      transactionCount: this.ledger.transactionCount,
      acceptedCount: this.ledger.acceptedCount,
      playerScanCount: this.playerScanCount,
    };
  }

  private touch(): void {
    this.lastUpdate = this.nowIso();
  }

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}

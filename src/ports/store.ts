import type { Correction, PlayerScan, Session, Team, Transaction, VideoItem } from '../contract/index.js';
import type { ClockEvent } from '../domain/game-clock.js';

/** A session as stored; the counts of `Session` are derived from the logs. */
export type SessionRecord = Omit<Session, 'transactionCount' | 'acceptedCount' | 'playerScanCount'>;

/** A team as registered in one session. */
export type SessionTeam = Team & { sessionId: string };

/**
 * A correction as kept: `position` is how many of the session's transactions were recorded
 * before it, so a replay applies it at the same point of the log (a void before the
 * transaction that re-scanned its token).
 */
export type StoredCorrection = Correction & { position: number };

export interface LogBatch {
  transactions: readonly Transaction[];
  playerScans: readonly PlayerScan[];
  teams?: readonly SessionTeam[];
  corrections?: readonly StoredCorrection[];
}

/**
 * The durable game log. Every write returns only once it is durable: the caller
 * acknowledges a transaction or a player scan to a client only after `appendLog` returned.
 */
export interface GameStore {
  /** The newest session that is not completed, if any. */
  currentSession(): SessionRecord | undefined;
  /** Completes `ended` (when given) and inserts `started`, with their clock events, atomically. */
  switchSession(ended: SessionRecord | undefined, started: SessionRecord, clockEvents?: readonly ClockEvent[]): void;
  /** Updates a session (its status), with the clock events that go with it, atomically. */
  updateSession(session: SessionRecord, clockEvents?: readonly ClockEvent[]): void;
  appendClockEvents(events: readonly ClockEvent[]): void;
  /** A session's clock events in the order they happened. */
  clockEvents(sessionId: string): ClockEvent[];
  /**
   * Appends the transactions, player scans, teams and corrections of one commit in one store
   * transaction: all are durable when it returns, or none is written.
   */
  appendLog(batch: LogBatch): void;
  /** A session's transactions in commit order, as they were recorded (a void is a correction). */
  transactions(sessionId: string): Transaction[];
  transaction(id: string): Transaction | undefined;
  /** A session's registered teams, in the order they were registered, with their first names. */
  teams(sessionId: string): Team[];
  /** A session's corrections in the order they were made. */
  corrections(sessionId: string): StoredCorrection[];
  playerScans(sessionId: string): PlayerScan[];
  /** The scan a player scanner recorded under its own `scanId`, in any session. */
  playerScanById(deviceId: string, scanId: string): PlayerScan | undefined;
  sessions(): Session[];
  session(id: string): Session | undefined;
}

/** Small named values the server keeps between starts (the admin password hash, the token key). */
export interface SettingsStore {
  getSetting(key: string): string | undefined;
  setSetting(key: string, value: string): void;
}

/** The video queue's items, kept so that a restart resumes what was asked for. */
export interface VideoQueueStore {
  saveVideoItem(item: VideoItem): void;
  /** Items still queued or playing, in request order. */
  unfinishedVideoItems(): VideoItem[];
}

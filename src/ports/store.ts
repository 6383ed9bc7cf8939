import type { PlayerScan, Session, Transaction, VideoItem } from '../contract/index.js';

/** A session as stored; the counts of `Session` are derived from the logs. */
export type SessionRecord = Omit<Session, 'transactionCount' | 'acceptedCount' | 'playerScanCount'>;

/**
 * The durable game log. Every write returns only once it is durable: the caller
 * acknowledges a transaction to a client only after `appendTransactions` returned.
 */
export interface GameStore {
  /** The newest session that is not completed, if any. */
  currentSession(): SessionRecord | undefined;
  /** Completes `ended` (when given) and inserts `started`, atomically. */
  switchSession(ended: SessionRecord | undefined, started: SessionRecord): void;
  updateSession(session: SessionRecord): void;
  /** Appends the transactions in one commit (group commit): all are durable, or none is written. */
  appendTransactions(transactions: readonly Transaction[]): void;
  /** A session's transactions in commit order. */
  transactions(sessionId: string): Transaction[];
  appendPlayerScan(scan: PlayerScan): void;
  playerScans(sessionId: string): PlayerScan[];
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

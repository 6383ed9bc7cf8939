import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PlayerScan, Session, Team, Transaction, VideoItem } from '../../contract/index.js';
import type { ClockEvent } from '../../domain/game-clock.js';
import type { GameStore, LogBatch, SessionRecord, SessionTeam, SettingsStore, StoredCorrection, VideoQueueStore } from '../../ports/store.js';
import type { CueStore } from '../../ports/cue-actions.js';
import { SqliteCueStore } from './cue-store.js';
import { migrate } from './migrations.js';

interface SessionRow {
  id: string;
  name: string;
  start_time: string;
  end_time: string | null;
  status: Session['status'];
}
interface SessionCountsRow extends SessionRow {
  transaction_count: number;
  accepted_count: number;
  player_scan_count: number;
}
/** A transaction as selected (columns aliased to the contract's names); NULL for an absent field. */
type TransactionRow = Omit<Transaction, 'rejectionReason'> & { rejectionReason: string | null };
const TRANSACTION_COLUMNS = `id, session_id AS sessionId, token_id AS tokenId, team_id AS teamId, scanner_id AS scannerId,
  timestamp, status, rejection_reason AS rejectionReason, points`;
interface CorrectionRow {
  id: string;
  sessionId: string;
  position: number;
  kind: StoredCorrection['kind'];
  at: string;
  by: string;
  reason: string | null;
  transactionId: string | null;
  teamId: string | null;
  points: number | null;
  newTransactionId: string | null;
  name: string | null;
  previousName: string | null;
}
const CORRECTION_COLUMNS = `id, session_id AS sessionId, position, kind, at, by, reason, transaction_id AS transactionId, team_id AS teamId,
  points, new_transaction_id AS newTransactionId, name, previous_name AS previousName`;

function correctionOf({ points, ...row }: CorrectionRow): StoredCorrection {
  const { reason, transactionId, teamId, newTransactionId, name, previousName, ...always } = row;
  return { ...always, ...present({ reason, transactionId, teamId, newTransactionId, name, previousName }), ...(points === null ? {} : { points }) };
}

interface PlayerScanRow {
  session_id: string | null;
  token_id: string;
  device_id: string;
  timestamp: string;
  video: number;
  scan_id: string | null;
  scanned_at: string | null;
  stale: number;
}

function playerScanOf(row: PlayerScanRow): PlayerScan {
  return {
    tokenId: row.token_id,
    deviceId: row.device_id,
    sessionId: row.session_id,
    timestamp: row.timestamp,
    video: row.video === 1,
    ...present({ scanId: row.scan_id, scannedAt: row.scanned_at }),
    ...(row.stale === 1 ? { stale: true as const } : {}),
  };
}

const SESSION_WITH_COUNTS = `
  SELECT s.*,
    (SELECT COUNT(*) FROM transactions t WHERE t.session_id = s.id) AS transaction_count,
    (SELECT COUNT(*) FROM transactions t WHERE t.session_id = s.id AND t.status = 'accepted') AS accepted_count,
    (SELECT COUNT(*) FROM player_scans p WHERE p.session_id = s.id) AS player_scan_count
  FROM sessions s`;

/** The fields whose column is not NULL: the contract's optional fields are absent, never null. */
function present<T extends Record<string, string | null>>(fields: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null)) as { [K in keyof T]?: string };
}

function sessionRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    name: row.name,
    startTime: row.start_time,
    ...present({ endTime: row.end_time }),
    status: row.status,
  };
}

function sessionWithCounts(row: SessionCountsRow): Session {
  return {
    ...sessionRecord(row),
    transactionCount: row.transaction_count,
    acceptedCount: row.accepted_count,
    playerScanCount: row.player_scan_count,
  };
}

function transactionOf({ rejectionReason, ...row }: TransactionRow): Transaction {
  return { ...row, ...present({ rejectionReason }) };
}

type VideoItemRow = Omit<VideoItem, 'reason' | 'startedAt' | 'endedAt'> & { reason: string | null; startedAt: string | null; endedAt: string | null };
const VIDEO_ITEM_COLUMNS = `id, token_id AS tokenId, video, requested_by AS requestedBy, status, reason,
  requested_at AS requestedAt, started_at AS startedAt, ended_at AS endedAt`;

function videoItemOf({ reason, startedAt, endedAt, ...row }: VideoItemRow): VideoItem {
  return { ...row, ...present({ reason, startedAt, endedAt }) };
}

function sessionParams(session: SessionRecord) {
  return { ...session, endTime: session.endTime ?? null };
}

/**
 * The game log in one SQLite file. WAL with synchronous=FULL: a write has reached the disk
 * when the call returns, so what the server acknowledges survives a power cut or `kill -9`.
 */
export class SqliteStore implements GameStore, SettingsStore, VideoQueueStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(file: string) {
    if (file !== ':memory:') {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      // The file holds the admin token key and password hash: its owner alone reads it. SQLite
      // gives the -wal and -shm files the database file's mode.
      closeSync(openSync(file, 'a', 0o600));
      chmodSync(file, 0o600);
    }
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    if (file !== ':memory:') for (const side of [`${file}-wal`, `${file}-shm`]) if (existsSync(side)) chmodSync(side, 0o600);
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    try {
      migrate(this.db);
    } catch (error) {
      this.db.close();
      throw error;
    }
    const db = this.db;
    this.statements = {
      currentSession: db.prepare<[], SessionRow>(
        `SELECT * FROM sessions WHERE status != 'completed' ORDER BY start_time DESC, rowid DESC LIMIT 1`,
      ),
      insertSession: db.prepare(
        `INSERT INTO sessions (id, name, start_time, end_time, status) VALUES (@id, @name, @startTime, @endTime, @status)`,
      ),
      updateSession: db.prepare(`UPDATE sessions SET name = @name, end_time = @endTime, status = @status WHERE id = @id`),
      insertTransaction: db.prepare(
        `INSERT INTO transactions (id, session_id, token_id, team_id, scanner_id, timestamp, status, rejection_reason, points)
         VALUES (@id, @sessionId, @tokenId, @teamId, @scannerId, @timestamp, @status, @rejectionReason, @points)`,
      ),
      transactions: db.prepare<[string], TransactionRow>(`SELECT ${TRANSACTION_COLUMNS} FROM transactions WHERE session_id = ? ORDER BY seq`),
      transaction: db.prepare<[string], TransactionRow>(`SELECT ${TRANSACTION_COLUMNS} FROM transactions WHERE id = ?`),
      insertTeam: db.prepare(`INSERT INTO teams (session_id, team_id, name, created_at) VALUES (@sessionId, @teamId, @name, @createdAt)`),
      teams: db.prepare<[string], Team>(`SELECT team_id AS teamId, name, created_at AS createdAt FROM teams WHERE session_id = ? ORDER BY seq`),
      insertCorrection: db.prepare(
        `INSERT INTO corrections (id, session_id, position, kind, at, by, reason, transaction_id, team_id, points, new_transaction_id, name, previous_name)
         VALUES (@id, @sessionId, @position, @kind, @at, @by, @reason, @transactionId, @teamId, @points, @newTransactionId, @name, @previousName)`,
      ),
      corrections: db.prepare<[string], CorrectionRow>(`SELECT ${CORRECTION_COLUMNS} FROM corrections WHERE session_id = ? ORDER BY seq`),
      insertPlayerScan: db.prepare(
        `INSERT INTO player_scans (session_id, token_id, device_id, timestamp, video, scan_id, scanned_at, stale)
         VALUES (@sessionId, @tokenId, @deviceId, @timestamp, @video, @scanId, @scannedAt, @stale)`,
      ),
      playerScans: db.prepare<[string], PlayerScanRow>(`SELECT * FROM player_scans WHERE session_id = ? ORDER BY seq`),
      playerScanById: db.prepare<[string, string], PlayerScanRow>(`SELECT * FROM player_scans WHERE device_id = ? AND scan_id = ?`),
      sessions: db.prepare<[], SessionCountsRow>(`${SESSION_WITH_COUNTS} ORDER BY s.start_time DESC, s.rowid DESC`),
      session: db.prepare<[string], SessionCountsRow>(`${SESSION_WITH_COUNTS} WHERE s.id = ?`),
      saveVideoItem: db.prepare(
        `INSERT INTO video_items (id, token_id, video, requested_by, status, reason, requested_at, started_at, ended_at)
         VALUES (@id, @tokenId, @video, @requestedBy, @status, @reason, @requestedAt, @startedAt, @endedAt)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, reason = excluded.reason,
           started_at = excluded.started_at, ended_at = excluded.ended_at`,
      ),
      unfinishedVideoItems: db.prepare<[], VideoItemRow>(
        `SELECT ${VIDEO_ITEM_COLUMNS} FROM video_items WHERE status IN ('queued', 'playing') ORDER BY seq`,
      ),
      insertClockEvent: db.prepare(
        `INSERT INTO clock_events (session_id, at, kind, value, by) VALUES (@sessionId, @at, @kind, @value, @by)`,
      ),
      clockEvents: db.prepare<[string], ClockEvent>(
        `SELECT session_id AS sessionId, at, kind, value, by FROM clock_events WHERE session_id = ? ORDER BY seq`,
      ),
      getSetting: db.prepare<[string], { value: string }>(`SELECT value FROM settings WHERE key = ?`),
      setSetting: db.prepare(
        `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      ),
    };
  }

  currentSession(): SessionRecord | undefined {
    const row = this.statements.currentSession.get();
    return row && sessionRecord(row);
  }

  switchSession(ended: SessionRecord | undefined, started: SessionRecord, clockEvents: readonly ClockEvent[] = []): void {
    this.db.transaction(() => {
      if (ended) this.statements.updateSession.run(sessionParams(ended));
      this.statements.insertSession.run(sessionParams(started));
      this.insertClockEvents(clockEvents);
    })();
  }

  updateSession(session: SessionRecord, clockEvents: readonly ClockEvent[] = []): void {
    this.db.transaction(() => {
      this.statements.updateSession.run(sessionParams(session));
      this.insertClockEvents(clockEvents);
    })();
  }

  appendClockEvents(events: readonly ClockEvent[]): void {
    this.db.transaction(() => this.insertClockEvents(events))();
  }

  clockEvents(sessionId: string): ClockEvent[] {
    return this.statements.clockEvents.all(sessionId);
  }

  private insertClockEvents(events: readonly ClockEvent[]): void {
    for (const event of events) this.statements.insertClockEvent.run(event);
  }

  appendTransaction(transaction: Transaction): void {
    // As it was recorded: a void is a correction beside it, a completed group is derived.
    const { id, sessionId, tokenId, teamId, scannerId, timestamp, status, points } = transaction;
    this.statements.insertTransaction.run({ id, sessionId, tokenId, teamId, scannerId, timestamp, status, points, rejectionReason: transaction.rejectionReason ?? null });
  }

  /**
   * Group commit: the transactions and player scans in one SQLite transaction, so one WAL sync
   * makes all of them durable when the call returns (all or none are written). For a caller
   * that gathers the submits and scans of one tick and acknowledges them after this returns.
   */
  appendLog(batch: LogBatch): void {
    this.db.transaction(() => {
      for (const team of batch.teams ?? []) this.insertTeam(team);
      for (const transaction of batch.transactions) this.appendTransaction(transaction);
      for (const scan of batch.playerScans) this.appendPlayerScan(scan);
      for (const correction of batch.corrections ?? []) this.insertCorrection(correction);
    })();
  }

  transactions(sessionId: string): Transaction[] {
    return this.statements.transactions.all(sessionId).map(transactionOf);
  }

  transaction(id: string): Transaction | undefined {
    const row = this.statements.transaction.get(id);
    return row && transactionOf(row);
  }

  teams(sessionId: string): Team[] {
    return this.statements.teams.all(sessionId);
  }

  corrections(sessionId: string): StoredCorrection[] {
    return this.statements.corrections.all(sessionId).map(correctionOf);
  }

  private insertTeam(team: SessionTeam): void {
    this.statements.insertTeam.run({ sessionId: team.sessionId, teamId: team.teamId, name: team.name, createdAt: team.createdAt });
  }

  private insertCorrection(correction: StoredCorrection): void {
    if (correction.kind === 'clock') throw new Error('clock corrections are kept as clock events');
    this.statements.insertCorrection.run({
      id: correction.id,
      sessionId: correction.sessionId,
      position: correction.position,
      kind: correction.kind,
      at: correction.at,
      by: correction.by,
      reason: correction.reason ?? null,
      transactionId: correction.transactionId ?? null,
      teamId: correction.teamId ?? null,
      points: correction.points ?? null,
      newTransactionId: correction.newTransactionId ?? null,
      name: correction.name ?? null,
      previousName: correction.previousName ?? null,
    });
  }

  appendPlayerScan(scan: PlayerScan): void {
    const { tokenId, deviceId, sessionId, timestamp } = scan;
    this.statements.insertPlayerScan.run({
      tokenId,
      deviceId,
      sessionId,
      timestamp,
      video: scan.video ? 1 : 0,
      scanId: scan.scanId ?? null,
      scannedAt: scan.scannedAt ?? null,
      stale: scan.stale ? 1 : 0,
    });
  }

  playerScans(sessionId: string): PlayerScan[] {
    return this.statements.playerScans.all(sessionId).map(playerScanOf);
  }

  playerScanById(deviceId: string, scanId: string): PlayerScan | undefined {
    const row = this.statements.playerScanById.get(deviceId, scanId);
    return row && playerScanOf(row);
  }

  sessions(): Session[] {
    return this.statements.sessions.all().map(sessionWithCounts);
  }

  session(id: string): Session | undefined {
    const row = this.statements.session.get(id);
    return row && sessionWithCounts(row);
  }

  saveVideoItem(item: VideoItem): void {
    this.statements.saveVideoItem.run({
      ...item,
      reason: item.reason ?? null,
      startedAt: item.startedAt ?? null,
      endedAt: item.endedAt ?? null,
    });
  }

  unfinishedVideoItems(): VideoItem[] {
    return this.statements.unfinishedVideoItems.all().map(videoItemOf);
  }

  getSetting(key: string): string | undefined {
    return this.statements.getSetting.get(key)?.value;
  }

  setSetting(key: string, value: string): void {
    this.statements.setSetting.run(key, value);
  }

  /** The cue engine's state and firings, in the same file. */
  cueStore(): CueStore {
    return new SqliteCueStore(this.db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

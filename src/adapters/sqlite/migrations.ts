import type { Database } from 'better-sqlite3';

/**
 * Schema migrations, applied in order at start inside one transaction each.
 * `PRAGMA user_version` records how many have run. Never edit a shipped migration: add one.
 */
export const migrations: readonly string[] = [
  `
  CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    start_time  TEXT NOT NULL,
    end_time    TEXT,
    status      TEXT NOT NULL CHECK (status IN ('active', 'paused', 'completed'))
  );
  CREATE TABLE transactions (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    id                TEXT NOT NULL UNIQUE,
    session_id        TEXT NOT NULL REFERENCES sessions(id),
    token_id          TEXT NOT NULL,
    team_id           TEXT NOT NULL,
    scanner_id        TEXT NOT NULL,
    timestamp         TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('accepted', 'rejected', 'duplicate')),
    rejection_reason  TEXT,
    points            INTEGER NOT NULL
  );
  CREATE INDEX transactions_by_session ON transactions(session_id, seq);
  CREATE TABLE player_scans (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id  TEXT REFERENCES sessions(id),
    token_id    TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    timestamp   TEXT NOT NULL,
    video       INTEGER NOT NULL
  );
  CREATE INDEX player_scans_by_session ON player_scans(session_id, seq);
  CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
  );
  `,
  `
  CREATE TABLE video_items (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    token_id      TEXT NOT NULL,
    video         TEXT NOT NULL,
    requested_by  TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('queued', 'playing', 'completed', 'failed', 'skipped', 'stopped')),
    reason        TEXT,
    requested_at  TEXT NOT NULL,
    started_at    TEXT,
    ended_at      TEXT
  );
  CREATE INDEX video_items_unfinished ON video_items(status, seq);
  `,
  `
  CREATE TABLE clock_events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id  TEXT NOT NULL REFERENCES sessions(id),
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('start', 'pause', 'resume', 'stop', 'plan', 'adjust')),
    value       INTEGER,
    by          TEXT NOT NULL
  );
  CREATE INDEX clock_events_by_session ON clock_events(session_id, seq);
  `,
  `
  CREATE TABLE teams (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id  TEXT NOT NULL REFERENCES sessions(id),
    team_id     TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (session_id, team_id)
  );
  CREATE TABLE corrections (
    seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
    id                  TEXT NOT NULL UNIQUE,
    session_id          TEXT NOT NULL REFERENCES sessions(id),
    position            INTEGER NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('void', 'reassign', 'adjust', 'rename')),
    at                  TEXT NOT NULL,
    by                  TEXT NOT NULL,
    reason              TEXT,
    transaction_id      TEXT,
    team_id             TEXT,
    points              INTEGER,
    new_transaction_id  TEXT,
    name                TEXT,
    previous_name       TEXT
  );
  CREATE INDEX corrections_by_session ON corrections(session_id, seq);
  `,
  // A player scanner's own id for a scan makes a replay of it recognisable, across restarts.
  `
  ALTER TABLE player_scans ADD COLUMN scan_id TEXT;
  ALTER TABLE player_scans ADD COLUMN scanned_at TEXT;
  ALTER TABLE player_scans ADD COLUMN stale INTEGER NOT NULL DEFAULT 0;
  CREATE UNIQUE INDEX player_scans_by_scan_id ON player_scans(device_id, scan_id) WHERE scan_id IS NOT NULL;
  `,
  // Cues: what keeps one from firing twice or being forgotten across a restart, staff's
  // switches, and every firing for the session export.
  `
  CREATE TABLE cue_state (
    session_id     TEXT NOT NULL REFERENCES sessions(id),
    cue_id         TEXT NOT NULL,
    fired_count    INTEGER NOT NULL DEFAULT 0,
    last_fired_at  TEXT,
    last_result    TEXT,
    enabled        INTEGER,
    PRIMARY KEY (session_id, cue_id)
  );
  CREATE TABLE cue_firings (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id  TEXT NOT NULL REFERENCES sessions(id),
    cue_id      TEXT NOT NULL,
    trigger     TEXT NOT NULL,
    at          TEXT NOT NULL,
    results     TEXT NOT NULL
  );
  CREATE INDEX cue_firings_by_session ON cue_firings(session_id, seq);
  `,
];

export function migrate(db: Database): number {
  const applied = db.pragma('user_version', { simple: true }) as number;
  if (applied > migrations.length) {
    throw new Error(`database schema version ${applied} is newer than this build knows (${migrations.length})`);
  }
  for (let version = applied; version < migrations.length; version += 1) {
    db.transaction(() => {
      db.exec(migrations[version] ?? '');
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return migrations.length;
}

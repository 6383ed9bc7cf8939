import type Database from 'better-sqlite3';
import type { CueActionResult, CueFired } from '../../contract/index.js';
import type { CueState, CueStore } from '../../ports/cue-actions.js';

interface CueStateRow {
  cue_id: string;
  fired_count: number;
  last_fired_at: string | null;
  last_result: string | null;
  enabled: number | null;
}
interface CueFiringRow {
  cue_id: string;
  trigger: CueFired['trigger'];
  at: string;
  results: string;
}

/** The cue engine's state per session and its firings, in the game log's SQLite file. */
export class SqliteCueStore implements CueStore {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      states: db.prepare<[string], CueStateRow>(`SELECT * FROM cue_state WHERE session_id = ?`),
      saveState: db.prepare(
        `INSERT INTO cue_state (session_id, cue_id, fired_count, last_fired_at, last_result, enabled)
         VALUES (@sessionId, @cueId, @firedCount, @lastFiredAt, @lastResult, @enabled)
         ON CONFLICT (session_id, cue_id) DO UPDATE SET fired_count = excluded.fired_count,
           last_fired_at = excluded.last_fired_at, last_result = excluded.last_result, enabled = excluded.enabled`,
      ),
      appendFiring: db.prepare(
        `INSERT INTO cue_firings (session_id, cue_id, trigger, at, results) VALUES (@sessionId, @cueId, @trigger, @at, @results)`,
      ),
      firings: db.prepare<[string], CueFiringRow>(`SELECT cue_id, trigger, at, results FROM cue_firings WHERE session_id = ? ORDER BY seq`),
    };
  }

  cueStates(sessionId: string): CueState[] {
    return this.statements.states.all(sessionId).map((row) => ({
      cueId: row.cue_id,
      firedCount: row.fired_count,
      lastFiredAt: row.last_fired_at,
      lastResult: row.last_result === null ? null : (JSON.parse(row.last_result) as CueActionResult[]),
      enabled: row.enabled === null ? null : row.enabled === 1,
    }));
  }

  saveCueState(sessionId: string, state: CueState): void {
    this.statements.saveState.run({
      sessionId,
      cueId: state.cueId,
      firedCount: state.firedCount,
      lastFiredAt: state.lastFiredAt,
      lastResult: state.lastResult === null ? null : JSON.stringify(state.lastResult),
      enabled: state.enabled === null ? null : state.enabled ? 1 : 0,
    });
  }

  appendCueFiring(sessionId: string, firing: CueFired): void {
    this.statements.appendFiring.run({ sessionId, cueId: firing.cueId, trigger: firing.trigger, at: firing.at, results: JSON.stringify(firing.results) });
  }

  cueFirings(sessionId: string): CueFired[] {
    return this.statements.firings.all(sessionId).map((row) => ({
      cueId: row.cue_id,
      trigger: row.trigger,
      at: row.at,
      results: JSON.parse(row.results) as CueActionResult[],
    }));
  }
}

import type { ReassignResponse, ScoreAdjustResponse, Team, Transaction } from '../contract/index.js';

/** Who made a correction: `admin`, or a GM station (which may only undo its own scans). */
export type Corrector = { admin: true } | { stationId: string };

/**
 * Teams and corrections of the current session, as staff (HTTP) and GM stations (Socket.IO)
 * make them: each is written to the log before it is answered, then broadcast.
 */
export interface GameCorrections {
  teams(): Team[];
  /** Registers a team; a name another team has (without case) answers that team, `created: false`. */
  createTeam(name: string): { team: Team; created: boolean };
  renameTeam(teamId: string, name: string, by: Corrector): Team;
  voidTransaction(transactionId: string, reason: string, by: Corrector): Transaction;
  reassignTransaction(transactionId: string, teamId: string, reason: string, by: Corrector): ReassignResponse;
  adjustScore(teamId: string, points: number, reason: string, by: Corrector): ScoreAdjustResponse;
}

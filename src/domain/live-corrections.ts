import type { GameState, ReassignResponse, ScoreAdjustResponse, Team, Transaction } from '../contract/index.js';
import type { Corrector, GameCorrections } from '../ports/game-corrections.js';
import type { ShowNotifier } from '../ports/notifier.js';
import type { Game } from './game.js';

export interface LiveCorrectionsDeps {
  game: Game;
  notifier: ShowNotifier;
  /** Commits (and answers) the submissions waiting for their group commit, so a correction comes after them. */
  flushSubmissions: () => void;
  /** The whole state, for the `state:update` that follows each change. */
  state: () => GameState;
}

/** Teams and corrections as they happen in a live game: written by the game, then told to everyone. */
export class LiveCorrections implements GameCorrections {
  constructor(private readonly deps: LiveCorrectionsDeps) {}

  teams(): Team[] {
    return this.deps.game.teams();
  }

  createTeam(name: string): { team: Team; created: boolean } {
    this.deps.flushSubmissions();
    const outcome = this.deps.game.registerTeam(name);
    if (outcome.created) this.stateChanged();
    return outcome;
  }

  renameTeam(teamId: string, name: string, by: Corrector): Team {
    this.deps.flushSubmissions();
    const team = this.deps.game.renameTeam(teamId, name, by);
    this.stateChanged();
    return team;
  }

  voidTransaction(transactionId: string, reason: string, by: Corrector): Transaction {
    this.deps.flushSubmissions();
    const voided = this.deps.game.voidTransaction(transactionId, reason, by);
    this.deps.notifier.transactionUpdated(voided);
    this.stateChanged();
    return voided;
  }

  reassignTransaction(transactionId: string, teamId: string, reason: string, by: Corrector): ReassignResponse {
    this.deps.flushSubmissions();
    const outcome = this.deps.game.reassignTransaction(transactionId, teamId, reason, by);
    this.deps.notifier.transactionUpdated(outcome.voided);
    this.deps.notifier.transactionRecorded(outcome.transaction);
    this.stateChanged();
    return outcome;
  }

  adjustScore(teamId: string, points: number, reason: string, by: Corrector): ScoreAdjustResponse {
    this.deps.flushSubmissions();
    const outcome = this.deps.game.adjustScore(teamId, points, reason, by);
    this.stateChanged();
    return outcome;
  }

  private stateChanged(): void {
    this.deps.notifier.stateChanged(this.deps.state);
  }
}

import type { AckResponse, Transaction } from '../../contract/index.js';
import { byId, formatPoints, groupText, type NameOf } from '../shared/render.js';
import { teamButton, type PickableTeam } from './team-picker.js';

export type ResultKind = 'accepted' | 'duplicate' | 'rejected' | 'queued' | 'held' | 'voided';

/** The reason the GM station gives the orchestrator for an Undo (kept in the audit trail). */
export const UNDO_REASON = 'Undone at the GM station';

export interface ResultActions {
  /** Sends `transaction:void` for the station's own transaction; `undefined` when no answer came. */
  undo(tx: Transaction): Promise<AckResponse<Transaction> | undefined>;
  /** Submits the token again for another team (the right one), choosing that team. */
  recordFor(tokenId: string, teamId: string): void;
  teams(): PickableTeam[];
  nameOf: NameOf;
}

/**
 * What the GM sees after a scan: the answer in one big line, a completed group on its own
 * line, and for the station's latest accepted scan an Undo button. After an Undo the token is
 * offered again as one button per team ("Record … for"), so a scan for the wrong team is put
 * right with two taps.
 */
export class LastResult {
  private readonly line = byId('result');
  private readonly groupLine = byId('result-group');
  private readonly undoButton = byId<HTMLButtonElement>('undo');
  private readonly reassign = byId('reassign');
  private readonly reassignTitle = byId('reassign-title');
  private readonly reassignTeams = byId('reassign-teams');
  /** The accepted transaction the Undo button undoes. */
  private undoable: Transaction | undefined;
  /** The transaction just undone, whose token the team buttons record again. */
  private undone: Transaction | undefined;
  /** The Undo on its way: its own `transaction:updated` may come before its answer. */
  private undoing: Transaction | undefined;

  constructor(
    private readonly actions: ResultActions,
    private readonly stationId: () => string,
  ) {
    this.undoButton.addEventListener('click', () => void this.undo());
    this.reassignTeams.addEventListener('click', (event) => {
      const button = (event.target as Element).closest<HTMLButtonElement>('button[data-team-id]');
      const teamId = button?.dataset.teamId;
      const undone = this.undone;
      if (teamId === undefined || !undone) return;
      this.actions.recordFor(undone.tokenId, teamId);
    });
  }

  /** A message that is not a transaction's answer (queued, held, refused, discarded). */
  say(text: string, kind: ResultKind): void {
    this.show(text, kind);
    this.offer(undefined, undefined);
  }

  /** The answer to a scan this station just sent. */
  transaction(tx: Transaction): void {
    const team = this.actions.nameOf(tx.teamId);
    if (tx.status === 'accepted') this.show(`Accepted ${tx.tokenId}: +${formatPoints(tx.points)} points for ${team}`, 'accepted', groupText(tx));
    else if (tx.status === 'duplicate') this.show(`Duplicate ${tx.tokenId}: ${tx.rejectionReason ?? 'already scanned'}`, 'duplicate');
    else this.show(`Rejected ${tx.tokenId}: ${tx.rejectionReason ?? 'not accepted'}`, 'rejected');
    this.offer(this.canUndo(tx) ? tx : undefined, undefined);
  }

  /** A scan the station had already sent, answered with the original transaction. */
  alreadyRecorded(tx: Transaction): void {
    const was = tx.voided ? 'voided' : tx.status === 'accepted' ? `accepted, +${formatPoints(tx.points)} points` : tx.status;
    this.show(`Already recorded ${tx.tokenId} for ${this.actions.nameOf(tx.teamId)} (${was}): nothing new`, 'duplicate');
    this.offer(this.canUndo(tx) ? tx : undefined, undefined);
  }

  /** A transaction changed (voided, here or by staff): an Undo for it goes. */
  updated(tx: Transaction): void {
    if (this.undoable?.id === tx.id && tx.voided && this.undoing?.id !== tx.id) this.offer(undefined, this.undone);
  }

  /** The teams changed: the picker shows them as they are now. */
  teamsChanged(): void {
    if (this.undone) this.drawReassign(this.undone);
  }

  private canUndo(tx: Transaction): boolean {
    return tx.status === 'accepted' && !tx.voided && tx.scannerId === this.stationId();
  }

  private show(text: string, kind: ResultKind, group?: string): void {
    this.line.textContent = text;
    this.line.className = `result ${kind}`;
    this.groupLine.textContent = group ?? '';
    this.groupLine.hidden = group === undefined;
  }

  private offer(undoable: Transaction | undefined, undone: Transaction | undefined): void {
    this.undoing = undefined;
    this.undoable = undoable;
    this.undone = undone;
    this.undoButton.hidden = undoable === undefined;
    this.undoButton.disabled = false;
    this.reassign.hidden = undone === undefined;
    if (undone) this.drawReassign(undone);
    else {
      this.reassignTeams.replaceChildren();
      delete this.reassignTeams.dataset.drawn;
    }
  }

  private drawReassign(undone: Transaction): void {
    this.reassignTitle.textContent = `Record ${undone.tokenId} for:`;
    const teams = this.actions.teams().filter((team) => team.teamId !== undone.teamId);
    const drawn = JSON.stringify([undone.id, teams]);
    if (this.reassignTeams.dataset.drawn === drawn) return;
    this.reassignTeams.dataset.drawn = drawn;
    this.reassignTeams.replaceChildren(...teams.map((team) => teamButton(team, `Record ${undone.tokenId} for ${team.name}`)));
  }

  private async undo(): Promise<void> {
    const tx = this.undoable;
    if (!tx || this.undoing) return;
    this.undoing = tx;
    this.undoButton.disabled = true;
    const response = await this.actions.undo(tx);
    // Another scan's answer came in meanwhile: that is what the GM looks at now.
    if (this.undoing !== tx) return;
    this.undoing = undefined;
    const team = this.actions.nameOf(tx.teamId);
    if (!response) {
      this.show(`Not undone: the orchestrator cannot be reached — ${tx.tokenId} still counts for ${team}`, 'rejected');
      this.undoButton.disabled = false;
      return;
    }
    if (!response.ok) {
      this.show(`Not undone: ${response.error.message}`, 'rejected');
      this.offer(undefined, undefined);
      return;
    }
    this.show(`Undone: ${tx.tokenId} no longer counts for ${team}`, 'voided');
    this.offer(undefined, response.data);
  }
}

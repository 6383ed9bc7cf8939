import type { ReassignResponse, ScoreAdjustResponse, Team, Transaction } from '../../contract/index.js';
import { byId, formatPoints, renderRecent, signedPoints, transactionItem, withTransaction, type NameOf } from '../shared/render.js';
import { failureText, type ApiCall } from './admin-api.js';
import { parsePoints } from './points-input.js';

const KEPT = 500;
const SHOWN = 100;

type Pending = { kind: 'void' | 'reassign'; tx: Transaction };

/**
 * Corrections on /admin: the session's transactions, each accepted one with Void and Reassign
 * (a dialog asks for the reason, and the team for a reassignment), and the Adjust score form.
 * A refusal from the orchestrator is shown where it was asked, and nothing is changed on the
 * page until the orchestrator has said yes.
 */
export class Corrections {
  private transactions: Transaction[] = [];
  private teams: readonly Team[] = [];
  private pending: Pending | undefined;
  /** Each transaction's list item, rebuilt only when what it shows changes. */
  private readonly items = new Map<string, { drawn: string; item: HTMLLIElement }>();
  private readonly dialog = byId<HTMLDialogElement>('correction-dialog');
  private readonly reason = byId<HTMLInputElement>('correction-reason');
  private readonly teamSelect = byId<HTMLSelectElement>('correction-team');
  private readonly dialogError = byId('correction-error');
  private readonly confirm = byId<HTMLButtonElement>('correction-confirm');

  constructor(
    private readonly api: ApiCall,
    private readonly nameOf: NameOf,
  ) {
    byId('filter').addEventListener('input', () => this.render());
    byId('recent').addEventListener('click', (event) => {
      const button = (event.target as Element).closest<HTMLButtonElement>('button[data-action]');
      const tx = this.transactions.find((t) => t.id === button?.closest('li')?.dataset.transactionId);
      const kind = button?.dataset.action;
      if (tx && (kind === 'void' || kind === 'reassign')) this.ask({ kind, tx });
    });
    byId<HTMLFormElement>('correction-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.correct();
    });
    byId('correction-cancel').addEventListener('click', () => this.dialog.close());
    this.dialog.addEventListener('close', () => {
      this.pending = undefined;
    });
    byId<HTMLFormElement>('adjust-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.adjust();
    });
  }

  /** The session's transactions, from `sync:full`. */
  replaceAll(transactions: Transaction[]): void {
    this.transactions = transactions.slice(-KEPT);
    this.render();
  }

  /** A new transaction, or a known one as it is now (voided). */
  remember(tx: Transaction): void {
    const known = this.transactions.find((t) => t.id === tx.id);
    if (known?.voided && !tx.voided) return;
    this.transactions = withTransaction(this.transactions, tx, KEPT);
    this.render();
  }

  showTeams(teams: readonly Team[]): void {
    const changed = JSON.stringify(teams) !== JSON.stringify(this.teams);
    this.teams = teams;
    if (!changed) return;
    fillTeams(byId<HTMLSelectElement>('adjust-team'), teams);
    if (this.pending?.kind === 'reassign') fillTeams(this.teamSelect, this.otherTeams(this.pending.tx));
    this.render();
  }

  render(): void {
    const filter = byId<HTMLInputElement>('filter').value.trim().toLowerCase();
    const shown = filter
      ? this.transactions.filter((t) => [t.teamId, this.nameOf(t.teamId), t.tokenId].some((text) => text.toLowerCase().includes(filter)))
      : this.transactions;
    renderRecent(shown, this.nameOf, SHOWN, (tx) => this.item(tx));
  }

  private item(tx: Transaction): HTMLLIElement {
    const name = this.nameOf(tx.teamId);
    const drawn = JSON.stringify([name, tx.voided?.at ?? null, tx.status]);
    const kept = this.items.get(tx.id);
    if (kept?.drawn === drawn) return kept.item;
    const item = transactionItem(tx, this.nameOf);
    if (tx.status === 'accepted' && !tx.voided) {
      const actions = Object.assign(document.createElement('span'), { className: 'tx-actions' });
      for (const [kind, text] of [['void', 'Void'], ['reassign', 'Reassign']] as const) {
        const button = Object.assign(document.createElement('button'), { type: 'button', className: 'secondary small', textContent: text });
        button.dataset.action = kind;
        button.setAttribute('aria-label', `${text} ${tx.tokenId} for ${name}`);
        actions.append(button);
      }
      item.append(' ', actions);
    }
    if (this.items.size > KEPT * 2) this.items.clear();
    this.items.set(tx.id, { drawn, item });
    return item;
  }

  private otherTeams(tx: Transaction): Team[] {
    return this.teams.filter((team) => team.teamId !== tx.teamId);
  }

  private ask(pending: Pending): void {
    const { kind, tx } = pending;
    const team = this.nameOf(tx.teamId);
    this.pending = pending;
    this.dialogError.textContent = '';
    this.reason.value = '';
    byId('correction-team-row').hidden = kind !== 'reassign';
    if (kind === 'void') {
      byId('correction-title').textContent = `Void ${tx.tokenId} for ${team}?`;
      byId('correction-text').textContent =
        `${team} loses its ${formatPoints(tx.points)} points for ${tx.tokenId} (group bonuses are worked out again), and the token can be scanned again.`;
      this.confirm.textContent = 'Void transaction';
    } else {
      byId('correction-title').textContent = `Give ${tx.tokenId} to another team?`;
      byId('correction-text').textContent = `It stops counting for ${team} and is recorded, accepted, for the team chosen here.`;
      fillTeams(this.teamSelect, this.otherTeams(tx));
      this.confirm.textContent = 'Reassign transaction';
    }
    if (!this.dialog.open) this.dialog.showModal();
    (kind === 'reassign' ? this.teamSelect : this.reason).focus();
  }

  private async correct(): Promise<void> {
    const pending = this.pending;
    if (!pending) return;
    const reason = this.reason.value.trim();
    const teamId = this.teamSelect.value;
    if (pending.kind === 'reassign' && !teamId) {
      this.dialogError.textContent = 'Choose the team it belongs to (add it under Teams if it is not there)';
      return;
    }
    if (!reason) {
      this.dialogError.textContent = 'A reason is required: it is kept with the correction';
      this.reason.focus();
      return;
    }
    const path = `/api/transactions/${encodeURIComponent(pending.tx.id)}/${pending.kind}`;
    this.confirm.disabled = true;
    try {
      if (pending.kind === 'void') {
        const voided = await this.api<Transaction>('POST', path, { reason });
        this.remember(voided);
        this.say(`Voided ${voided.tokenId} for ${this.nameOf(voided.teamId)}`);
      } else {
        const answer = await this.api<ReassignResponse>('POST', path, { teamId, reason });
        this.remember(answer.voided);
        this.remember(answer.transaction);
        this.say(`Reassigned ${answer.transaction.tokenId} from ${this.nameOf(answer.voided.teamId)} to ${this.nameOf(answer.transaction.teamId)}`);
      }
      if (this.pending === pending) this.dialog.close();
    } catch (failure) {
      this.dialogError.textContent = `${pending.kind === 'void' ? 'Not voided' : 'Not reassigned'}: ${failureText(failure)}`;
    } finally {
      this.confirm.disabled = false;
    }
  }

  private say(text: string): void {
    byId('corrections-message').textContent = text;
  }

  private async adjust(): Promise<void> {
    const message = byId('adjust-message');
    const teamId = byId<HTMLSelectElement>('adjust-team').value;
    const pointsField = byId<HTMLInputElement>('adjust-points');
    const reasonField = byId<HTMLInputElement>('adjust-reason');
    const points = parsePoints(pointsField.value);
    const reason = reasonField.value.trim();
    const problem = !teamId
      ? 'Choose a team (no team is registered yet)'
      : points === undefined
        ? 'Points: a whole number other than 0, with − to take points off (−75000)'
        : !reason
          ? 'A reason is required: it is kept with the adjustment'
          : undefined;
    message.classList.toggle('error', problem !== undefined);
    if (problem !== undefined || points === undefined) {
      message.textContent = problem ?? '';
      return;
    }
    try {
      const { score } = await this.api<ScoreAdjustResponse>('POST', '/api/scores/adjust', { teamId, points, reason });
      pointsField.value = '';
      reasonField.value = '';
      message.textContent = `Adjusted ${score.name} by ${signedPoints(points)}: score now ${formatPoints(score.currentScore)}`;
    } catch (failure) {
      message.classList.add('error');
      message.textContent = `Not adjusted: ${failureText(failure)}`;
    }
  }
}

/** Fills a team select with these teams (by name), keeping the choice when it is still there. */
function fillTeams(select: HTMLSelectElement, teams: readonly Team[]): void {
  const chosen = select.value;
  select.replaceChildren(...teams.map((team) => new Option(team.name, team.teamId)));
  if (teams.some((team) => team.teamId === chosen)) select.value = chosen;
}

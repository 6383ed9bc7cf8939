import type { Team } from '../../contract/index.js';
import { byId, teamNameElement } from '../shared/render.js';
import { failureText, type ApiCall } from './admin-api.js';

interface TeamRow {
  item: HTMLLIElement;
  name: HTMLElement;
  origin: HTMLElement;
  rename: HTMLButtonElement;
  /** The rename form while it is open: kept through state updates, so typing is never wiped. */
  form: HTMLFormElement | undefined;
}

/**
 * The Teams card: the session's teams in the order they registered, each with a Rename
 * control (PATCH /api/teams/:teamId), and a form that registers a new one (POST /api/teams).
 * Rows are kept per team and changed in place, so a state update never closes a rename being
 * typed or swallows a tap.
 */
export class TeamsCard {
  private readonly list = byId('team-list');
  private readonly message = byId('teams-message');
  private readonly rows = new Map<string, TeamRow>();
  private teams: readonly Team[] = [];
  private fieldCount = 0;

  constructor(private readonly api: ApiCall) {
    byId<HTMLFormElement>('new-team-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.add();
    });
  }

  show(teams: readonly Team[]): void {
    this.teams = teams;
    for (const [teamId, row] of this.rows) {
      if (teams.some((team) => team.teamId === teamId)) continue;
      row.item.remove();
      this.rows.delete(teamId);
    }
    const items = teams.map((team) => {
      const row = this.rows.get(team.teamId) ?? this.row(team);
      this.rows.set(team.teamId, row);
      row.name.textContent = team.name;
      row.name.title = team.name;
      row.origin.textContent = team.name === team.teamId ? '' : `registered as ${team.teamId}`;
      row.origin.title = row.origin.textContent;
      row.rename.setAttribute('aria-label', `Rename ${team.name}`);
      return row.item;
    });
    // Moves only what is out of place: a row in order is left alone.
    items.forEach((item, index) => {
      if (this.list.children[index] !== item) this.list.insertBefore(item, this.list.children[index] ?? null);
    });
    byId('no-teams').hidden = teams.length > 0;
  }

  private say(text: string, failed = false): void {
    this.message.textContent = text;
    this.message.classList.toggle('error', failed);
  }

  private row(team: Team): TeamRow {
    const item = document.createElement('li');
    item.dataset.teamId = team.teamId;
    const name = teamNameElement(team.name, 'strong');
    const origin = Object.assign(document.createElement('span'), { className: 'muted team-origin' });
    const rename = Object.assign(document.createElement('button'), { type: 'button', className: 'secondary', textContent: 'Rename' });
    const row: TeamRow = { item, name, origin, rename, form: undefined };
    rename.addEventListener('click', () => this.openRename(row, team.teamId));
    item.append(name, origin, rename);
    return row;
  }

  private openRename(row: TeamRow, teamId: string): void {
    if (row.form) {
      row.form.querySelector('input')?.focus();
      return;
    }
    const current = this.teams.find((team) => team.teamId === teamId)?.name ?? teamId;
    const id = `rename-${++this.fieldCount}`;
    const form = Object.assign(document.createElement('form'), { className: 'rename-form', noValidate: true });
    const label = Object.assign(document.createElement('label'), { htmlFor: id, textContent: `New name for ${current}` });
    const input = Object.assign(document.createElement('input'), { id, value: current, maxLength: 64, autocomplete: 'off' });
    const save = Object.assign(document.createElement('button'), { type: 'submit', textContent: 'Save name' });
    const cancel = Object.assign(document.createElement('button'), { type: 'button', className: 'secondary', textContent: 'Cancel' });
    const error = Object.assign(document.createElement('p'), { className: 'error' });
    error.setAttribute('role', 'alert');
    const buttons = Object.assign(document.createElement('div'), { className: 'row' });
    buttons.append(save, cancel);
    form.append(label, input, buttons, error);
    const close = () => {
      form.remove();
      row.form = undefined;
      row.rename.hidden = false;
      row.rename.focus();
    };
    cancel.addEventListener('click', close);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const name = input.value.trim();
      if (!name) {
        error.textContent = 'A team name must not be empty';
        return;
      }
      save.disabled = true;
      this.api<Team>('PATCH', `/api/teams/${encodeURIComponent(teamId)}`, { name })
        .then((renamed) => {
          close();
          this.say(`Renamed ${current} to ${renamed.name}`);
        })
        .catch((failure: unknown) => {
          error.textContent = `Not renamed: ${failureText(failure)}`;
        })
        .finally(() => {
          save.disabled = false;
        });
    });
    row.form = form;
    row.rename.hidden = true;
    row.item.append(form);
    input.focus();
    input.select();
  }

  private async add(): Promise<void> {
    const input = byId<HTMLInputElement>('new-team-name');
    const name = input.value.trim();
    if (!name) {
      this.say('Type the new team’s name first', true);
      return;
    }
    // Known before asking: the state update that lists a new team may come before the answer.
    const before = this.teams;
    try {
      const team = await this.api<Team>('POST', '/api/teams', { name });
      input.value = '';
      // A team of that name (without case) was there: said as such, not as a new one.
      const existed = before.some((known) => known.teamId === team.teamId);
      this.say(existed ? `${team.name} is already registered` : `Added ${team.name}`);
      if (!this.teams.some((known) => known.teamId === team.teamId)) this.show([...this.teams, team]);
    } catch (failure) {
      this.say(`Team not added: ${failureText(failure)}`, true);
    }
  }
}

import type { AckResponse, Team } from '../../contract/index.js';
import { byId } from '../shared/render.js';
import type { TeamPicker } from './team-picker.js';

/**
 * "New team": a name typed in, registered with the orchestrator and chosen. While the
 * orchestrator cannot register it (offline, or no game yet) the team is kept on this page and
 * registered by its first scan, so scans for it queue or are held like any other.
 */
export class NewTeamForm {
  private readonly row = byId('new-team-row');
  private readonly toggle = byId('new-team-open');
  private readonly input = byId<HTMLInputElement>('new-team');
  private readonly createButton = byId<HTMLButtonElement>('new-team-create');
  private readonly error = byId('new-team-error');
  private creating = false;

  constructor(
    private readonly picker: TeamPicker,
    /** Sends `team:create`; `undefined` when it could not be sent or no answer came. */
    private readonly register: (name: string) => Promise<AckResponse<Team> | undefined>,
    private readonly created: () => void,
  ) {
    this.toggle.addEventListener('click', () => this.open(this.row.hidden));
    this.createButton.addEventListener('click', () => void this.create());
    this.input.addEventListener('keydown', (event) => {
      // Enter here creates the team; it does not submit the scan form around it.
      if (event.key !== 'Enter') return;
      event.preventDefault();
      void this.create();
    });
  }

  private open(open: boolean): void {
    this.row.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
    this.error.textContent = '';
    if (open) this.input.focus();
  }

  private async create(): Promise<void> {
    const name = this.input.value.trim();
    if (this.creating) return;
    if (!name) {
      this.error.textContent = 'Type the team’s name first';
      return;
    }
    const known = this.picker.find(name);
    if (known) this.picker.select(known.teamId);
    else {
      this.creating = true;
      this.createButton.disabled = true;
      let response: AckResponse<Team> | undefined;
      try {
        response = await this.register(name);
      } finally {
        this.creating = false;
        this.createButton.disabled = false;
      }
      if (response?.ok) this.picker.add({ teamId: response.data.teamId, name: response.data.name, pending: false });
      else if (!response || response.error.code === 'SESSION_NOT_FOUND') this.picker.add({ teamId: name, name, pending: true });
      else {
        this.error.textContent = response.error.message;
        return;
      }
    }
    this.input.value = '';
    this.open(false);
    this.created();
  }
}

import type { GameState, Team } from '../../contract/index.js';
import { teamNameElement } from '../shared/render.js';

/**
 * A team a station can score for: registered in the session, or typed in here while the
 * orchestrator could not register it (offline, or no game yet), in which case the first scan
 * for it registers it.
 */
export interface PickableTeam {
  teamId: string;
  name: string;
  pending: boolean;
}

/** Team names are unique in a session without case, as the orchestrator compares them. */
export function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * A big button for one team: its name (wrapped, or cut short with the whole name in its
 * title) and a tick that shows only while it is the chosen team. `label` replaces the
 * accessible name where the button does more than choose (the reassign picker).
 */
export function teamButton(team: PickableTeam, label?: string): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset.teamId = team.teamId;
  button.title = team.pending ? `${team.name}: registered with its first scan` : team.name;
  if (label) button.setAttribute('aria-label', label);
  const tick = Object.assign(document.createElement('span'), { className: 'tick', textContent: '✓' });
  tick.setAttribute('aria-hidden', 'true');
  const name = teamNameElement(team.name);
  name.removeAttribute('title');
  button.append(tick, name);
  if (team.pending) button.classList.add('pending');
  return button;
}

/** Where the chosen team is kept (the tab's storage), so a reload keeps it. */
export interface ChosenTeamMemory {
  team: string;
}

/**
 * The GM's teams as a grid of buttons, in the order they were registered, the chosen one
 * pressed. The buttons are rebuilt only when the teams change, never on a state update that
 * leaves them as they are, so a tap is not lost to a redraw in a busy game.
 */
export class TeamPicker {
  private registered: readonly Team[] = [];
  /** Teams added on this page that the state does not list yet, and the session they were added in. */
  private added: { team: PickableTeam; sessionId: string | null | undefined }[] = [];
  private sessionId: string | null | undefined;
  private drawn = '';

  constructor(
    private readonly grid: HTMLElement,
    private readonly memory: ChosenTeamMemory,
    private readonly onChange: () => void,
  ) {
    grid.addEventListener('click', (event) => {
      const button = (event.target as Element).closest<HTMLButtonElement>('button[data-team-id]');
      const teamId = button?.dataset.teamId;
      if (teamId !== undefined) this.select(teamId);
    });
  }

  get teams(): PickableTeam[] {
    const registered = this.registered.map((team) => ({ teamId: team.teamId, name: team.name, pending: false }));
    const extra = this.added.map((a) => a.team).filter((team) => !registered.some((r) => r.teamId === team.teamId || sameName(r.name, team.name)));
    return [...registered, ...extra];
  }

  get current(): PickableTeam | undefined {
    return this.teams.find((team) => team.teamId === this.memory.team);
  }

  readonly nameOf = (teamId: string): string => this.teams.find((team) => team.teamId === teamId)?.name ?? teamId;

  /** The team of that name (without case) or id, if the page knows it. */
  find(name: string): PickableTeam | undefined {
    return this.teams.find((team) => team.teamId === name.trim() || sameName(team.name, name));
  }

  showState(state: GameState): void {
    this.registered = state.teams;
    if (state.sessionId !== this.sessionId) {
      // A new game: teams this page registered in the last one are gone; typed-in ones stay
      // with the scans that wait for them.
      this.added = this.added.filter((a) => a.team.pending || a.sessionId === state.sessionId);
      this.sessionId = state.sessionId;
    }
    for (const a of this.added) {
      const now = state.teams.find((team) => team.teamId === a.team.teamId || sameName(team.name, a.team.name));
      if (now && this.memory.team === a.team.teamId) this.memory.team = now.teamId;
    }
    this.added = this.added.filter((a) => !state.teams.some((team) => team.teamId === a.team.teamId || sameName(team.name, a.team.name)));
    // A team the game no longer has (a reset) is not left chosen without a button to show it.
    if (this.memory.team && !this.current) this.memory.team = '';
    this.render();
  }

  /** Adds a team this page registered or typed in, and chooses it. */
  add(team: PickableTeam): void {
    const known = this.find(team.name);
    if (!known) this.added.push({ team, sessionId: this.sessionId });
    this.select(known?.teamId ?? team.teamId);
  }

  select(teamId: string): void {
    this.memory.team = teamId;
    this.render();
  }

  private render(): void {
    const teams = this.teams;
    const drawn = JSON.stringify(teams);
    if (drawn !== this.drawn) {
      this.drawn = drawn;
      this.grid.replaceChildren(...teams.map((team) => teamButton(team)));
    }
    for (const button of this.grid.querySelectorAll<HTMLButtonElement>('button[data-team-id]')) {
      button.setAttribute('aria-pressed', String(button.dataset.teamId === this.memory.team));
    }
    this.onChange();
  }
}

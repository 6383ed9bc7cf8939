/**
 * What a GM tablet keeps between visits (localStorage: the station token, the last name,
 * each station's secret) and what one tab keeps for itself (sessionStorage: its station, its
 * chosen team, and whether another tab took that station from it). A reload keeps the tab's station; a second
 * tab starts at the setup form, so two tabs never fight over one name on their own.
 */
export class StationMemory {
  constructor(
    private readonly device: Storage = localStorage,
    private readonly tab: Storage = sessionStorage,
  ) {}

  get token(): string {
    // Tablets set up before the token was kept across restarts had it in the tab only.
    return this.device.getItem(TOKEN_KEY) ?? this.tab.getItem(TOKEN_KEY) ?? '';
  }

  set token(token: string) {
    if (token) this.device.setItem(TOKEN_KEY, token);
    else this.device.removeItem(TOKEN_KEY);
    this.tab.removeItem(TOKEN_KEY);
  }

  get lastName(): string {
    return this.device.getItem(LAST_NAME_KEY) ?? '';
  }

  /** The station this tab speaks for; empty until the setup form is sent. */
  get station(): string {
    return this.tab.getItem(STATION_KEY) ?? '';
  }

  set station(name: string) {
    this.tab.setItem(STATION_KEY, name);
    this.device.setItem(LAST_NAME_KEY, name);
  }

  /** The team this tab last chose, so a reload does not leave the GM without one. */
  get team(): string {
    return this.tab.getItem(TEAM_KEY) ?? '';
  }

  set team(teamId: string) {
    if (teamId) this.tab.setItem(TEAM_KEY, teamId);
    else this.tab.removeItem(TEAM_KEY);
  }

  secretOf(name: string): string | undefined {
    return this.device.getItem(`${SECRET_PREFIX}${name}`) ?? undefined;
  }

  keepSecret(name: string, secret: string): void {
    this.device.setItem(`${SECRET_PREFIX}${name}`, secret);
  }

  /** Set while another tab holds this tab's station, so that a reload does not take it back unasked. */
  get takenOver(): boolean {
    return this.tab.getItem(TAKEN_OVER_KEY) === '1';
  }

  set takenOver(taken: boolean) {
    if (taken) this.tab.setItem(TAKEN_OVER_KEY, '1');
    else this.tab.removeItem(TAKEN_OVER_KEY);
  }

  /**
   * The token brought by the admin page's QR code (`/gm#token=…`): kept, then wiped from the
   * address bar so it is never on screen, in the history or in a bookmark.
   */
  takeTokenFromAddress(): boolean {
    const token = new URLSearchParams(location.hash.slice(1)).get('token');
    if (token === null) return false;
    history.replaceState(history.state, '', `${location.pathname}${location.search}`);
    this.token = token.trim();
    return true;
  }
}

const TOKEN_KEY = 'gm.stationToken';
const LAST_NAME_KEY = 'gm.lastStationName';
const STATION_KEY = 'gm.stationId';
const TEAM_KEY = 'gm.teamId';
const TAKEN_OVER_KEY = 'gm.takenOver';
const SECRET_PREFIX = 'gm.stationSecret.';

import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  DisplayMode,
  DisplayState,
  ErrorPayload,
  GameClock,
  GameState,
  LoginResponse,
  ServerToClientEvents,
  Session,
  ShowToken,
  StationAccessResponse,
  StatusResponse,
  Team,
  TlsInfo,
  VideoOverview,
} from '../../contract/index.js';
import { DeviceList } from '../shared/device-list.js';
import { GameClockDisplay } from '../shared/game-clock.js';
import { byId, renderScores, renderTvStatus, renderVideo } from '../shared/render.js';
import { ApiError, failureText } from './admin-api.js';
import { Confirmation } from './confirmation.js';
import { Corrections } from './corrections.js';
import { showStationAccess } from './station-access.js';
import { showCertificate } from './certificate-card.js';
import { TeamsCard } from './teams-card.js';
import { CuesCard } from './cues-card.js';
import { PreflightCard } from './preflight-card.js';

const TOKEN_KEY = 'admin.token';
const SECTIONS = [
  'preflight-card',
  'session-card',
  'video-card',
  'cues-card',
  'scores-card',
  'teams-card',
  'transactions-card',
  'adjust-card',
  'stations-card',
  'certificate-card',
  'devices-card',
  'system-card',
  'history-card',
];

type AdminSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let token = sessionStorage.getItem(TOKEN_KEY) ?? '';
let socket: AdminSocket | undefined;
const devices = new DeviceList();
let session: Session | null = null;
let teams: readonly Team[] = [];
const nameOf = (teamId: string): string => teams.find((team) => team.teamId === teamId)?.name ?? teamId;

/** Calls the admin API with the session's token; a 401 sends the person back to the login. */
async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.ok) return (await response.json()) as T;
  const error = (await response.json().catch(() => ({ code: 'SERVER_ERROR', message: response.statusText }))) as ErrorPayload;
  if (response.status === 401) logOut(error.message);
  throw new ApiError(response.status, error.code, error.message);
}

const teamsCard = new TeamsCard(api);
const cuesCard = new CuesCard(api);
const preflightCard = new PreflightCard(api);
const corrections = new Corrections(api, nameOf);

function say(message: string): void {
  byId('session-message').textContent = message;
}

/** Runs an admin action and reports its failure in words instead of failing silently. */
function act(action: () => Promise<unknown>): void {
  action().catch((error: unknown) => say(failureText(error)));
}

/** Runs the actions one after the other, each failure said and the next one run anyway. */
async function inTurn(actions: readonly (() => Promise<unknown>)[]): Promise<void> {
  for (const action of actions) await action().catch((error: unknown) => say(failureText(error)));
}

function renderSession(): void {
  byId('session-text').textContent = session
    ? `${session.name} — ${session.status} · ${session.transactionCount} transactions · ${session.playerScanCount} player scans`
    : 'No session: start a new one';
  byId<HTMLButtonElement>('pause-session').disabled = session?.status !== 'active';
  byId<HTMLButtonElement>('resume-session').disabled = session?.status !== 'paused';
  byId<HTMLButtonElement>('end-session').disabled = session === null;
}

let lastState: GameState | undefined;

function renderSystem(state: GameState): void {
  lastState = state;
  const items = [
    `Orchestrator: ${state.systemStatus.orchestratorOnline ? 'online' : 'offline'}`,
    `TV (mpv): ${state.systemStatus.videoDisplayReady ? 'ready' : 'not ready'}`,
    ...(state.systemStatus.audioReady === false ? ['TV sound: not working (no audio output: clips play without sound)'] : []),
    ...(state.systemStatus.displayConnected === undefined
      ? []
      : [`TV on HDMI: ${state.systemStatus.displayConnected ? 'connected' : 'not connected (check the cable and that the TV is on)'}`]),
    ...soundLines(state.systemStatus.sound),
    `Reset button: ${state.systemStatus.resetButton}`,
    ...(state.systemStatus.lastReset
      ? [`Last reset: by ${state.systemStatus.lastReset.source} at ${new Date(state.systemStatus.lastReset.at).toLocaleTimeString()}`]
      : []),
    ...healthLines(),
  ];
  byId('system').replaceChildren(...items.map((text) => Object.assign(document.createElement('li'), { textContent: text })));
}

/** The sound-effects player: ready or not, how many sounds play, and its last error. */
function soundLines(sound: GameState['systemStatus']['sound']): string[] {
  if (!sound) return [];
  const now = sound.ready ? `ready${sound.playing > 0 ? `, playing ${sound.playing}` : ''}` : 'not ready';
  return [`Sound effects: ${now}${sound.lastError === undefined ? '' : ` (last error: ${sound.lastError})`}`];
}

let health: StatusResponse['health'] = null;

/** The health sample is sampled by the server every 10 s; the page reads it as often. */
async function refreshHealth(): Promise<void> {
  health = (await api<StatusResponse>('GET', '/api/status')).health;
}

function healthLines(): string[] {
  if (!health) return [];
  const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;
  const t = health.throttling;
  return [
    ...(health.temperatureC === undefined ? [] : [`Temperature: ${health.temperatureC} °C`]),
    ...(t ? [`Power: ${t.underVoltageNow ? 'UNDER-VOLTAGE now' : t.underVoltageSinceBoot ? 'under-voltage since boot' : 'ok'}${t.throttledNow ? ', throttled' : ''}`] : []),
    `CPU: ${health.cpuPercent}% · load ${health.load1.toFixed(2)}`,
    `Memory free: ${gb(health.memory.availableBytes)} of ${gb(health.memory.totalBytes)}`,
    ...(health.disk ? [`Disk free: ${gb(health.disk.freeBytes)} of ${gb(health.disk.totalBytes)}`] : []),
    `Up: ${Math.floor(health.uptimeSeconds / 3600)} h ${Math.floor((health.uptimeSeconds % 3600) / 60)} min`,
  ];
}

const clockDisplay = new GameClockDisplay();
let clock: GameClock | undefined;
/** The planned length last shown in the field, so an update does not overwrite what is being typed. */
let plannedShown: number | null | undefined;

function showClock(next: GameClock | undefined, sentAt?: string): void {
  clock = next;
  clockDisplay.show(next, sentAt);
  for (const id of ['set-length', 'clock-minus', 'clock-plus']) byId<HTMLButtonElement>(id).disabled = next === undefined;
  const planned = next?.plannedMs ?? null;
  const field = byId<HTMLInputElement>('planned-minutes');
  if (planned !== plannedShown && document.activeElement !== field) {
    field.value = planned === null ? '' : String(Math.round(planned / 60_000));
    plannedShown = planned;
  }
}

function applyState(state: GameState, sentAt?: string): void {
  teams = state.teams;
  renderScores(state.scores);
  teamsCard.show(state.teams);
  corrections.showTeams(state.teams);
  renderVideo(state.video);
  renderTvStatus(state.systemStatus);
  renderSystem(state);
  showClock(state.clock, sentAt);
  showDisplayMode(state.display?.mode);
}

function showDisplayMode(mode: DisplayMode | undefined): void {
  for (const input of document.querySelectorAll<HTMLInputElement>('input[name="display-mode"]')) input.checked = input.value === mode;
}

async function refreshVideo(): Promise<void> {
  const overview = await api<VideoOverview>('GET', '/api/video');
  byId('video-queue').replaceChildren(
    ...overview.queue.map((item) => Object.assign(document.createElement('li'), { textContent: `${item.tokenId} (${item.requestedBy})` })),
  );
}

async function refreshHistory(): Promise<void> {
  const sessions = await api<Session[]>('GET', '/api/sessions');
  byId('history').replaceChildren(
    ...sessions.map((entry) => {
      const row = document.createElement('tr');
      for (const text of [entry.name, entry.status, new Date(entry.startTime).toLocaleString(), String(entry.transactionCount)]) {
        row.append(Object.assign(document.createElement('td'), { textContent: text }));
      }
      const exports = document.createElement('td');
      for (const format of ['json', 'csv'] as const) {
        const button = Object.assign(document.createElement('button'), { type: 'button', className: 'secondary', textContent: format.toUpperCase() });
        button.setAttribute('aria-label', `Export ${entry.name} as ${format.toUpperCase()}`);
        button.addEventListener('click', () => act(() => download(entry, format)));
        exports.append(button);
      }
      row.append(exports);
      return row;
    }),
  );
}

/** Exports need the token in a header, so they are fetched and handed over as a file. */
async function download(session: Session, format: 'json' | 'csv'): Promise<void> {
  const response = await fetch(`/api/sessions/${encodeURIComponent(session.id)}/export?format=${format}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`export failed (${response.status})`);
  const link = Object.assign(document.createElement('a'), {
    href: URL.createObjectURL(await response.blob()),
    download: `session-${session.id}.${format}`,
  });
  link.click();
  URL.revokeObjectURL(link.href);
}

async function loadTokens(): Promise<void> {
  const tokens = await api<ShowToken[]>('GET', '/api/tokens');
  byId('video-token').replaceChildren(
    ...tokens.filter((t) => t.video !== undefined).map((t) => new Option(`${t.id} — ${t.video ?? ''}`, t.id)),
  );
}

async function loadStationAccess(): Promise<void> {
  await showStationAccess(await api<StationAccessResponse>('GET', '/api/station-access'));
}

async function loadCertificate(): Promise<void> {
  await showCertificate(await api<TlsInfo>('GET', '/api/tls'));
}

function connect(): void {
  socket?.close();
  const next: AdminSocket = io({ transports: ['websocket'], auth: { token }, reconnectionDelayMax: 30_000 });
  socket = next;
  next.on('connect', () => {
    byId('connection').textContent = 'Online';
    byId('connection').classList.add('online');
    next.emit('state:request', {});
  });
  next.on('disconnect', () => {
    byId('connection').textContent = 'Offline';
    byId('connection').classList.remove('online');
  });
  next.on('connect_error', () => byId('connection').classList.remove('online'));
  next.on('sync:full', (e) => {
    session = e.data.session;
    renderSession();
    applyState(e.data.state, e.timestamp);
    corrections.replaceAll(e.data.transactions);
    devices.replace(e.data.devices);
    act(refreshHistory);
    act(refreshVideo);
    act(() => cuesCard.refresh());
  });
  next.on('state:update', (e) => applyState(e.data, e.timestamp));
  next.on('transaction:new', (e) => {
    if (session?.id === e.data.sessionId) {
      const accepted = e.data.status === 'accepted' ? 1 : 0;
      session = { ...session, transactionCount: session.transactionCount + 1, acceptedCount: session.acceptedCount + accepted };
      renderSession();
    }
    corrections.remember(e.data);
  });
  next.on('transaction:updated', (e) => corrections.remember(e.data.transaction));
  next.on('video:status', (e) => {
    renderVideo(e.data);
    if (e.data.status === 'loading' || e.data.status === 'idle') act(refreshVideo);
  });
  next.on('cue:fired', (e) => cuesCard.fired(e.data));
  next.on('device:connected', (e) => devices.connected(e));
  next.on('device:disconnected', (e) => devices.disconnected(e));
}

function showApp(): void {
  byId('login').hidden = true;
  byId('logout').hidden = false;
  for (const id of SECTIONS) byId(id).hidden = false;
  connect();
  act(loadTokens);
  // One request after the other: each request at once may be a connection of its own, and
  // connections per address are capped (MAX_CONNECTIONS_PER_ADDRESS).
  void inTurn([loadStationAccess, loadCertificate, () => cuesCard.refresh(), () => preflightCard.run()]);
  const pollHealth = () =>
    act(async () => {
      await refreshHealth();
      if (lastState) renderSystem(lastState);
    });
  pollHealth();
  healthTimer ??= setInterval(() => {
    if (token) pollHealth();
  }, 10_000);
}

let healthTimer: ReturnType<typeof setInterval> | undefined;

function logOut(reason = ''): void {
  token = '';
  sessionStorage.removeItem(TOKEN_KEY);
  socket?.close();
  socket = undefined;
  showClock(undefined);
  for (const id of SECTIONS) byId(id).hidden = true;
  byId('login').hidden = false;
  byId('logout').hidden = true;
  byId('login-error').textContent = reason;
  byId<HTMLInputElement>('password').focus();
}

byId<HTMLFormElement>('login').addEventListener('submit', (event) => {
  event.preventDefault();
  const password = byId<HTMLInputElement>('password').value;
  void fetch('/api/admin/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) })
    .then(async (response) => {
      if (!response.ok) {
        byId('login-error').textContent = ((await response.json()) as ErrorPayload).message;
        return;
      }
      token = ((await response.json()) as LoginResponse).token;
      sessionStorage.setItem(TOKEN_KEY, token);
      byId<HTMLInputElement>('password').value = '';
      byId('login-error').textContent = '';
      showApp();
    })
    .catch(() => {
      byId('login-error').textContent = 'The orchestrator cannot be reached';
    });
});

byId('logout').addEventListener('click', () => logOut());
const setStatus = (status: Session['status']) => act(async () => say(`Session ${(await api<Session>('PATCH', '/api/session', { status })).status}`));
byId('pause-session').addEventListener('click', () => setStatus('paused'));
byId('resume-session').addEventListener('click', () => setStatus('active'));

const confirmation = (id: string) => new Confirmation(byId<HTMLDialogElement>(`${id}-dialog`), byId(`${id}-dialog-text`), byId(`${id}-confirm`), byId(`${id}-cancel`));
const endConfirmation = confirmation('end');
const newSessionConfirmation = confirmation('new-session');
/** A session that has not been completed: ending or replacing it ends a game people are playing. */
const running = (): Session | null => (session && session.status !== 'completed' ? session : null);

byId('end-session').addEventListener('click', () => {
  const current = running();
  if (!current) return;
  endConfirmation.ask(
    `End “${current.name}”? Scoring stops and the session is archived; stations get no game until a new one starts.`,
    () => setStatus('completed'),
  );
});

/** The server's name for an unnamed session, fixed here so the confirmation names what starts. */
const generatedName = () => `Game ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`;

byId<HTMLFormElement>('new-session-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const typed = byId<HTMLInputElement>('session-name').value.trim();
  const start = (name: string | undefined) =>
    act(async () => {
      const started = await api<Session>('POST', '/api/session', name ? { name } : {});
      byId<HTMLInputElement>('session-name').value = '';
      say(`Started ${started.name}`);
    });
  const current = running();
  if (!current) {
    start(typed || undefined);
    return;
  }
  const name = typed || generatedName();
  newSessionConfirmation.ask(
    `Start “${name}”? “${current.name}” ends and is archived with its scores; every station moves to the new game.`,
    () => start(name),
  );
});

/** Sends a clock correction; the answer shows at once, even before the stations' update comes in. */
async function correctClock(correction: { plannedMinutes?: number | null; adjustSeconds?: number }): Promise<GameClock> {
  const corrected = await api<GameClock>('PATCH', '/api/session/clock', correction);
  if (!clock || Date.parse(corrected.asOf) >= Date.parse(clock.asOf)) showClock(corrected);
  return corrected;
}

byId<HTMLFormElement>('clock-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const field = byId<HTMLInputElement>('planned-minutes');
  // The field's own limits (min, max, whole minutes) say it before the server would.
  if (!field.validity.valid) {
    say(`Planned length: whole minutes from ${field.min} to ${field.max}, or empty for none`);
    return;
  }
  const text = field.value.trim();
  const plannedMinutes = text === '' ? null : Number(text);
  act(async () => {
    await correctClock({ plannedMinutes });
    say(plannedMinutes === null ? 'No planned length: the clock counts up' : `Planned length set to ${plannedMinutes} min`);
  });
});

/**
 * The buttons move the time the clock shows by a minute, the way its digits go: with a planned
 * length that is the time left, so a minute more of it is a minute less of elapsed time;
 * without one, the elapsed time. Elapsed time never goes below zero (the server's rule), so the
 * time left cannot go past the planned length: that takes a longer planned length.
 */
function nudge(minutes: 1 | -1): void {
  const countingDown = clock !== undefined && clock.plannedMs !== null;
  const adjustSeconds = (countingDown ? -60 : 60) * minutes;
  act(async () => {
    const corrected = await correctClock({ adjustSeconds });
    if (adjustSeconds < 0 && corrected.elapsedMs === 0) {
      say(countingDown ? 'The full planned length is left: set a longer one to give more time' : 'The clock is back at the start');
    } else say(minutes > 0 ? 'Added a minute to the clock' : 'Took a minute off the clock');
  });
}
byId('clock-minus').addEventListener('click', () => nudge(-1));
byId('clock-plus').addEventListener('click', () => nudge(1));

const resetConfirmation = confirmation('reset');
byId('reset').addEventListener('click', () => {
  const current = running();
  resetConfirmation.ask(
    current
      ? `“${current.name}” ends and is archived with its scores; a fresh session starts, every station moves to it and the TV returns to idle.`
      : 'No game is running: a fresh session starts, every station moves to it and the TV returns to idle.',
    () => act(async () => say(`Game reset: ${(await api<Session>('POST', '/api/reset')).name} started`)),
  );
});

const video = (body: Record<string, string>) => act(() => api<VideoOverview>('POST', '/api/video', body).then(() => refreshVideo()));
byId('video-play').addEventListener('click', () => video({ action: 'play', tokenId: byId<HTMLSelectElement>('video-token').value }));
byId('video-pause').addEventListener('click', () => video({ action: 'pause' }));
byId('video-resume').addEventListener('click', () => video({ action: 'resume' }));
byId('video-skip').addEventListener('click', () => video({ action: 'skip' }));
byId('video-stop').addEventListener('click', () => video({ action: 'stop' }));
byId('display-mode').addEventListener('change', (event) => {
  const mode = (event.target as HTMLInputElement).value as DisplayMode;
  act(async () => showDisplayMode((await api<DisplayState>('POST', '/api/display', { mode })).mode));
});

if (token) showApp();
else byId<HTMLInputElement>('password').focus();

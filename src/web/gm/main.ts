import { io, type Socket } from 'socket.io-client';
import type {
  AckResponse,
  ClientToServerEvents,
  GameState,
  GmIdentified,
  ServerToClientEvents,
  Transaction,
  TransactionSubmit,
} from '../../contract/index.js';
import { offerNfc } from './nfc.js';
import { OfflineQueue } from './offline-queue.js';
import { DeviceList } from '../shared/device-list.js';
import { byId, renderRecent, renderScores, renderTeams, renderVideo } from '../shared/render.js';

/** The last name used on this device, offered again; the tab's own station lives in sessionStorage. */
const LAST_NAME_KEY = 'gm.lastStationName';
const STATION_KEY = 'gm.stationId';
const TOKEN_KEY = 'gm.stationToken';
const ACK_TIMEOUT_MS = 5000;
const HEARTBEAT_MS = 10_000;

type StationSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let queue = new OfflineQueue('');
let socket: StationSocket | undefined;
// A reload keeps the tab's station; a second tab starts at the setup form, so two tabs never fight over one name.
let stationId = sessionStorage.getItem(STATION_KEY) ?? '';
let identified = false;
let flushing = false;
let state: GameState | undefined;
let transactions: Transaction[] = [];
const devices = new DeviceList();
const localTeams: string[] = [];

function setConnection(text: string, online: boolean): void {
  const pill = byId('connection');
  pill.textContent = text;
  pill.classList.toggle('online', online);
}

function showQueued(): void {
  const badge = byId('queued');
  const size = queue.size;
  badge.hidden = size === 0;
  badge.textContent = `Offline — ${size} queued`;
}

function showResult(text: string, kind: 'accepted' | 'duplicate' | 'rejected' | 'queued'): void {
  const result = byId('result');
  result.textContent = text;
  result.className = `result ${kind}`;
}

function showTransaction(tx: Transaction): void {
  if (tx.status === 'accepted') showResult(`Accepted ${tx.tokenId}: +${tx.points.toLocaleString()} points for ${tx.teamId}`, 'accepted');
  else if (tx.status === 'duplicate') showResult(`Duplicate ${tx.tokenId}: ${tx.rejectionReason ?? 'already scanned'}`, 'duplicate');
  else showResult(`Rejected ${tx.tokenId}: ${tx.rejectionReason ?? 'not accepted'}`, 'rejected');
}

function applyState(next: GameState): void {
  state = next;
  renderScores(next.scores);
  renderVideo(next.video);
  renderTeams(next, localTeams);
}

function remember(tx: Transaction): void {
  if (transactions.some((t) => t.id === tx.id)) return;
  transactions = [...transactions, tx].slice(-100);
  renderRecent(transactions);
}

type Outcome = { kind: 'done'; response: AckResponse<Transaction> } | { kind: 'unreachable' };

/** Sends one scan; resolves `unreachable` when the ack does not come (the scan is then kept). */
async function send(scan: TransactionSubmit): Promise<Outcome> {
  if (!socket?.connected || !identified) return { kind: 'unreachable' };
  try {
    const response = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('transaction:submit', scan)) as AckResponse<Transaction>;
    return { kind: 'done', response };
  } catch {
    return { kind: 'unreachable' };
  }
}

/** Sends the queued scans in order; stops at the first one that cannot get through. */
async function flush(): Promise<void> {
  if (flushing) return;
  flushing = true;
  try {
    for (let pending = queue.list()[0]; pending !== undefined; pending = queue.list()[0]) {
      const outcome = await send(pending);
      if (outcome.kind === 'unreachable') break;
      if (!outcome.response.ok && outcome.response.error.code === 'RATE_LIMITED') {
        await new Promise((resolve) => setTimeout(resolve, 250));
        continue;
      }
      queue.shift();
      if (outcome.response.ok) remember(outcome.response.data);
      showQueued();
    }
  } finally {
    flushing = false;
    showQueued();
  }
}

async function submit(scan: TransactionSubmit): Promise<void> {
  if (queue.size > 0 || !identified) {
    queue.push(scan);
    showQueued();
    showResult(`Queued ${scan.tokenId}: it will be sent when the connection is back`, 'queued');
    void flush();
    return;
  }
  const outcome = await send(scan);
  if (outcome.kind === 'unreachable') {
    queue.push(scan);
    showQueued();
    showResult(`Queued ${scan.tokenId}: it will be sent when the connection is back`, 'queued');
    return;
  }
  if (outcome.response.ok) {
    remember(outcome.response.data);
    showTransaction(outcome.response.data);
  } else showResult(`Not sent: ${outcome.response.error.message}`, 'rejected');
}

function connect(token: string): void {
  socket?.close();
  const next: StationSocket = io({
    transports: ['websocket'],
    auth: token ? { token } : {},
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 30_000,
  });
  socket = next;
  next.on('connect', () => {
    setConnection('Connecting…', false);
    void next
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('gm:identify', { stationId, version: '1.0.0' })
      .then((response) => {
        const ack = response as AckResponse<GmIdentified>;
        if (!ack.ok) {
          setConnection(ack.error.message, false);
          return;
        }
        identified = true;
        setConnection('Online', true);
        applyState(ack.data.state);
        next.emit('state:request', {});
        void flush();
      })
      .catch(() => setConnection('No answer', false));
  });
  next.on('disconnect', (reason) => {
    identified = false;
    // The server closes a connection when another tab or tablet identifies with the same name.
    setConnection(reason === 'io server disconnect' ? 'Taken over by another tab with this name' : 'Offline', false);
  });
  next.on('connect_error', (error) => {
    const data = (error as Error & { data?: { message?: string } }).data;
    setConnection('Offline', false);
    byId('setup-error').textContent = data?.message ?? '';
  });
  next.on('state:update', (e) => applyState(e.data));
  next.on('transaction:new', (e) => remember(e.data));
  next.on('video:status', (e) => renderVideo(e.data));
  next.on('device:connected', (e) => devices.connected(e));
  next.on('device:disconnected', (e) => devices.disconnected(e));
  next.on('sync:full', (e) => {
    const reset = e.data.state.systemStatus.lastReset;
    if (reset && state && reset.at !== state.systemStatus.lastReset?.at) {
      showResult(`New game: reset ${reset.source === 'button' ? 'by the button' : 'by the admin'}`, 'queued');
    }
    applyState(e.data.state);
    transactions = e.data.transactions;
    renderRecent(transactions);
    devices.replace(e.data.devices);
  });
}

function start(name: string, token: string): void {
  stationId = name;
  queue = new OfflineQueue(name);
  sessionStorage.setItem(STATION_KEY, name);
  localStorage.setItem(LAST_NAME_KEY, name);
  sessionStorage.setItem(TOKEN_KEY, token);
  byId('setup').hidden = true;
  byId('scan').hidden = false;
  byId('station-label').textContent = `— ${name}`;
  showQueued();
  connect(token);
  byId<HTMLInputElement>('token').focus();
}

byId<HTMLFormElement>('setup').addEventListener('submit', (event) => {
  event.preventDefault();
  const name = byId<HTMLInputElement>('station-name').value.trim();
  if (name) start(name, byId<HTMLInputElement>('station-token').value);
});

byId<HTMLSelectElement>('team').addEventListener('change', () => {
  byId('new-team-row').hidden = byId<HTMLSelectElement>('team').value !== '__new__';
});

/** Submits a token for the chosen team, from the field or from an NFC tag. */
function submitToken(tokenId: string): void {
  const tokenInput = byId<HTMLInputElement>('token');
  const select = byId<HTMLSelectElement>('team');
  const teamId = select.value === '__new__' ? byId<HTMLInputElement>('new-team').value.trim() : select.value;
  if (!tokenId) return;
  if (!teamId) {
    showResult('Choose a team first', 'rejected');
    return;
  }
  if (!localTeams.includes(teamId)) localTeams.push(teamId);
  if (state) renderTeams(state, localTeams);
  byId<HTMLSelectElement>('team').value = teamId;
  byId('new-team-row').hidden = true;
  tokenInput.value = '';
  tokenInput.focus();
  void submit({ tokenId, teamId, scannerId: stationId });
}

byId<HTMLFormElement>('scan-form').addEventListener('submit', (event) => {
  event.preventDefault();
  submitToken(byId<HTMLInputElement>('token').value.trim());
});

offerNfc(byId<HTMLButtonElement>('nfc'), submitToken, (message) => showResult(message, 'rejected'));

setInterval(() => {
  if (socket?.connected && identified) socket.emit('heartbeat', { stationId });
}, HEARTBEAT_MS);

byId<HTMLInputElement>('station-name').value = stationId || (localStorage.getItem(LAST_NAME_KEY) ?? '');
renderTeams({ sessionId: null, lastUpdate: '', video: { status: 'idle' }, scores: [], recentTransactions: [], systemStatus: { orchestratorOnline: true, videoDisplayReady: false, resetButton: 'unavailable' } }, localTeams);
const savedToken = sessionStorage.getItem(TOKEN_KEY) ?? '';
if (stationId) start(stationId, savedToken);

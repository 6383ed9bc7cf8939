import type { AckResponse, GameState, Team, Transaction, TransactionSubmit } from '../../contract/index.js';
import { offerNfc, offerSecureAddress } from './nfc.js';
import { HeldScans, type HoldReason } from './held-scans.js';
import { LastResult, UNDO_REASON, type ResultKind } from './last-result.js';
import { OfflineQueue } from './offline-queue.js';
import { StationLink, type LinkState, type StationSocket } from './station-link.js';
import { StationMemory } from './station-memory.js';
import { NewTeamForm } from './new-team-form.js';
import { TeamPicker } from './team-picker.js';
import { DeviceList } from '../shared/device-list.js';
import { GameClockDisplay } from '../shared/game-clock.js';
import { byId, renderRecent, renderScores, renderTvStatus, renderVideo, withTransaction } from '../shared/render.js';

const ACK_TIMEOUT_MS = 5000;
const HEARTBEAT_MS = 10_000;

const memory = new StationMemory();
let stationId = memory.station;
let queue = new OfflineQueue(stationId);
let held = new HeldScans(stationId);
let sendingHeld = false;
let link: StationLink | undefined;
let flushing = false;
let state: GameState | undefined;
let transactions: Transaction[] = [];
const devices = new DeviceList();
const clock = new GameClockDisplay();
const picker = new TeamPicker(byId('teams'), memory, showTeams);
const result = new LastResult(
  {
    undo: (tx) =>
      ask<Transaction>((socket) => socket.timeout(ACK_TIMEOUT_MS).emitWithAck('transaction:void', { transactionId: tx.id, reason: UNDO_REASON })),
    recordFor: (tokenId, teamId) => {
      picker.select(teamId);
      void submit({ tokenId, teamId });
      byId<HTMLInputElement>('token').focus();
    },
    teams: () => picker.teams,
    nameOf: picker.nameOf,
  },
  () => stationId,
);
new NewTeamForm(
  picker,
  (name) => ask<Team>((socket) => socket.timeout(ACK_TIMEOUT_MS).emitWithAck('team:create', { name })),
  () => byId<HTMLInputElement>('token').focus(),
);

/** The chosen team beside the Submit button too, and the reassign picker's teams as they are now. */
function showTeams(): void {
  const current = picker.current;
  byId('submit-team').textContent = current ? ` for ${current.name}` : '';
  byId('submit').title = current ? `Submit for ${current.name}` : 'Choose a team first';
  byId('no-teams').hidden = picker.teams.length > 0;
  result.teamsChanged();
}

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

function showResult(text: string, kind: ResultKind): void {
  result.say(text, kind);
}

/** `sentAt`: the timestamp of the envelope the state came in, when it came in one. */
function applyState(next: GameState, sentAt?: string): void {
  const teamsBefore = JSON.stringify(state?.teams);
  state = next;
  renderScores(next.scores);
  renderVideo(next.video);
  renderTvStatus(next.systemStatus);
  const message = byId('cue-message');
  message.hidden = next.display?.message === undefined;
  message.textContent = next.display?.message ?? '';
  picker.showState(next);
  // A renamed team shows its new name in the list too.
  if (JSON.stringify(next.teams) !== teamsBefore) showRecent();
  clock.show(next.clock, sentAt);
}

function showRecent(): void {
  renderRecent(transactions, picker.nameOf);
}

/** Keeps a transaction the page has been told of: a new one, or a known one as it is now (voided). */
function remember(tx: Transaction): void {
  const known = transactions.find((t) => t.id === tx.id);
  if (known && known.voided !== undefined && tx.voided === undefined) return;
  transactions = withTransaction(transactions, tx, 100);
  showRecent();
}

function updated(tx: Transaction): void {
  remember(tx);
  result.updated(tx);
}

/** Sends an event that is not a scan (an Undo, a new team); `undefined` when no answer came. */
async function ask<T>(send: (socket: StationSocket) => Promise<unknown>): Promise<AckResponse<T> | undefined> {
  if (!link?.identified) return undefined;
  try {
    return (await send(link.socket)) as AckResponse<T>;
  } catch {
    return undefined;
  }
}

/** The domain's PAUSED_REASON (src/domain/game.ts), which the page does not bundle. */
const PAUSED_REASON = 'session is paused';
const HOLD_WORDS: Record<HoldReason, string> = { paused: 'the game is paused', 'no-game': 'no game running' };

/** Whether the orchestrator refused a scan only because no game is running; such scans are held, not dropped. */
function holdReason(response: AckResponse<Transaction>): HoldReason | undefined {
  if (!response.ok) return response.error.code === 'SESSION_NOT_FOUND' ? 'no-game' : undefined;
  return response.data.status === 'rejected' && response.data.rejectionReason === PAUSED_REASON ? 'paused' : undefined;
}

function showHeld(): void {
  const list = held.list();
  byId('held').hidden = list.length === 0;
  byId<HTMLButtonElement>('send-held').disabled = sendingHeld;
  byId('held-list').replaceChildren(
    ...list.map((entry) => {
      const item = document.createElement('li');
      const what = Object.assign(document.createElement('span'), { className: 'held-scan', textContent: `${entry.scan.tokenId} for ${entry.scan.teamId}` });
      const why = Object.assign(document.createElement('span'), { className: 'muted', textContent: `held: ${HOLD_WORDS[entry.reason]}` });
      const discard = Object.assign(document.createElement('button'), { type: 'button', className: 'secondary', textContent: 'Discard', disabled: sendingHeld });
      discard.setAttribute('aria-label', `Discard ${entry.scan.tokenId} for ${entry.scan.teamId}`);
      discard.addEventListener('click', () => {
        held.remove(entry.id);
        showHeld();
        showResult(`Discarded ${entry.scan.tokenId} for ${entry.scan.teamId}: it was not sent`, 'queued');
      });
      item.append(what, why, discard);
      return item;
    }),
  );
}

function hold(scan: TransactionSubmit, reason: HoldReason): void {
  held.hold(scan, reason);
  showHeld();
  showResult(`Held: ${HOLD_WORDS[reason]} — ${scan.tokenId} for ${scan.teamId} kept below`, 'held');
}

/** Shows the answer to a scan, holding it when it was refused only because no game runs. */
/**
 * `knownBefore`: the transactions the page had seen when it sent the scan. A resubmission is
 * answered with the original transaction, which is then among them (a fresh one is not: its
 * `transaction:new` arrives just before the answer), and says so instead of "Accepted" again.
 */
function answered(scan: TransactionSubmit, response: AckResponse<Transaction>, knownBefore: ReadonlySet<string>): void {
  const reason = holdReason(response);
  if (response.ok) remember(response.data);
  if (reason) hold(scan, reason);
  else if (response.ok && knownBefore.has(response.data.id)) result.alreadyRecorded(response.data);
  else if (response.ok) result.transaction(response.data);
  else showResult(`Not sent: ${response.error.message}`, 'rejected');
}

type Outcome = { kind: 'done'; response: AckResponse<Transaction> } | { kind: 'unreachable' };

/** Sends one scan; resolves `unreachable` when the ack does not come (the scan is then kept). */
async function send(scan: TransactionSubmit): Promise<Outcome> {
  if (!link?.identified) return { kind: 'unreachable' };
  try {
    const response = (await link.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('transaction:submit', scan)) as AckResponse<Transaction>;
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
      const reason = holdReason(outcome.response);
      if (reason) hold(pending, reason);
      else if (outcome.response.ok) remember(outcome.response.data);
      showQueued();
    }
  } finally {
    flushing = false;
    showQueued();
  }
}

async function submit(scan: TransactionSubmit): Promise<void> {
  if (queue.size > 0 || !link?.identified) {
    queue.push(scan);
    showQueued();
    showResult(`Queued ${scan.tokenId}: it will be sent when the connection is back`, 'queued');
    void flush();
    return;
  }
  const knownBefore = new Set(transactions.map((tx) => tx.id));
  const outcome = await send(scan);
  if (outcome.kind === 'unreachable') {
    queue.push(scan);
    showQueued();
    showResult(`Queued ${scan.tokenId}: it will be sent when the connection is back`, 'queued');
    return;
  }
  answered(scan, outcome.response, knownBefore);
}

/** Sends the held scans in order through the same path; those refused again stay held, in place. */
async function sendHeld(): Promise<void> {
  if (sendingHeld) return;
  sendingHeld = true;
  showHeld();
  let sent = 0;
  let unreachable = false;
  try {
    for (const entry of held.list()) {
      if (!held.has(entry.id)) continue;
      let outcome = await send(entry.scan);
      while (outcome.kind === 'done' && !outcome.response.ok && outcome.response.error.code === 'RATE_LIMITED') {
        await new Promise((resolve) => setTimeout(resolve, 250));
        outcome = await send(entry.scan);
      }
      if (outcome.kind === 'unreachable') {
        unreachable = true;
        break;
      }
      const reason = holdReason(outcome.response);
      if (reason) {
        held.stillHeld(entry.id, reason);
        continue;
      }
      held.remove(entry.id);
      sent += 1;
      if (outcome.response.ok) {
        remember(outcome.response.data);
        result.transaction(outcome.response.data);
      } else showResult(`Not sent: ${outcome.response.error.message}`, 'rejected');
    }
  } finally {
    sendingHeld = false;
    showHeld();
  }
  const left = held.list();
  const first = left[0];
  if (unreachable) showResult('Held scans not sent: the orchestrator cannot be reached', 'held');
  else if (first) showResult(`Held: ${HOLD_WORDS[first.reason]} — ${left.length} still held${sent > 0 ? `, ${sent} sent` : ''}`, 'held');
}

function showLink(status: LinkState): void {
  byId('taken-over').hidden = status.kind !== 'taken-over';
  switch (status.kind) {
    case 'connecting':
      setConnection('Connecting…', false);
      return;
    case 'online':
      setConnection('Online', true);
      byId('setup-error').textContent = '';
      applyState(status.identified.state);
      link?.socket.emit('state:request', {});
      void flush();
      return;
    case 'offline':
      setConnection('Offline', false);
      return;
    case 'taken-over':
      setConnection('Taken over by another tab with this name', false);
      return;
    case 'refused':
      setConnection(status.message, false);
      return;
    case 'token-refused':
      setConnection('Station token refused', false);
      byId('setup').hidden = false;
      byId('setup-error').textContent = status.message;
      byId<HTMLInputElement>('station-token').focus();
      return;
  }
}

function listen(socket: StationSocket): void {
  socket.on('state:update', (e) => applyState(e.data, e.timestamp));
  socket.on('transaction:new', (e) => remember(e.data));
  socket.on('transaction:updated', (e) => updated(e.data.transaction));
  socket.on('video:status', (e) => renderVideo(e.data));
  socket.on('device:connected', (e) => devices.connected(e));
  socket.on('device:disconnected', (e) => devices.disconnected(e));
  socket.on('sync:full', (e) => {
    const reset = e.data.state.systemStatus.lastReset;
    if (reset && state && reset.at !== state.systemStatus.lastReset?.at) {
      showResult(`New game: reset ${reset.source === 'button' ? 'by the button' : 'by the admin'}`, 'queued');
    }
    applyState(e.data.state, e.timestamp);
    transactions = e.data.transactions;
    showRecent();
    devices.replace(e.data.devices);
  });
}

function start(name: string): void {
  link?.close();
  stationId = name;
  memory.station = name;
  queue = new OfflineQueue(name);
  held = new HeldScans(name);
  showHeld();
  byId('setup').hidden = true;
  byId('scan').hidden = false;
  byId('station-label').textContent = `— ${name}`;
  showQueued();
  link = new StationLink(name, memory.token, memory, showLink);
  listen(link.socket);
  link.start();
  byId<HTMLInputElement>('token').focus();
}

byId<HTMLFormElement>('setup').addEventListener('submit', (event) => {
  event.preventDefault();
  const name = byId<HTMLInputElement>('station-name').value.trim();
  if (!name) return;
  memory.token = byId<HTMLInputElement>('station-token').value.trim();
  // Choosing the name here is asking for the station, so it is taken with its secret if this browser has it.
  memory.takenOver = false;
  start(name);
});

/** Submits a token for the chosen team, from the field or from an NFC tag. */
function submitToken(tokenId: string): void {
  const tokenInput = byId<HTMLInputElement>('token');
  const team = picker.current;
  if (!tokenId) return;
  if (!team) {
    showResult('Choose a team first', 'rejected');
    return;
  }
  tokenInput.value = '';
  tokenInput.focus();
  void submit({ tokenId, teamId: team.teamId });
}

// A reader types into the token field: choosing a team hands the focus back to it.
byId('teams').addEventListener('click', () => byId<HTMLInputElement>('token').focus());

byId<HTMLFormElement>('scan-form').addEventListener('submit', (event) => {
  event.preventDefault();
  submitToken(byId<HTMLInputElement>('token').value.trim());
});

offerNfc(byId<HTMLButtonElement>('nfc'), submitToken, (message) => showResult(message, 'rejected'));
offerSecureAddress(byId('secure-hint'), byId<HTMLAnchorElement>('secure-link'), () => memory.token);

byId('take-back').addEventListener('click', () => link?.takeBack());
byId('send-held').addEventListener('click', () => void sendHeld());

setInterval(() => {
  if (link?.identified) link.socket.emit('heartbeat', { stationId });
}, HEARTBEAT_MS);

const tokenBrought = memory.takeTokenFromAddress();
byId<HTMLInputElement>('station-name').value = stationId || memory.lastName;
byId<HTMLInputElement>('station-token').value = memory.token;
showTeams();
if (stationId) start(stationId);
else if (tokenBrought) byId<HTMLInputElement>('station-name').focus();

// The QR code's link opened in a tab already on /gm changes only the fragment: the page is not reloaded.
window.addEventListener('hashchange', () => {
  if (!memory.takeTokenFromAddress()) return;
  byId<HTMLInputElement>('station-token').value = memory.token;
  if (stationId) start(stationId);
});

import type { PlayerScanRequest } from '../../contract/index.js';
import { offerNfc } from '../gm/nfc.js';
import { byId } from '../shared/render.js';
import { CameraReader } from './camera-reader.js';
import { MemoryView } from './memory-view.js';
import { PlayerApi, type ScanAnswer } from './player-api.js';
import { deviceId, newScanId } from './player-ids.js';
import { ScanOutbox } from './scan-outbox.js';

/**
 * `/player`: a player's scanner on a phone or a kiosk tablet. One token at a time, by NFC,
 * the camera or typing; the answer in big letters, the memory's picture and sound, "Watch
 * the TV" for a clip. Nothing about points or teams: players do not see the economy. Scans
 * made while the Wi-Fi is gone are kept and sent when it is back.
 */

const HEARTBEAT_MS = 10_000;
const MAX_TOKEN_ID = 128;

const api = new PlayerApi();
const outbox = new ScanOutbox(localStorage);
const device = deviceId();
const view = new MemoryView(() => {
  if (lastToken !== undefined) void scanToken(lastToken);
});
const input = byId<HTMLInputElement>('token');
/** The token of the latest scan, which "Try again" scans again. */
let lastToken: string | undefined;
/** Answers to older scans that arrive after a newer scan's are not shown. */
let latestScan = 0;

byId<HTMLFormElement>('scan-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const tokenId = input.value.trim();
  input.value = '';
  void scanToken(tokenId);
});

async function scanToken(tokenId: string): Promise<void> {
  if (tokenId === '') {
    view.say('Type the code on the token first', 'refused');
    input.focus();
    return;
  }
  // The contract's longest token id: a longer QR code is no token, and kept offline it would
  // swell a batch past the body limit.
  if (tokenId.length > MAX_TOKEN_ID) {
    view.say('That code cannot be read', 'refused', 'It is not a token of this game.');
    return;
  }
  lastToken = tokenId;
  const mine = ++latestScan;
  const scan: PlayerScanRequest = { tokenId, deviceId: device, scanId: newScanId(), scannedAt: new Date().toISOString() };
  view.say('Looking for this memory…', 'found');
  const [answer, token] = await Promise.all([api.scan(scan), api.token(tokenId)]);
  // A newer scan's answer is on the screen already: this one is only kept or done with.
  const shown = mine === latestScan;
  if (answer.kind === 'unreachable') {
    setOnline(false);
    const kept = outbox.keep(scan);
    showWaiting();
    if (!shown) return;
    if (kept) view.say('Saved', 'saved', 'No Wi-Fi right now: this scan is sent as soon as the scanner is back online.');
    else view.say('Not saved', 'refused', 'This scanner cannot keep more scans: ask a game master about the Wi-Fi.');
    return;
  }
  setOnline(true);
  if (shown && answer.kind === 'accepted') view.recorded(answer.body, token);
  else if (shown && answer.kind === 'refused') refused(answer);
  if (outbox.size > 0) void sendWaiting();
}

function refused(answer: Extract<ScanAnswer, { kind: 'refused' }>): void {
  const { code } = answer.error;
  if (code === 'VIDEO_BUSY') view.say('Memory processing, try again', 'busy', 'Another memory is on the TV: try again in a moment.', true);
  else if (code === 'INVALID_DATA' && answer.status === 404) {
    view.say('This token is not part of the game', 'refused', 'Check the code and try again, or ask a game master.');
  } else if (code === 'RATE_LIMITED') view.say('One moment', 'busy', 'Too many scans at once: wait a second and try again.', true);
  else if (code === 'DEVICE_LIMIT') view.say('Too many scanners', 'refused', 'Too many scanners are in use right now: ask a game master.');
  else if (code === 'INVALID_DATA') view.say('That code cannot be read', 'refused', 'Check the code and try again.');
  else view.say('Something went wrong', 'refused', 'Try again in a moment.', true);
}

function setOnline(online: boolean): void {
  const pill = byId('connection');
  pill.textContent = online ? 'Online' : 'Offline';
  pill.classList.toggle('online', online);
}

function showWaiting(): void {
  const badge = byId('waiting');
  const size = outbox.size;
  badge.hidden = size === 0;
  badge.textContent = `${size} ${size === 1 ? 'scan' : 'scans'} waiting`;
}

async function sendWaiting(): Promise<void> {
  const outcome = await outbox.flush((scans) => api.batch(scans));
  showWaiting();
  if (outcome) view.replayedScans(outcome);
}

/** Keeps this scanner listed for the GMs, and sends waiting scans once the orchestrator answers again. */
async function heartbeat(): Promise<void> {
  const alive = await api.heartbeat(device);
  setOnline(alive);
  if (alive && outbox.size > 0) await sendWaiting();
}

// The camera and NFC exist only in a secure context (HTTPS, or localhost).
const camera = new CameraReader(byId<HTMLVideoElement>('camera-video'), (text) => {
  byId('camera-view').hidden = true;
  void scanToken(tokenIdOf(text));
});
const cameraButton = byId<HTMLButtonElement>('camera');
cameraButton.hidden = !CameraReader.available;
cameraButton.addEventListener('click', () => {
  if (camera.running) return;
  byId('camera-view').hidden = false;
  view.say('Hold the QR code in front of the camera', 'found');
  camera.start().catch(() => {
    camera.stop();
    byId('camera-view').hidden = true;
    view.say('The camera did not open', 'refused', 'Allow the camera for this page, or type the code.');
  });
});
byId('camera-stop').addEventListener('click', () => {
  camera.stop();
  byId('camera-view').hidden = true;
  view.say('', 'found');
});
offerNfc(byId<HTMLButtonElement>('nfc'), (tokenId) => void scanToken(tokenId), (message) => view.say(message, 'refused'));
byId('how').textContent = howToScan(!byId('nfc').hidden, CameraReader.available);

/** A QR code carries a token id, or an address of this page with `?token=`. */
function tokenIdOf(text: string): string {
  try {
    return new URL(text).searchParams.get('token')?.trim() || text.trim();
  } catch {
    return text.trim();
  }
}

function howToScan(nfc: boolean, camera: boolean): string {
  const ways = [...(nfc ? ['hold it to the back of this device after pressing Scan with NFC'] : []), ...(camera ? ['show its QR code to the camera'] : [])];
  if (ways.length === 0) return "Type the code printed on the token. (The camera needs the orchestrator's secure address.)";
  return `Type the code printed on the token, or ${ways.join(', or ')}.`;
}

window.addEventListener('online', () => void heartbeat());
window.addEventListener('offline', () => setOnline(false));
window.addEventListener('pagehide', () => camera.stop());
showWaiting();
void heartbeat();
setInterval(() => void heartbeat(), HEARTBEAT_MS);

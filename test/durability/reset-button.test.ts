import { execFileSync } from 'node:child_process';
import { open, type FileHandle } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GameState } from '../../src/contract/index.js';
import { EV_KEY } from '../../src/adapters/button/evdev.js';
import { spawnBuiltServer, type BuiltServer } from '../../scripts/lib/built-server.js';
import { inputEvent, KEY_PROG1 } from '../support/fake-host.js';
import { api } from '../support/http.js';
import { connect, type Peer } from '../support/harness.js';
import { FIXTURE_TOKENS } from '../support/fixtures.js';
import { tempDir } from '../support/temp-dir.js';

/** The key going down (1) or up (0), as the gpio-keys device reports it. */
const keyRecord = (value: number) => inputEvent(EV_KEY, KEY_PROG1, value);

let dir: string | undefined;
let server: BuiltServer | undefined;
let writer: FileHandle | undefined;
let peer: Peer | undefined;
afterEach(async () => {
  peer?.close();
  await writer?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = undefined;
  writer = undefined;
});

/** The built server reading a FIFO as its gpio-keys device, a station on it, its button past the start-up grace. */
async function serverWithButton(): Promise<{ device: FileHandle; station: Peer; sessionId: string | null }> {
  dir = tempDir('reset-button-');
  const device = join(dir, 'gpio-keys-event');
  execFileSync('mkfifo', [device]); // stands in for /dev/input/by-path/platform-gpio_keys-event
  const opening = spawnBuiltServer({
    DATA_DIR: join(dir, 'data'),
    TOKENS_FILE: FIXTURE_TOKENS,
    ADMIN_PASSWORD: 'button-test-password',
    RESET_BUTTON_DRIVER: 'auto',
    RESET_BUTTON_DEVICE: device,
    RESET_HOLD_MS: '1000',
  });
  const fifo = await open(device, 'w');
  writer = fifo;
  server = await opening;
  // The button starts right after the server logs that it listens: its 5 s start-up grace
  // ends about 5 s from now; a second of margin covers the synchronous steps in between.
  const started = Date.now();
  const state = GameState.parse((await api(server.url, 'GET', '/api/state')).body);
  expect(state.systemStatus.resetButton).toBe('ok');
  const station = await connect(server.url);
  peer = station;
  const identified = await station.identify('GM_BUTTON');

  // Presses in the first 5 s after start are ignored by design; wait them out.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, 6000 - (Date.now() - started))));
  return { device: fifo, station, sessionId: identified.sessionId };
}

describe('the hardware reset button, through the built server', () => {
  it('resets the game on a long press of the gpio-keys device, and every station hears it was the button', async () => {
    const { device, station, sessionId } = await serverWithButton();
    await device.write(keyRecord(1));
    const [sync] = await station.waitFor('sync:full', (e) => e.data.state.systemStatus.lastReset?.source === 'button', 1, 15_000);
    await device.write(keyRecord(0));
    expect(sync!.data.session?.id).not.toBe(sessionId);
    expect(sync!.data.session?.status).toBe('active');
  });

  it('measures a press by the kernel\'s times: a long press read in one go after a stall still resets', async () => {
    const { device, station, sessionId } = await serverWithButton();
    // What a busy event loop finds when it reads the device at last: the press and its release,
    // stamped by the kernel 1.5 s apart (RESET_HOLD_MS is 1000), in one read.
    const pressedAt = Date.now() - 1500;
    await device.write(Buffer.concat([inputEvent(EV_KEY, KEY_PROG1, 1, pressedAt), inputEvent(EV_KEY, KEY_PROG1, 0, pressedAt + 1500)]));
    const [sync] = await station.waitFor('sync:full', (e) => e.data.state.systemStatus.lastReset?.source === 'button', 1, 15_000);
    expect(sync!.data.session?.id).not.toBe(sessionId);
  });
});

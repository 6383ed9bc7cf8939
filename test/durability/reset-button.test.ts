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

describe('the hardware reset button, through the built server', () => {
  it('resets the game on a long press of the gpio-keys device, and every station hears it was the button', async () => {
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
    writer = await open(device, 'w');
    server = await opening;
    // The button starts right after the server logs that it listens: its 5 s start-up grace
    // ends about 5 s from now; a second of margin covers the synchronous steps in between.
    const started = Date.now();
    const state = GameState.parse((await api(server.url, 'GET', '/api/state')).body);
    expect(state.systemStatus.resetButton).toBe('ok');
    peer = await connect(server.url);
    const identified = await peer.identify('GM_BUTTON');

    // Presses in the first 5 s after start are ignored by design; wait them out.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 6000 - (Date.now() - started))));
    await writer.write(keyRecord(1));
    const [sync] = await peer.waitFor('sync:full', (e) => e.data.state.systemStatus.lastReset?.source === 'button', 1, 15_000);
    await writer.write(keyRecord(0));
    expect(sync!.data.session?.id).not.toBe(identified.sessionId);
    expect(sync!.data.session?.status).toBe('active');
  });
});

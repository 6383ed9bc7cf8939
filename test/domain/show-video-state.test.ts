import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ApplianceStatus } from '../../src/domain/appliance-status.js';
import { loadTokenCatalog } from '../../src/adapters/show-files.js';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { MediaFolder } from '../../src/adapters/video/media-folder.js';
import type { GameState } from '../../src/contract/index.js';
import { DeviceRegistry } from '../../src/domain/device-registry.js';
import { Game } from '../../src/domain/game.js';
import { defaultScoringRules } from '../../src/domain/scoring.js';
import { Show } from '../../src/domain/show.js';
import { VideoQueue } from '../../src/domain/video-queue.js';
import type { ShowNotifier } from '../../src/ports/notifier.js';
import { FakeVideoPlayer } from '../support/fake-video-player.js';
import { ManualClock } from '../support/manual-clock.js';

const catalog = loadTokenCatalog(fileURLToPath(new URL('../fixtures/tokens.json', import.meta.url)), defaultScoringRules);
let dir: string;
let store: SqliteStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'show-video-state-'));
  mkdirSync(join(dir, 'media'));
  writeFileSync(join(dir, 'media', 'tok002.mp4'), 'clip');
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends state the way the broadcaster's Coalescer does on a quiet period: at once. */
function boot() {
  const clock = new ManualClock();
  let ids = 0;
  const newId = () => `id-${++ids}`;
  store = new SqliteStore(join(dir, 'show.db'));
  const player = new FakeVideoPlayer();
  const sent: GameState[] = [];
  const notifier: ShowNotifier = {
    transactionRecorded: () => undefined,
    stateChanged: (current) => void sent.push(current()),
    sessionChanged: (sync) => void sent.push(sync.state),
    deviceConnected: () => undefined,
    deviceDisconnected: () => undefined,
    videoStatus: () => undefined,
  };
  const queue = new VideoQueue({ player, store, media: new MediaFolder(join(dir, 'media')), clock, newId, busyPolicy: 'reject' });
  const show = new Show({ appliance: new ApplianceStatus(clock), game: new Game({ store, catalog, clock, newId }), devices: new DeviceRegistry(clock), video: player, videoQueue: queue, notifier, deferCommit: (commit) => commit() });
  show.start();
  return { show, player, sent };
}

it('clears currentVideo at once on a reset', async () => {
  const { show } = boot();
  await show.playerScan('tok002', 'p1');
  show.reset('admin');
  expect(show.state().currentVideo).toBeUndefined();
});

it('clears currentVideo at once on an admin stop', async () => {
  const { show } = boot();
  await show.playerScan('tok002', 'p1');
  show.controlVideo({ action: 'stop' });
  expect(show.state().currentVideo).toBeUndefined();
});

it('sends a state without the finished clip after `completed`', async () => {
  const { show, player, sent } = boot();
  await show.playerScan('tok002', 'p1');
  player.emit({ status: 'completed', tokenId: 'tok002' });
  expect(show.state().currentVideo).toBeUndefined();
  expect(sent.at(-1)?.currentVideo).toBeUndefined();
});

it('sends the expected end time once the clip plays', async () => {
  const { show, player, sent } = boot();
  await show.playerScan('tok002', 'p1');
  player.emit({ status: 'playing', tokenId: 'tok002', duration: 10, progress: 0 });
  expect(show.state().currentVideo?.expectedEndTime).toBeDefined();
  expect(sent.at(-1)?.currentVideo?.expectedEndTime).toBeDefined();
});

it('refuses a dangling symlink and a missing file under a folder symlinked out', () => {
  mkdirSync(join(dir, 'outside'));
  symlinkSync(join(dir, 'outside', 'later.mp4'), join(dir, 'media', 'dangling.mp4'));
  symlinkSync(join(dir, 'outside'), join(dir, 'media', 'elsewhere'));
  const folder = new MediaFolder(join(dir, 'media'));
  expect(() => folder.resolve('dangling.mp4')).toThrow(/media folder/);
  expect(() => folder.resolve('elsewhere/not-yet.mp4')).toThrow(/media folder/);
});

import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApplianceStatus } from '../../src/domain/appliance-status.js';
import { UnknownTokenError } from '../../src/domain/errors.js';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { MediaFolder } from '../../src/adapters/video/media-folder.js';
import {
  AppError,
  type DeviceConnected,
  type DisconnectReason,
  type GameState,
  type SyncFull,
  type Transaction,
  type VideoStatus,
} from '../../src/contract/index.js';
import { DeviceRegistry } from '../../src/domain/device-registry.js';
import { Game } from '../../src/domain/game.js';
import { Show } from '../../src/domain/show.js';
import { VIDEO_BUSY_MESSAGE, VideoQueue, type BusyPolicy } from '../../src/domain/video-queue.js';
import type { SessionChange, ShowNotifier } from '../../src/ports/notifier.js';
import { FakeVideoPlayer } from '../support/fake-video-player.js';
import { ManualClock } from '../support/manual-clock.js';
import { caught } from '../support/caught.js';
import { fixtureCatalog } from '../support/fixtures.js';
import { storeFolderPerTest } from '../support/store-files.js';

const catalog = fixtureCatalog();
const START = Date.UTC(2025, 0, 1, 20, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

/** Records what the show asks it to broadcast. */
class RecordingNotifier implements ShowNotifier {
  readonly transactions: Transaction[] = [];
  readonly updated: Transaction[] = [];
  readonly videoStatuses: VideoStatus[] = [];
  readonly sessionChanges: { sync: SyncFull; previousSessionId: string | undefined; change: SessionChange }[] = [];
  readonly connected: DeviceConnected[] = [];
  readonly disconnected: { deviceId: string; reason: DisconnectReason }[] = [];
  stateChanges = 0;
  /**
   * With `sendsAtOnce`, every state as it was when the show announced it: what the
   * broadcaster's Coalescer sends on a quiet period.
   */
  readonly sent: GameState[] = [];
  private current: (() => GameState) | undefined;

  constructor(private readonly sendsAtOnce = false) {}

  transactionUpdated(transaction: Transaction): void {
    this.updated.push(transaction);
  }

  transactionRecorded(transaction: Transaction): void {
    this.transactions.push(transaction);
  }
  stateChanged(current: () => GameState): void {
    this.stateChanges += 1;
    this.current = current;
    if (this.sendsAtOnce) this.sent.push(current());
  }
  sessionChanged(sync: SyncFull, previousSessionId: string | undefined, change: SessionChange): void {
    this.sessionChanges.push({ sync, previousSessionId, change });
    if (this.sendsAtOnce) this.sent.push(sync.state);
  }
  deviceConnected(device: DeviceConnected): void {
    this.connected.push(device);
  }
  deviceDisconnected(deviceId: string, reason: DisconnectReason): void {
    this.disconnected.push({ deviceId, reason });
  }
  videoStatus(status: VideoStatus): void {
    this.videoStatuses.push(status);
  }

  /** The state a coalesced `state:update` would carry now. */
  latestState(): GameState | undefined {
    return this.current?.();
  }
}

const folder = storeFolderPerTest('show-test-', 'show.db');
let mediaDir: string;
let clock: ManualClock;
let ids: number;

beforeEach(() => {
  mediaDir = join(folder.dir, 'media');
  mkdirSync(mediaDir);
  writeFileSync(join(mediaDir, 'tok002.mp4'), 'clip');
  clock = new ManualClock(START);
  ids = 0;
});

interface Rig {
  show: Show;
  player: FakeVideoPlayer;
  notifier: RecordingNotifier;
  store: SqliteStore;
  queue: VideoQueue;
}

function boot(options: { busyPolicy?: BusyPolicy; displayReady?: boolean; sendsAtOnce?: boolean; rememberedScanAnswers?: number } = {}): Rig {
  const store = folder.open();
  const newId = () => `id-${++ids}`;
  const player = new FakeVideoPlayer({ displayReady: options.displayReady ?? true });
  const queue = new VideoQueue({
    player,
    store,
    media: new MediaFolder(mediaDir),
    clock,
    newId,
    busyPolicy: options.busyPolicy ?? 'reject',
  });
  const notifier = new RecordingNotifier(options.sendsAtOnce);
  const show = new Show({
    appliance: new ApplianceStatus(clock),
    game: new Game({ store, catalog, clock, newId }),
    devices: new DeviceRegistry(clock),
    video: player,
    videoQueue: queue,
    notifier,
    deferCommit: (commit) => commit(),
    ...(options.rememberedScanAnswers === undefined ? {} : { rememberedScanAnswers: options.rememberedScanAnswers }),
  });
  show.start();
  return { show, player, notifier, store, queue };
}

const appError = (action: () => unknown): AppError => caught(action, AppError);

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the promise to reject with an AppError');
}

function clip(): string {
  return join(realpathSync(mediaDir), 'tok002.mp4');
}

describe('Show: player scans of video tokens', () => {
  it('requests playback of a video token and returns the logged scan', async () => {
    const { show, player, notifier, store } = boot();
    clock.advance(1000);
    const scan = await show.playerScan('tok002', 'player-1', '10.0.0.5');

    expect(scan).toEqual({
      tokenId: 'tok002',
      deviceId: 'player-1',
      sessionId: show.session?.id,
      timestamp: iso(START + 1000),
      video: true,
    });
    expect(player.plays).toEqual([{ tokenId: 'tok002', file: clip() }]);
    expect(show.videoOverview().current).toMatchObject({ tokenId: 'tok002', requestedBy: 'player:player-1', status: 'playing' });
    expect(store.playerScans(scan.sessionId ?? '')).toEqual([scan]);
    expect(notifier.connected).toEqual([{ deviceId: 'player-1', type: 'player', ipAddress: '10.0.0.5' }]);
  });

  it('plays under the catalog id when the scan used other letter case', async () => {
    const { show, player } = boot();
    const scan = await show.playerScan('TOK002', 'player-1');
    expect(scan.tokenId).toBe('tok002');
    expect(player.plays).toEqual([{ tokenId: 'tok002', file: clip() }]);
  });

  it('does not touch the TV for a token without a video', async () => {
    const { show, player, notifier } = boot();
    const scan = await show.playerScan('tok001', 'player-1');

    expect(scan.video).toBe(false);
    expect(player.plays).toEqual([]);
    expect(show.videoOverview()).toEqual({ status: { status: 'idle' }, queue: [] });
    expect(notifier.videoStatuses).toEqual([]);
  });

  it('refuses an unknown token without logging or playing anything', async () => {
    const { show, player, store } = boot();
    const error = await rejection(show.playerScan('nope', 'player-1'));
    expect(error.code).toBe('INVALID_DATA');
    expect(error).toBeInstanceOf(UnknownTokenError);
    expect(player.plays).toEqual([]);
    expect(store.playerScans(show.session?.id ?? '')).toEqual([]);
  });

  it("with 'reject' refuses a second video scan while busy, but still logs the scan", async () => {
    const { show, player, store } = boot({ busyPolicy: 'reject' });
    await show.playerScan('tok002', 'player-1');

    const error = await rejection(show.playerScan('tok002', 'player-2'));
    expect(error.code).toBe('VIDEO_BUSY');
    expect(error.message).toBe(VIDEO_BUSY_MESSAGE);

    expect(player.plays).toHaveLength(1);
    expect(show.videoOverview().queue).toEqual([]);
    const sessionId = show.session?.id ?? '';
    expect(store.playerScans(sessionId).map((scan) => scan.deviceId)).toEqual(['player-1', 'player-2']);
    expect(show.session?.playerScanCount).toBe(2);
    expect(store.unfinishedVideoItems()).toHaveLength(1);
  });

  it("with 'queue' a second video scan waits for the first clip", async () => {
    const { show, player } = boot({ busyPolicy: 'queue' });
    await show.playerScan('tok002', 'player-1');
    await show.playerScan('tok002', 'player-2');

    expect(player.plays).toHaveLength(1);
    expect(show.videoOverview().queue).toEqual([expect.objectContaining({ tokenId: 'tok002', requestedBy: 'player:player-2' })]);
    player.emit({ status: 'completed', tokenId: 'tok002' });
    expect(player.plays).toHaveLength(2);
    expect(show.videoOverview().current?.requestedBy).toBe('player:player-2');
  });
});

describe('Show: video statuses', () => {
  it('sends statuses in the order the player emitted them when completed starts the next clip', async () => {
    const { show, player, notifier } = boot({ busyPolicy: 'queue' });
    await show.playerScan('tok002', 'player-1'); // the fake emits `loading` from play()
    await show.playerScan('tok002', 'player-2');
    player.emit({ status: 'playing', tokenId: 'tok002', duration: 10, progress: 0 });

    // `completed` makes the queue start the next clip, whose `loading` is emitted re-entrantly
    player.emit({ status: 'completed', tokenId: 'tok002', duration: 10, progress: 100 });

    expect(player.plays).toHaveLength(2);
    expect(notifier.videoStatuses.map((status) => status.status)).toEqual(['loading', 'playing', 'completed', 'loading']);
    expect(notifier.videoStatuses).toEqual(player.emitted);
    expect(show.state().video).toEqual({ status: 'loading', tokenId: 'tok002' });
    expect(notifier.latestState()?.video).toEqual({ status: 'loading', tokenId: 'tok002' });
  });

  it('keeps state().video at the latest status and state().currentVideo on the queue', async () => {
    const { show, player } = boot({ busyPolicy: 'queue' });
    expect(show.state().video).toEqual({ status: 'idle' });
    expect(show.state().currentVideo).toBeUndefined();

    clock.advance(2000);
    await show.playerScan('tok002', 'player-1');
    expect(show.state().video).toEqual({ status: 'loading', tokenId: 'tok002' });
    expect(show.state().currentVideo).toEqual({ tokenId: 'tok002', startTime: iso(START + 2000), requestedBy: 'player:player-1' });

    clock.advance(1000);
    player.emit({ status: 'playing', tokenId: 'tok002', duration: 8, progress: 25 });
    expect(show.state().video).toEqual({ status: 'playing', tokenId: 'tok002', duration: 8, progress: 25 });
    expect(show.state().currentVideo).toEqual({
      tokenId: 'tok002',
      startTime: iso(START + 2000),
      expectedEndTime: iso(START + 3000 + 6000),
      requestedBy: 'player:player-1',
    });

    player.emit({ status: 'paused', tokenId: 'tok002', duration: 8, progress: 30 });
    expect(show.state().video.status).toBe('paused');
    expect(show.state().currentVideo?.tokenId).toBe('tok002');

    player.emit({ status: 'completed', tokenId: 'tok002' });
    expect(show.state().video).toEqual({ status: 'completed', tokenId: 'tok002' });
    expect(show.state().currentVideo).toBeUndefined();

    player.emit({ status: 'idle' });
    expect(show.state().video).toEqual({ status: 'idle' });
    expect(show.state().currentVideo).toBeUndefined();
  });

  it('marks the item failed on an error status and reports the error', async () => {
    const { show, player, notifier, store } = boot({ busyPolicy: 'reject' });
    await show.playerScan('tok002', 'player-1');
    player.emit({ status: 'error', tokenId: 'tok002', error: 'could not play tok002.mp4: damaged' });

    expect(notifier.videoStatuses.at(-1)).toEqual({ status: 'error', tokenId: 'tok002', error: 'could not play tok002.mp4: damaged' });
    expect(show.state().currentVideo).toBeUndefined();
    expect(store.unfinishedVideoItems()).toEqual([]);
    // no longer busy: the next scan plays
    await show.playerScan('tok002', 'player-2');
    expect(player.plays).toHaveLength(2);
  });

  it("reports the player's display readiness in the system status", () => {
    const { show, player } = boot({ displayReady: false });
    expect(show.state().systemStatus.videoDisplayReady).toBe(false);
    player.displayReady = true;
    player.emit({ status: 'idle' });
    expect(show.state().systemStatus.videoDisplayReady).toBe(true);
  });

  it('reports the TV not ready while its HDMI connector says no TV is connected', () => {
    const { show, notifier } = boot();
    show.displayConnection(false);
    expect(show.state().systemStatus).toMatchObject({ displayConnected: false, videoDisplayReady: false });
    const changes = notifier.stateChanges;
    show.displayConnection(true);
    expect(show.state().systemStatus).toMatchObject({ displayConnected: true, videoDisplayReady: true });
    expect(notifier.stateChanges).toBe(changes + 1);
  });

  it("reports the player's sound readiness with the status it came with, absent until known", async () => {
    const { show, player } = boot();
    expect(show.state().systemStatus).not.toHaveProperty('audioReady');
    await show.playerScan('tok002', 'player-1');
    player.audioReady = false;
    player.emit({ status: 'completed', tokenId: 'tok002' });
    expect(show.state().systemStatus.audioReady).toBe(false);
    expect(show.state().video).toEqual({ status: 'completed', tokenId: 'tok002' });
  });
});

describe('Show: reset and restart', () => {
  it('reset stops the video and empties the queue', async () => {
    const { show, player, notifier, store } = boot({ busyPolicy: 'queue' });
    await show.playerScan('tok002', 'player-1');
    await show.playerScan('tok002', 'player-2');
    const before = show.session?.id;

    const session = show.reset('admin');

    expect(session.id).not.toBe(before);
    expect(player.stops).toBe(1);
    expect(show.videoOverview().queue).toEqual([]);
    expect(show.videoOverview().current).toBeUndefined();
    expect(store.unfinishedVideoItems()).toEqual([]);
    expect(notifier.sessionChanges.at(-1)).toMatchObject({ previousSessionId: before, change: 'reset' });

    // the player reports the idle screen once it is back; the state then shows no clip
    player.emit({ status: 'idle' });
    expect(show.state().currentVideo).toBeUndefined();
    expect(show.state().video).toEqual({ status: 'idle' });
    expect(player.plays).toHaveLength(1);
  });

  it('start() resumes the clips a previous run left queued', async () => {
    const first = boot({ busyPolicy: 'queue' });
    await first.show.playerScan('tok002', 'player-1');
    await first.show.playerScan('tok002', 'player-2');
    folder.closeAll();

    const second = boot({ busyPolicy: 'queue' });
    expect(second.player.plays).toEqual([{ tokenId: 'tok002', file: clip() }]);
    expect(second.show.videoOverview().current?.requestedBy).toBe('player:player-2');
  });
});

describe('Show.controlVideo', () => {
  it('play queues the token’s clip for the admin, even while busy with reject', () => {
    const { show, player } = boot({ busyPolicy: 'reject' });
    const overview = show.controlVideo({ action: 'play', tokenId: 'tok002' });
    expect(overview.current).toMatchObject({ tokenId: 'tok002', requestedBy: 'admin', status: 'playing' });
    expect(player.plays).toEqual([{ tokenId: 'tok002', file: clip() }]);

    const busy = show.controlVideo({ action: 'play', tokenId: 'TOK002' });
    expect(busy.queue).toEqual([expect.objectContaining({ tokenId: 'tok002', requestedBy: 'admin', status: 'queued' })]);
    expect(player.plays).toHaveLength(1);
  });

  it('pause and resume reach the player', () => {
    const { show, player } = boot();
    show.controlVideo({ action: 'play', tokenId: 'tok002' });
    show.controlVideo({ action: 'pause' });
    expect([player.pauses, player.resumes]).toEqual([1, 0]);
    const overview = show.controlVideo({ action: 'resume' });
    expect([player.pauses, player.resumes]).toEqual([1, 1]);
    expect(overview.current?.tokenId).toBe('tok002');
  });

  it('skip moves on to the next clip, stop clears everything', () => {
    const { show, player, store } = boot();
    const first = show.controlVideo({ action: 'play', tokenId: 'tok002' }).current;
    show.controlVideo({ action: 'play', tokenId: 'tok002' });
    show.controlVideo({ action: 'play', tokenId: 'tok002' });

    const skipped = show.controlVideo({ action: 'skip' });
    expect(player.plays).toHaveLength(2);
    expect(player.stops).toBe(0);
    expect(skipped.current?.id).not.toBe(first?.id);
    expect(skipped.current?.status).toBe('playing');
    expect(skipped.queue).toHaveLength(1);
    expect(store.unfinishedVideoItems().map((item) => item.status)).toEqual(['playing', 'queued']);

    const stopped = show.controlVideo({ action: 'stop' });
    expect(player.stops).toBe(1);
    expect(stopped.current).toBeUndefined();
    expect(stopped.queue).toEqual([]);
  });

  it('play of an unknown token is INVALID_DATA with 404', () => {
    const { show, player } = boot();
    const error = appError(() => show.controlVideo({ action: 'play', tokenId: 'nope' }));
    expect(error.code).toBe('INVALID_DATA');
    expect(error).toBeInstanceOf(UnknownTokenError);
    expect(player.plays).toEqual([]);
  });

  it('play of a token without a video is INVALID_DATA', () => {
    const { show, player, store } = boot();
    const error = appError(() => show.controlVideo({ action: 'play', tokenId: 'tok001' }));
    expect(error.code).toBe('INVALID_DATA');
    expect(error.message).toMatch(/tok001/);
    expect(player.plays).toEqual([]);
    expect(store.unfinishedVideoItems()).toEqual([]);
  });
});

describe('Show: the state it sends about the video', () => {
  it('clears currentVideo at once on a reset', async () => {
    const { show } = boot({ sendsAtOnce: true });
    await show.playerScan('tok002', 'p1');
    show.reset('admin');
    expect(show.state().currentVideo).toBeUndefined();
  });

  it('clears currentVideo at once on an admin stop', async () => {
    const { show } = boot({ sendsAtOnce: true });
    await show.playerScan('tok002', 'p1');
    show.controlVideo({ action: 'stop' });
    expect(show.state().currentVideo).toBeUndefined();
  });

  it('sends a state without the finished clip after `completed`', async () => {
    const { show, player, notifier } = boot({ sendsAtOnce: true });
    await show.playerScan('tok002', 'p1');
    player.emit({ status: 'completed', tokenId: 'tok002' });
    expect(show.state().currentVideo).toBeUndefined();
    expect(notifier.sent.at(-1)?.currentVideo).toBeUndefined();
  });

  it('sends the expected end time once the clip plays', async () => {
    const { show, player, notifier } = boot({ sendsAtOnce: true });
    await show.playerScan('tok002', 'p1');
    player.emit({ status: 'playing', tokenId: 'tok002', duration: 10, progress: 0 });
    expect(show.state().currentVideo?.expectedEndTime).toBeDefined();
    expect(notifier.sent.at(-1)?.currentVideo?.expectedEndTime).toBeDefined();
  });
});

describe('Show: player scans a device names (scanId) and stale ones', () => {
  const named = (show: Show, tokenId: string, deviceId: string, scanId: string, scannedAt?: string) =>
    show.playerScan(tokenId, deviceId, undefined, { scanId, ...(scannedAt === undefined ? {} : { scannedAt }) });

  it('answers duplicates sent at once with the first answer: one scan recorded, one clip played', async () => {
    const { show, player, store } = boot();
    const [first, second] = await Promise.all([named(show, 'tok002', 'player-1', 'a'), named(show, 'tok002', 'player-1', 'a')]);
    expect(second).toBe(first);
    expect(first).toMatchObject({ tokenId: 'tok002', video: true, scanId: 'a' });
    expect(store.playerScans(show.session?.id ?? '')).toEqual([first]);
    expect(show.session?.playerScanCount).toBe(1);
    expect(player.plays).toHaveLength(1);
  });

  it('answers a repeat of a VIDEO_BUSY scan with VIDEO_BUSY again, recording nothing new', async () => {
    const { show, player, store } = boot({ busyPolicy: 'reject' });
    await show.playerScan('tok002', 'player-1');
    const busy = await rejection(named(show, 'tok002', 'player-2', 'b'));
    expect(busy.code).toBe('VIDEO_BUSY');
    player.emit({ status: 'completed', tokenId: 'tok002' }); // the TV is free: a new scan would play
    expect(await rejection(named(show, 'tok002', 'player-2', 'b'))).toBe(busy);
    expect(player.plays).toHaveLength(1);
    expect(store.playerScans(show.session?.id ?? '').map((scan) => scan.deviceId)).toEqual(['player-1', 'player-2']);
  });

  it('answers a repeat from the store once the first answer is forgotten, without playing again', async () => {
    const { show, player, store } = boot({ rememberedScanAnswers: 1 });
    const first = await named(show, 'tok002', 'player-1', 'a');
    player.emit({ status: 'completed', tokenId: 'tok002' });
    await named(show, 'tok001', 'player-1', 'b'); // pushes `a` out of memory
    const again = await named(show, 'tok002', 'player-1', 'a');
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
    expect(player.plays).toHaveLength(1);
    expect(store.playerScans(show.session?.id ?? '')).toHaveLength(2);
  });

  it('answers a repeat after a restart from the store, without playing again', async () => {
    const before = boot();
    const first = await named(before.show, 'tok002', 'player-1', 'a');
    before.player.emit({ status: 'completed', tokenId: 'tok002' });
    folder.closeAll();

    const { show, player, store } = boot();
    expect(await named(show, 'tok002', 'player-1', 'a')).toEqual(first);
    expect(player.plays).toEqual([]);
    expect(store.playerScans(show.session?.id ?? '')).toEqual([first]);
  });

  it('tries a repeat afresh when the first attempt recorded nothing', async () => {
    const { show, store } = boot();
    expect(await rejection(named(show, 'nope', 'player-1', 'a'))).toBeInstanceOf(UnknownTokenError);
    expect(await named(show, 'tok001', 'player-1', 'a')).toMatchObject({ tokenId: 'tok001', scanId: 'a' });
    expect(store.playerScans(show.session?.id ?? '')).toHaveLength(1);
  });

  it('records a scan made two minutes before it arrived, and does not play its clip', async () => {
    const { show, player, store } = boot();
    const scan = await named(show, 'tok002', 'player-1', 'late', iso(START - 120_000));
    expect(scan).toMatchObject({ tokenId: 'tok002', video: false, stale: true, scannedAt: iso(START - 120_000) });
    expect(player.plays).toEqual([]);
    expect(show.videoOverview()).toEqual({ status: { status: 'idle' }, queue: [] });
    expect(store.playerScans(show.session?.id ?? '')).toEqual([scan]);
    expect(show.session?.playerScanCount).toBe(1);

    expect((await named(show, 'tok002', 'player-1', 'fresh', iso(START - 10_000))).video).toBe(true);
    expect(player.plays).toHaveLength(1);
  });
});

import Database from 'better-sqlite3';
import { mkdirSync, realpathSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MediaFolder } from '../../src/adapters/video/media-folder.js';
import type { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { AppError, type VideoStatus } from '../../src/contract/index.js';
import { VIDEO_BUSY_MESSAGE, VideoQueue, type BusyPolicy } from '../../src/domain/video-queue.js';
import { FakeVideoPlayer } from '../support/fake-video-player.js';
import { ManualClock } from '../support/manual-clock.js';
import { caught } from '../support/caught.js';
import { storeFolderPerTest } from '../support/store-files.js';

const START = Date.UTC(2025, 0, 1, 20, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

const folder = storeFolderPerTest('video-queue-test-', 'data/show.db');
let mediaDir: string;
/** The media folder as MediaFolder reports paths: symlinks in the temp path resolved. */
let realMedia: string;
let outside: string;
let clock: ManualClock;
let ids: number;

beforeEach(() => {
  mediaDir = join(folder.dir, 'media');
  outside = join(folder.dir, 'outside');
  mkdirSync(mediaDir);
  mkdirSync(outside);
  for (const name of ['a.mp4', 'b.mp4', 'c.mp4']) writeFileSync(join(mediaDir, name), name);
  writeFileSync(join(outside, 'secret.mp4'), 'not for the TV');
  realMedia = realpathSync(mediaDir);
  clock = new ManualClock(START);
  ids = 0;
});

function openStore(): SqliteStore {
  return folder.open();
}

interface Rig {
  queue: VideoQueue;
  player: FakeVideoPlayer;
  store: SqliteStore;
}

/** A queue wired to its player the way Show wires them: every status goes to the queue. */
function rig(busyPolicy: BusyPolicy = 'queue', store: SqliteStore = openStore()): Rig {
  const player = new FakeVideoPlayer();
  const queue = new VideoQueue({
    player,
    store,
    media: new MediaFolder(mediaDir),
    clock,
    newId: () => `v-${++ids}`,
    busyPolicy,
  });
  player.onStatus((status) => queue.statusChanged(status));
  return { queue, player, store };
}

/** The rows as written to the SQLite file, read through a separate connection. */
function rowsOnDisk(): { id: string; token_id: string; status: string; reason: string | null; started_at: string | null; ended_at: string | null }[] {
  const db = new Database(folder.file, { readonly: true });
  try {
    return db
      .prepare<[], { id: string; token_id: string; status: string; reason: string | null; started_at: string | null; ended_at: string | null }>(
        'SELECT id, token_id, status, reason, started_at, ended_at FROM video_items ORDER BY seq',
      )
      .all();
  } finally {
    db.close();
  }
}

function statusesOnDisk(): Record<string, string> {
  return Object.fromEntries(rowsOnDisk().map((row) => [row.id, row.status]));
}

const appError = (action: () => unknown): AppError => caught(action, AppError);

function media(name: string): string {
  return join(realMedia, name);
}

describe('VideoQueue: requests', () => {
  it('plays a request at once when idle and stores it as playing', () => {
    const { queue, player, store } = rig();
    clock.advance(5000);
    const item = queue.requestFromScan('tok002', 'a.mp4', 'player:p1');

    expect(item).toMatchObject({ id: 'v-1', tokenId: 'tok002', video: 'a.mp4', requestedBy: 'player:p1', requestedAt: iso(START + 5000) });
    expect(player.plays).toEqual([{ tokenId: 'tok002', file: media('a.mp4') }]);
    expect(queue.busy).toBe(true);
    expect(store.unfinishedVideoItems()).toEqual([
      {
        id: 'v-1',
        tokenId: 'tok002',
        video: 'a.mp4',
        requestedBy: 'player:p1',
        status: 'playing',
        requestedAt: iso(START + 5000),
        startedAt: iso(START + 5000),
      },
    ]);
  });

  it("refuses a scan while busy with 'reject': VIDEO_BUSY, 409, status rejected, nothing stored", () => {
    const { queue, player, store } = rig('reject');
    queue.requestFromScan('tok002', 'a.mp4', 'player:p1');

    const error = appError(() => queue.requestFromScan('tok003', 'b.mp4', 'player:p2'));
    expect(error.code).toBe('VIDEO_BUSY');
    expect(error.message).toBe(VIDEO_BUSY_MESSAGE);

    expect(player.plays).toHaveLength(1);
    expect(queue.overview().queue).toEqual([]);
    expect(store.unfinishedVideoItems().map((item) => item.id)).toEqual(['v-1']);
    expect(rowsOnDisk()).toHaveLength(1);
  });

  it("accepts a scan again with 'reject' once the current clip completed", () => {
    const { queue, player } = rig('reject');
    queue.requestFromScan('tok002', 'a.mp4', 'player:p1');
    player.emit({ status: 'completed', tokenId: 'tok002' });
    expect(queue.busy).toBe(false);

    queue.requestFromScan('tok003', 'b.mp4', 'player:p2');
    expect(player.plays.map((play) => play.file)).toEqual([media('a.mp4'), media('b.mp4')]);
  });

  it("still queues an admin request with 'reject' while busy", () => {
    const { queue, player } = rig('reject');
    queue.requestFromScan('tok002', 'a.mp4', 'player:p1');
    const item = queue.enqueue('tok003', 'b.mp4', 'admin');

    expect(player.plays).toHaveLength(1);
    expect(queue.overview().queue).toEqual([item]);
    player.emit({ status: 'completed', tokenId: 'tok002' });
    expect(player.lastPlay).toEqual({ tokenId: 'tok003', file: media('b.mp4') });
  });

  it("with 'queue' a scan waits and plays after the current one completed", () => {
    const { queue, player, store } = rig('queue');
    queue.requestFromScan('tok002', 'a.mp4', 'player:p1');
    const waiting = queue.requestFromScan('tok003', 'b.mp4', 'player:p2');

    expect(player.plays).toHaveLength(1);
    expect(queue.overview().queue).toEqual([waiting]);
    expect(store.unfinishedVideoItems().map((item) => [item.id, item.status])).toEqual([
      ['v-1', 'playing'],
      ['v-2', 'queued'],
    ]);

    player.emit({ status: 'playing', tokenId: 'tok002', duration: 10, progress: 0 });
    expect(player.plays).toHaveLength(1); // playing is not an end
    clock.advance(10_000);
    player.emit({ status: 'completed', tokenId: 'tok002', duration: 10, progress: 100 });

    expect(player.plays).toEqual([
      { tokenId: 'tok002', file: media('a.mp4') },
      { tokenId: 'tok003', file: media('b.mp4') },
    ]);
    expect(queue.overview().current).toMatchObject({ id: 'v-2', status: 'playing', startedAt: iso(START + 10_000) });
    expect(queue.overview().queue).toEqual([]);
    expect(store.unfinishedVideoItems().map((item) => [item.id, item.status])).toEqual([['v-2', 'playing']]);
    expect(rowsOnDisk()[0]).toMatchObject({ id: 'v-1', status: 'completed', ended_at: iso(START + 10_000) });
  });

  it("ignores a status about another token than the current clip's", () => {
    const { queue, player } = rig('queue');
    queue.requestFromScan('tok002', 'a.mp4', 'player:p1');
    queue.requestFromScan('tok003', 'b.mp4', 'player:p2');

    player.emit({ status: 'completed', tokenId: 'tok999' });
    player.emit({ status: 'error', tokenId: 'tok999', error: 'not ours' });

    expect(player.plays).toHaveLength(1);
    expect(queue.overview().current).toMatchObject({ id: 'v-1', status: 'playing' });
    expect(statusesOnDisk()).toEqual({ 'v-1': 'playing', 'v-2': 'queued' });
  });

  it('marks the item failed with the reason on an error status and plays the next', () => {
    const { queue, player, store } = rig('queue');
    queue.requestFromScan('tok002', 'a.mp4', 'player:p1');
    queue.requestFromScan('tok003', 'b.mp4', 'player:p2');

    player.emit({ status: 'error', tokenId: 'tok002', error: 'could not play a.mp4: unrecognized file format' });

    expect(player.lastPlay).toEqual({ tokenId: 'tok003', file: media('b.mp4') });
    expect(store.unfinishedVideoItems().map((item) => item.id)).toEqual(['v-2']);
    expect(rowsOnDisk()[0]).toMatchObject({
      id: 'v-1',
      status: 'failed',
      reason: 'could not play a.mp4: unrecognized file format',
    });
  });

  it('plays the same token twice when it was queued twice', () => {
    const { queue, player } = rig('queue');
    const first = queue.requestFromScan('tok002', 'a.mp4', 'player:p1');
    const second = queue.requestFromScan('tok002', 'a.mp4', 'player:p1');
    expect(second.id).not.toBe(first.id);

    player.emit({ status: 'completed', tokenId: 'tok002' });
    expect(player.plays).toEqual([
      { tokenId: 'tok002', file: media('a.mp4') },
      { tokenId: 'tok002', file: media('a.mp4') },
    ]);
    expect(queue.overview().current?.id).toBe(second.id);

    player.emit({ status: 'completed', tokenId: 'tok002' });
    expect(queue.busy).toBe(false);
    expect(player.plays).toHaveLength(2);
    expect(statusesOnDisk()).toEqual({ [first.id]: 'completed', [second.id]: 'completed' });
  });
});

describe('VideoQueue: admin controls', () => {
  it('skip ends the current clip as skipped and plays the next', () => {
    const { queue, player } = rig('queue');
    queue.enqueue('tok002', 'a.mp4', 'admin');
    queue.enqueue('tok003', 'b.mp4', 'admin');

    queue.skip();

    expect(player.lastPlay).toEqual({ tokenId: 'tok003', file: media('b.mp4') });
    expect(player.stops).toBe(0);
    expect(queue.overview().current?.id).toBe('v-2');
    expect(statusesOnDisk()).toEqual({ 'v-1': 'skipped', 'v-2': 'playing' });
  });

  it('skip of the last clip stops the player and leaves the queue idle', () => {
    const { queue, player, store } = rig('queue');
    queue.enqueue('tok002', 'a.mp4', 'admin');

    queue.skip();

    expect(player.stops).toBe(1);
    expect(queue.busy).toBe(false);
    expect(queue.currentVideo()).toBeUndefined();
    expect(store.unfinishedVideoItems()).toEqual([]);
    expect(statusesOnDisk()).toEqual({ 'v-1': 'skipped' });
  });

  it('skip with nothing playing does nothing', () => {
    const { queue, player } = rig('queue');
    queue.skip();
    expect(player.stops).toBe(0);
    expect(player.plays).toEqual([]);
    expect(rowsOnDisk()).toEqual([]);
  });

  it('stop ends the current and every queued clip as stopped and stops the player', () => {
    const { queue, player, store } = rig('queue');
    queue.enqueue('tok002', 'a.mp4', 'admin');
    queue.enqueue('tok003', 'b.mp4', 'admin');
    queue.enqueue('tok005', 'c.mp4', 'admin');
    clock.advance(3000);

    queue.stop();

    expect(player.stops).toBe(1);
    expect(player.plays).toHaveLength(1);
    expect(queue.busy).toBe(false);
    expect(queue.overview()).toMatchObject({ queue: [] });
    expect(queue.overview().current).toBeUndefined();
    expect(store.unfinishedVideoItems()).toEqual([]);
    expect(rowsOnDisk()).toEqual([
      expect.objectContaining({ id: 'v-1', status: 'stopped', ended_at: iso(START + 3000) }),
      expect.objectContaining({ id: 'v-2', status: 'stopped', started_at: null, ended_at: iso(START + 3000) }),
      expect.objectContaining({ id: 'v-3', status: 'stopped', started_at: null }),
    ]);

    // a late `completed` of the stopped clip starts nothing
    player.emit({ status: 'completed', tokenId: 'tok002' });
    expect(player.plays).toHaveLength(1);
  });

  it('forwards pause and resume to the player', () => {
    const { queue, player } = rig();
    queue.enqueue('tok002', 'a.mp4', 'admin');
    queue.pause();
    expect(player.pauses).toBe(1);
    expect(player.resumes).toBe(0);
    queue.resume();
    expect(player.resumes).toBe(1);
    expect(queue.busy).toBe(true);
  });
});

describe('VideoQueue: what it reports', () => {
  it('currentVideo gives the token, start, expected end from the playing status, and who asked', () => {
    const { queue, player } = rig('queue');
    expect(queue.currentVideo()).toBeUndefined();

    queue.enqueue('tok002', 'a.mp4', 'admin');
    queue.enqueue('tok003', 'b.mp4', 'player:p7');
    clock.advance(20_000);
    player.emit({ status: 'completed', tokenId: 'tok002' });
    const startedAt = START + 20_000;

    // no duration known yet: no expected end
    expect(queue.currentVideo()).toEqual({ tokenId: 'tok003', startTime: iso(startedAt), requestedBy: 'player:p7' });

    clock.advance(1000);
    player.emit({ status: 'playing', tokenId: 'tok003', duration: 40, progress: 25 });
    // 30 s of 40 s left, counted from the clock when the status arrived
    expect(queue.currentVideo()).toEqual({
      tokenId: 'tok003',
      startTime: iso(startedAt),
      expectedEndTime: iso(startedAt + 1000 + 30_000),
      requestedBy: 'player:p7',
    });

    clock.advance(5000);
    player.emit({ status: 'playing', tokenId: 'tok003', duration: 40, progress: 50 });
    expect(queue.currentVideo()?.expectedEndTime).toBe(iso(startedAt + 6000 + 20_000));

    player.emit({ status: 'completed', tokenId: 'tok003' });
    expect(queue.currentVideo()).toBeUndefined();
  });

  it('does not carry the expected end of one clip over to the next', () => {
    const { queue, player } = rig('queue');
    queue.enqueue('tok002', 'a.mp4', 'admin');
    queue.enqueue('tok003', 'b.mp4', 'admin');
    player.emit({ status: 'playing', tokenId: 'tok002', duration: 10, progress: 0 });
    expect(queue.currentVideo()?.expectedEndTime).toBeDefined();

    player.emit({ status: 'completed', tokenId: 'tok002' });
    expect(queue.currentVideo()).toMatchObject({ tokenId: 'tok003' });
    expect(queue.currentVideo()?.expectedEndTime).toBeUndefined();
  });

  it('overview gives the latest status, the current item and the waiting ones', () => {
    const { queue, player } = rig('queue');
    expect(queue.overview()).toEqual({ status: { status: 'idle' }, queue: [] });

    const first = queue.enqueue('tok002', 'a.mp4', 'admin');
    const second = queue.enqueue('tok003', 'b.mp4', 'player:p1');
    const playing: VideoStatus = { status: 'playing', tokenId: 'tok002', duration: 12, progress: 50 };
    player.emit(playing);

    expect(queue.overview()).toEqual({
      status: playing,
      current: { ...first, status: 'playing', startedAt: iso(START) },
      queue: [second],
    });

    // the overview is a copy: changing it does not change the queue
    queue.overview().queue.length = 0;
    expect(queue.overview().queue).toEqual([second]);
  });
});

describe('VideoQueue: restore after a restart', () => {
  it('fails the item cut off mid-play and plays the queued ones in order', () => {
    const before = rig('queue');
    before.queue.enqueue('tok002', 'a.mp4', 'admin');
    before.queue.enqueue('tok003', 'b.mp4', 'player:p1');
    before.queue.enqueue('tok005', 'c.mp4', 'player:p2');
    before.player.emit({ status: 'playing', tokenId: 'tok002', duration: 30, progress: 10 });
    // the process dies: the connection closes without anything else being written
    folder.closeAll();

    clock.advance(60_000);
    const after = rig('queue', openStore());
    expect(after.player.plays).toEqual([]); // nothing happens before restore()
    after.queue.restore();

    expect(after.player.plays).toEqual([{ tokenId: 'tok003', file: media('b.mp4') }]);
    const [interrupted] = rowsOnDisk();
    expect(interrupted).toMatchObject({ id: 'v-1', status: 'failed', ended_at: iso(START + 60_000) });
    expect(interrupted?.reason).toMatch(/interrupted/);
    expect(after.queue.overview().current).toMatchObject({ id: 'v-2', status: 'playing', requestedBy: 'player:p1' });
    expect(after.queue.overview().queue.map((item) => item.id)).toEqual(['v-3']);
    expect(after.store.unfinishedVideoItems().map((item) => [item.id, item.status])).toEqual([
      ['v-2', 'playing'],
      ['v-3', 'queued'],
    ]);

    after.player.emit({ status: 'completed', tokenId: 'tok003' });
    expect(after.player.plays.map((play) => play.tokenId)).toEqual(['tok003', 'tok005']);
    after.player.emit({ status: 'completed', tokenId: 'tok005' });
    expect(after.queue.busy).toBe(false);
    expect(statusesOnDisk()).toEqual({ 'v-1': 'failed', 'v-2': 'completed', 'v-3': 'completed' });
  });

  it('restores nothing from a store with only finished items', () => {
    const before = rig('queue');
    before.queue.enqueue('tok002', 'a.mp4', 'admin');
    before.player.emit({ status: 'completed', tokenId: 'tok002' });

    const after = rig('queue', openStore());
    after.queue.restore();
    expect(after.player.plays).toEqual([]);
    expect(after.queue.busy).toBe(false);
    expect(statusesOnDisk()).toEqual({ 'v-1': 'completed' });
  });
});

describe('VideoQueue: the media folder', () => {
  it.each(['../outside/secret.mp4', '/etc/passwd', 'sub/../../outside/secret.mp4', ''])(
    'refuses %j with INVALID_DATA before storing anything',
    (name) => {
      const { queue, player, store } = rig('queue');
      expect(appError(() => queue.enqueue('tok002', name, 'admin')).code).toBe('INVALID_DATA');
      expect(appError(() => queue.requestFromScan('tok002', name, 'player:p1')).code).toBe('INVALID_DATA');
      expect(player.plays).toEqual([]);
      expect(queue.busy).toBe(false);
      expect(store.unfinishedVideoItems()).toEqual([]);
      expect(rowsOnDisk()).toEqual([]);
    },
  );

  it('refuses a symlink leading out of the media folder at request time', () => {
    symlinkSync(join(outside, 'secret.mp4'), join(mediaDir, 'leak.mp4'));
    const { queue, player } = rig('queue');
    expect(appError(() => queue.enqueue('tok002', 'leak.mp4', 'admin')).code).toBe('INVALID_DATA');
    expect(player.plays).toEqual([]);
    expect(rowsOnDisk()).toEqual([]);
  });

  it('fails a stored item whose file escapes by play time and plays the next one', () => {
    const { queue, player, store } = rig('queue');
    queue.enqueue('tok002', 'a.mp4', 'admin');
    queue.enqueue('tok003', 'b.mp4', 'admin');
    queue.enqueue('tok005', 'c.mp4', 'admin');

    // b.mp4 is swapped for a symlink out of the folder while it waits
    unlinkSync(join(mediaDir, 'b.mp4'));
    symlinkSync(join(outside, 'secret.mp4'), join(mediaDir, 'b.mp4'));
    player.emit({ status: 'completed', tokenId: 'tok002' });

    expect(player.plays.map((play) => play.file)).toEqual([media('a.mp4'), media('c.mp4')]);
    expect(player.plays.some((play) => play.file.includes('secret'))).toBe(false);
    expect(queue.overview().current?.id).toBe('v-3');
    const escaped = rowsOnDisk().find((row) => row.id === 'v-2');
    expect(escaped).toMatchObject({ status: 'failed', started_at: null });
    expect(escaped?.reason).toMatch(/media folder/);
    expect(store.unfinishedVideoItems().map((item) => item.id)).toEqual(['v-3']);
  });

  it('stops the player on skip when every waiting item escaped', () => {
    const { queue, player } = rig('queue');
    queue.enqueue('tok002', 'a.mp4', 'admin');
    queue.enqueue('tok003', 'b.mp4', 'admin');
    unlinkSync(join(mediaDir, 'b.mp4'));
    symlinkSync(join(outside, 'secret.mp4'), join(mediaDir, 'b.mp4'));

    queue.skip();

    expect(player.plays).toHaveLength(1);
    expect(player.stops).toBe(1);
    expect(queue.busy).toBe(false);
    expect(statusesOnDisk()).toEqual({ 'v-1': 'skipped', 'v-2': 'failed' });
  });
});

describe('VideoQueue: persistence', () => {
  it('stores every transition as it happens', () => {
    const { queue, player, store } = rig('queue');
    const save = vi.spyOn(store, 'saveVideoItem'); // calls through to the real store

    queue.enqueue('tok002', 'a.mp4', 'admin'); // v-1 queued, playing
    queue.enqueue('tok003', 'b.mp4', 'admin'); // v-2 queued
    queue.enqueue('tok005', 'c.mp4', 'admin'); // v-3 queued
    queue.enqueue('tok006', 'a.mp4', 'admin'); // v-4 queued
    queue.enqueue('tok001', 'b.mp4', 'admin'); // v-5 queued
    expect(store.unfinishedVideoItems().map((item) => item.status)).toEqual(['playing', 'queued', 'queued', 'queued', 'queued']);

    player.emit({ status: 'completed', tokenId: 'tok002' }); // v-1 completed, v-2 playing
    expect(store.unfinishedVideoItems().map((item) => [item.id, item.status])[0]).toEqual(['v-2', 'playing']);
    player.emit({ status: 'error', tokenId: 'tok003', error: 'bad file' }); // v-2 failed, v-3 playing
    queue.skip(); // v-3 skipped, v-4 playing
    queue.stop(); // v-5 stopped, v-4 stopped

    expect(save.mock.calls.map(([item]) => `${item.id}:${item.status}`)).toEqual([
      'v-1:queued',
      'v-1:playing',
      'v-2:queued',
      'v-3:queued',
      'v-4:queued',
      'v-5:queued',
      'v-1:completed',
      'v-2:playing',
      'v-2:failed',
      'v-3:playing',
      'v-3:skipped',
      'v-4:playing',
      'v-5:stopped',
      'v-4:stopped',
    ]);
    expect(store.unfinishedVideoItems()).toEqual([]);
    folder.closeAll();
    expect(rowsOnDisk().map((row) => [row.id, row.status, row.reason])).toEqual([
      ['v-1', 'completed', null],
      ['v-2', 'failed', 'bad file'],
      ['v-3', 'skipped', null],
      ['v-4', 'stopped', null],
      ['v-5', 'stopped', null],
    ]);
  });
});

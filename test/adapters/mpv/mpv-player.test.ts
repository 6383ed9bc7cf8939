import { spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MpvPlayer } from '../../../src/adapters/mpv/mpv-player.js';
import { assEscape } from '../../../src/adapters/mpv/room-ass.js';
import type { RoomView } from '../../../src/contract/index.js';
import { baseArgs, type MpvProcess } from '../../../src/adapters/mpv/mpv-process.js';
import { MpvJsonIpc } from '../../../src/adapters/mpv/json-ipc.js';
import { makeClips, type Clips } from '../../support/clips.js';
import { tempDir } from '../../support/temp-dir.js';
import { HEADLESS_MPV_ARGS, headlessMpv, StatusLog } from '../../support/mpv.js';

let clips: Clips;
let dir: string;
let player: MpvPlayer;
let mpv: MpvProcess;
let log: StatusLog;

beforeAll(() => {
  clips = makeClips(tempDir('mpv-clips-'));
});
afterAll(() => {
  rmSync(clips.dir, { recursive: true, force: true });
});

async function startPlayer(idle: string | undefined = clips.idle): Promise<void> {
  dir = tempDir('mpv-run-');
  ({ player, process: mpv } = headlessMpv(dir, idle));
  log = new StatusLog(player);
  await player.start();
  await log.waitFor((s) => s.status === 'idle');
}

describe('MpvPlayer on real headless mpv', () => {
  afterEach(async () => {
    await player.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports loading, playing with duration and progress, completed, then idle', async () => {
    await startPlayer();
    const from = log.statuses.length;
    player.play({ tokenId: 'tok-ok', file: clips.ok });
    const done = await log.waitFor((s) => s.status === 'idle', from);
    const statuses = log.statuses.slice(from, done + 1);
    expect(log.sequence(from)).toEqual(['loading', 'playing', 'completed', 'idle']);
    expect(statuses[0]).toEqual({ status: 'loading', tokenId: 'tok-ok' });
    const playing = statuses.filter((s) => s.status === 'playing');
    expect(playing[0]).toMatchObject({ tokenId: 'tok-ok', progress: 0, duration: expect.closeTo(2, 0) as number });
    expect(playing.length).toBeGreaterThanOrEqual(2);
    const progress = playing.map((s) => s.progress ?? -1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBeGreaterThan(0);
    expect(statuses.at(-2)).toMatchObject({ status: 'completed', tokenId: 'tok-ok', progress: 100 });
    expect(player.displayReady).toBe(true);
  });

  it('keeps the idle screen as it is on a stop with no clip (a reset), and reloads it after a clip', async () => {
    await startPlayer();
    // A second IPC client reads which playlist entry mpv shows: a reload makes a new one.
    const reader = await MpvJsonIpc.open(join(dir, 'mpv.sock'));
    const shown = async () => (await reader.command(['get_property', 'playlist/0/id'])) as number;
    try {
      const idleEntry = await shown();
      player.stop();
      player.stop();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await shown()).toBe(idleEntry);
      const from = log.statuses.length;
      player.play({ tokenId: 'tok-ok', file: clips.ok });
      await log.waitFor((s) => s.status === 'playing', from);
      player.stop();
      await log.waitFor((s) => s.status === 'idle', from);
      expect(await shown()).toBeGreaterThan(idleEntry + 1);
      expect(await reader.command(['get_property', 'path'])).toBe(clips.idle);
    } finally {
      reader.close();
    }
  });

  it('pauses and resumes the clip', async () => {
    await startPlayer();
    const from = log.statuses.length;
    player.play({ tokenId: 'tok-pause', file: clips.ok });
    await log.waitFor((s) => s.status === 'playing', from);
    player.pause();
    const paused = await log.waitFor((s) => s.status === 'paused', from);
    expect(log.statuses[paused]).toMatchObject({ tokenId: 'tok-pause' });
    player.resume();
    const resumed = await log.waitFor((s) => s.status === 'playing', paused);
    expect(log.statuses[resumed]?.progress).toBeGreaterThanOrEqual(log.statuses[paused]?.progress ?? 0);
    await log.waitFor((s) => s.status === 'idle', paused);
    expect(log.sequence(from)).toEqual(['loading', 'playing', 'paused', 'playing', 'completed', 'idle']);
  });

  it('stops back to idle without reporting completion', async () => {
    await startPlayer();
    const from = log.statuses.length;
    player.play({ tokenId: 'tok-stop', file: clips.ok });
    await log.waitFor((s) => s.status === 'playing', from);
    player.stop();
    await log.waitFor((s) => s.status === 'idle', from);
    expect(log.sequence(from)).toEqual(['loading', 'playing', 'idle']);
  });

  it('replacing a clip reports only the new clip from then on', async () => {
    await startPlayer();
    const from = log.statuses.length;
    player.play({ tokenId: 'first', file: clips.ok });
    await log.waitFor((s) => s.status === 'playing', from);
    const second = log.statuses.length;
    player.play({ tokenId: 'second', file: clips.short });
    await log.waitFor((s) => s.status === 'idle', second);
    expect(log.statuses.slice(second).every((s) => s.tokenId === undefined || s.tokenId === 'second')).toBe(true);
    expect(log.sequence(second)).toEqual(['loading', 'playing', 'completed', 'idle']);
  });

  it.each([
    ['a missing file', () => join(clips.dir, 'not-there.mp4'), /not-there\.mp4/],
    ['a corrupt file', () => clips.corrupt, /corrupt\.mp4/],
    ['a file cut off mid-stream', () => clips.truncated, /truncated\.mp4.*early/],
  ])('reports %s as an error and returns to idle', async (_name, file, message) => {
    await startPlayer();
    const from = log.statuses.length;
    player.play({ tokenId: 'bad', file: file() });
    const error = await log.waitFor((s) => s.status === 'error', from);
    expect(log.statuses[error]).toMatchObject({ tokenId: 'bad', error: expect.stringMatching(message) as string });
    await log.waitFor((s) => s.status === 'idle', error);
    expect(log.sequence(from).filter((s) => s === 'completed')).toEqual([]);
    // The player goes on: the next clip plays.
    const next = log.statuses.length;
    player.play({ tokenId: 'next', file: clips.short });
    await log.waitFor((s) => s.status === 'completed', next);
  });

  it('recovers from mpv being killed mid-play: error, restart, and the next clip plays', async () => {
    await startPlayer();
    const from = log.statuses.length;
    player.play({ tokenId: 'victim', file: clips.ok });
    await log.waitFor((s) => s.status === 'playing', from);
    const firstPid = mpv.pid;
    process.kill(firstPid!, 'SIGKILL');
    const error = await log.waitFor((s) => s.status === 'error', from);
    expect(log.statuses[error]).toMatchObject({ tokenId: 'victim', error: expect.stringContaining('restarting') as string });
    await log.waitFor((s) => s.status === 'idle', error);
    expect(mpv.pid).not.toBe(firstPid);
    expect(player.displayReady).toBe(true);
    const next = log.statuses.length;
    player.play({ tokenId: 'survivor', file: clips.short });
    await log.waitFor((s) => s.status === 'completed' && s.tokenId === 'survivor', next);
  });

  it('returns to a black idle screen without idle media', async () => {
    await startPlayer(undefined);
    const from = log.statuses.length;
    player.play({ tokenId: 'plain', file: clips.short });
    await log.waitFor((s) => s.status === 'idle', from);
    expect(log.sequence(from)).toEqual(['loading', 'playing', 'completed', 'idle']);
  });

  it('overlays the room view and Wi-Fi QR code with commands mpv accepts, hiding them during a clip', async () => {
    dir = tempDir('mpv-run-');
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const idleQr = { text: 'WIFI:T:WPA;S:ShowControl;P:secret123;;', caption: 'Wi-Fi: ShowControl' };
    ({ player, process: mpv } = headlessMpv(dir, clips.idle, logger, idleQr));
    log = new StatusLog(player);
    player.showRoom(welcome(['GM stations: http://10.42.0.1:3000', '{Friday}']));
    await player.start();
    await log.waitFor((s) => s.status === 'idle');
    player.play({ tokenId: 'with-text', file: clips.short });
    await log.waitFor((s) => s.status === 'idle' && log.statuses.some((x) => x.status === 'completed'));
    player.showRoom({ ...welcome([]), screen: 'scoreboard', title: 'new session', setup: false, rows: [{ rank: 1, teamId: 'A', name: 'A', shortName: 'A', score: '10,000', groups: 0 }] });
    player.stop();
    const from = log.statuses.length;
    player.play({ tokenId: 'again', file: clips.short });
    await log.waitFor((s) => s.status === 'completed', from);
    expect(lines.filter((line) => line.includes('mpv command failed'))).toEqual([]);
  });

  it('kills an mpv left behind by a crashed run and clears its stale socket', async () => {
    dir = tempDir('mpv-run-');
    const socketPath = join(dir, 'mpv.sock');
    const orphan = spawn('mpv', [...baseArgs(socketPath), ...HEADLESS_MPV_ARGS], { stdio: 'ignore' });
    const orphanExit = new Promise((resolve) => orphan.once('exit', resolve));
    writeFileSync(join(dir, 'mpv.pid'), String(orphan.pid));
    for (let i = 0; i < 100 && !existsSync(socketPath); i += 1) await new Promise((r) => setTimeout(r, 50));
    ({ player, process: mpv } = headlessMpv(dir, clips.idle));
    log = new StatusLog(player);
    await player.start();
    expect(await orphanExit).toBe(null);
    expect(orphan.signalCode).toBe('SIGKILL');
    expect(mpv.pid).not.toBe(orphan.pid);
    player.play({ tokenId: 'after-orphan', file: clips.short });
    await log.waitFor((s) => s.status === 'completed');
  });
});

describe('assEscape', () => {
  it('escapes ASS markup so that text cannot restyle the screen', () => {
    expect(assEscape('a {\\b1} b\nc')).toBe('a \\{\\\\b1\\} b\\Nc');
  });
});

function welcome(lines: string[]): RoomView {
  return { screen: 'welcome', title: 'Waiting for the next memory…', lines, clock: null, rows: [], moreTeams: 0, announcement: null, setup: true };
}

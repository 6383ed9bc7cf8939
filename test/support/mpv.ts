import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { VideoStatus } from '../../src/contract/index.js';
import { MpvPlayer, type MpvPlayerOptions } from '../../src/adapters/mpv/mpv-player.js';
import { MpvProcess } from '../../src/adapters/mpv/mpv-process.js';
import { makeClips, type Clips } from './clips.js';
import { startTestServer, type TestServer, type TestServerOptions } from './harness.js';
import { tempDir } from './temp-dir.js';

/** Real mpv, headless: no window, no sound device. */
export const HEADLESS_MPV_ARGS = ['--vo=null', '--ao=null'];

export function headlessMpv(
  dir: string,
  idleMedia: string | undefined,
  logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  idleQr?: MpvPlayerOptions['idleQr'],
): { player: MpvPlayer; process: MpvProcess } {
  const mpv = new MpvProcess({
    binary: 'mpv',
    socketPath: join(dir, 'mpv.sock'),
    pidFile: join(dir, 'mpv.pid'),
    extraArgs: HEADLESS_MPV_ARGS,
    logger,
  });
  return { player: new MpvPlayer({ process: mpv, idleMedia, logger, ...(idleQr ? { idleQr } : {}) }), process: mpv };
}

/**
 * Real mpv, no picture, with an audio output that cannot open: the PCM writer aimed into a
 * folder that does not exist. mpv fails it as it fails a missing sound card or sound server,
 * on any machine, whatever its sound hardware.
 */
export function mpvWithoutSound(dir: string, idleMedia: string | undefined, logger: Logger): { player: MpvPlayer; process: MpvProcess } {
  const mpv = new MpvProcess({
    binary: 'mpv',
    socketPath: join(dir, 'mpv.sock'),
    pidFile: join(dir, 'mpv.pid'),
    extraArgs: ['--vo=null', '--ao=pcm', `--ao-pcm-file=${join(dir, 'no-such-folder', 'sound.wav')}`],
    logger,
  });
  return { player: new MpvPlayer({ process: mpv, idleMedia, logger }), process: mpv };
}

/** Collects a player's statuses and waits, bounded, for one that matches. */
export class StatusLog {
  readonly statuses: VideoStatus[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  constructor(player: { onStatus(listener: (status: VideoStatus) => void): void }) {
    player.onStatus((status) => {
      this.statuses.push(status);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.check()) return true;
        waiter.resolve();
        return false;
      });
    });
  }

  /** The statuses without repeated `playing` progress reports. */
  sequence(from = 0): string[] {
    return this.statuses.slice(from).map((s) => s.status).filter((s, i, all) => !(s === 'playing' && all[i - 1] === 'playing'));
  }

  /** Resolves with the index of the first status at or after `from` matching `predicate`. */
  waitFor(predicate: (status: VideoStatus) => boolean, from = 0, timeoutMs = 15_000): Promise<number> {
    const find = () => this.statuses.findIndex((s, i) => i >= from && predicate(s));
    return new Promise((resolve, reject) => {
      const check = () => find() >= 0;
      if (check()) {
        resolve(find());
        return;
      }
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.check !== check);
        reject(new Error(`no matching video status; got ${JSON.stringify(this.statuses.slice(from))}`));
      }, timeoutMs);
      this.waiters.push({
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve(find());
        },
      });
    });
  }
}

export interface MpvServers {
  /** The clips ffmpeg made for the file, before its first test. */
  readonly clips: Clips;
  /**
   * A headless mpv, started, and a test server playing on it from the clips' folder. Both
   * (and the mpv's folder) go after the test, the server first, the latest pair first.
   */
  start(options?: Omit<TestServerOptions, 'video' | 'mediaDir'>): Promise<{ server: TestServer; player: MpvPlayer; mpv: MpvProcess }>;
}

/** The fixture of the suites that play clips on real mpv through a real server. */
export function mpvServersPerTest(prefix: string, prepareClips: (clips: Clips) => void = () => undefined): MpvServers {
  let clips: Clips | undefined;
  const running: { server?: TestServer; player: MpvPlayer; dir: string }[] = [];
  beforeAll(() => {
    clips = makeClips(tempDir(`${prefix}-clips-`));
    prepareClips(clips);
  });
  afterAll(() => {
    if (clips) rmSync(clips.dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    for (const { server, player, dir } of running.splice(0).reverse()) {
      await server?.destroy();
      await player.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  const servers: MpvServers = {
    get clips() {
      if (!clips) throw new Error('the clips are made before the first test');
      return clips;
    },
    async start(options = {}) {
      const dir = tempDir(`${prefix}-mpv-`);
      const { player, process: mpv } = headlessMpv(dir, servers.clips.idle);
      const entry: (typeof running)[number] = { player, dir };
      running.push(entry);
      await player.start();
      entry.server = await startTestServer({ ...options, video: player, mediaDir: servers.clips.dir });
      return { server: entry.server, player, mpv };
    },
  };
  return servers;
}

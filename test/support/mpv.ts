import { join } from 'node:path';
import { pino } from 'pino';
import type { VideoStatus } from '../../src/contract/index.js';
import { MpvPlayer, type MpvPlayerOptions } from '../../src/adapters/mpv/mpv-player.js';
import { MpvProcess } from '../../src/adapters/mpv/mpv-process.js';

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

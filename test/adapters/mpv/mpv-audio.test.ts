import { rmSync } from 'node:fs';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MpvPlayer } from '../../../src/adapters/mpv/mpv-player.js';
import { makeClips, type Clips } from '../../support/clips.js';
import { headlessMpv, mpvWithoutSound, StatusLog } from '../../support/mpv.js';
import { tempDir } from '../../support/temp-dir.js';

interface LogLine {
  level: number;
  msg: string;
  tokenId?: string;
  file?: string;
  reason?: string;
  mpvReason?: string;
  mpvError?: string;
}

let clips: Clips;
let dir: string;
let player: MpvPlayer;
let lines: LogLine[];

beforeAll(() => {
  clips = makeClips(tempDir('mpv-audio-clips-'));
});
afterAll(() => {
  rmSync(clips.dir, { recursive: true, force: true });
});
afterEach(async () => {
  await player.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A logger whose lines the test reads. */
function readableLogger() {
  lines = [];
  return pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
}

/** Plays one clip to its end (the idle after it) and returns the statuses from its `loading` on. */
async function playToIdle(log: StatusLog, tokenId: string, file: string): Promise<string[]> {
  const from = log.statuses.length;
  player.play({ tokenId, file });
  await log.waitFor((s) => s.status === 'idle', from);
  return log.sequence(from);
}

const WARN = 40;
const soundWarnings = () => lines.filter((line) => line.level === WARN && /sound/.test(line.msg));

describe('MpvPlayer on real mpv whose audio output cannot open', () => {
  it('completes clips whose picture played to the end and reports the missing sound once', async () => {
    dir = tempDir('mpv-audio-');
    ({ player } = mpvWithoutSound(dir, clips.idle, readableLogger()));
    const log = new StatusLog(player);
    await player.start();
    await log.waitFor((s) => s.status === 'idle');
    expect(player.audioReady).toBeUndefined();

    expect(await playToIdle(log, 'first', clips.short)).toEqual(['loading', 'playing', 'completed', 'idle']);
    expect(player.audioReady).toBe(false);
    expect(await playToIdle(log, 'second', clips.short)).toEqual(['loading', 'playing', 'completed', 'idle']);
    expect(player.audioReady).toBe(false);

    expect(log.statuses.filter((s) => s.status === 'completed')).toEqual([
      expect.objectContaining({ tokenId: 'first', progress: 100 }),
      expect.objectContaining({ tokenId: 'second', progress: 100 }),
    ]);
    expect(soundWarnings()).toEqual([expect.objectContaining({ mpvError: 'audio output initialization failed', file: clips.short })]);
    expect(lines.filter((line) => line.msg === 'a clip ended with an error')).toEqual([]);
  });

  it('still reports a clip cut off mid-stream as an error', async () => {
    dir = tempDir('mpv-audio-');
    ({ player } = mpvWithoutSound(dir, clips.idle, readableLogger()));
    const log = new StatusLog(player);
    await player.start();
    await log.waitFor((s) => s.status === 'idle');
    expect(await playToIdle(log, 'cut', clips.truncated)).toEqual(['loading', 'playing', 'error', 'idle']);
    expect(log.statuses.find((s) => s.status === 'error')).toMatchObject({ tokenId: 'cut', error: expect.stringMatching(/truncated\.mp4 ended early/) as string });
  });
});

describe('MpvPlayer on real mpv whose audio output opens', () => {
  it('reports sound ready once a clip with sound played, and logs no warning', async () => {
    dir = tempDir('mpv-audio-');
    ({ player } = headlessMpv(dir, clips.idle, readableLogger()));
    const log = new StatusLog(player);
    await player.start();
    await log.waitFor((s) => s.status === 'idle');
    expect(await playToIdle(log, 'with-sound', clips.short)).toEqual(['loading', 'playing', 'completed', 'idle']);
    expect(player.audioReady).toBe(true);
    expect(soundWarnings()).toEqual([]);
  });

  it('logs an mpv error that ends a clip with the clip and the reason', async () => {
    dir = tempDir('mpv-audio-');
    ({ player } = headlessMpv(dir, clips.idle, readableLogger()));
    const log = new StatusLog(player);
    await player.start();
    await log.waitFor((s) => s.status === 'idle');
    expect(await playToIdle(log, 'broken', clips.corrupt)).toEqual(['loading', 'error', 'idle']);
    const errors = lines.filter((line) => line.msg === 'a clip ended with an error');
    expect(errors).toEqual([
      expect.objectContaining({
        level: WARN,
        tokenId: 'broken',
        file: clips.corrupt,
        mpvReason: 'error',
        mpvError: expect.any(String) as string,
        reason: expect.stringMatching(/^could not play corrupt\.mp4: /) as string,
      }),
    ]);
  });
});

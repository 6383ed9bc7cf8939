import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SoundStatus } from '../../../src/contract/index.js';
import { MpvProcess } from '../../../src/adapters/mpv/mpv-process.js';
import { MpvSoundPlayer, soundArgs } from '../../../src/adapters/mpv/sound-player.js';
import { MediaFolder } from '../../../src/adapters/video/media-folder.js';
import { NoSoundPlayer } from '../../../src/adapters/video/no-sound.js';
import { tempDir } from '../../support/temp-dir.js';

const RATE = 48_000;
const CHANNELS = 2;
const BYTES_PER_SAMPLE = 2;
/** What mpv's PCM writer is told to write, so a second of sound has a known size. */
const PCM_FORMAT = ['--audio-format=s16', `--audio-samplerate=${RATE}`, '--audio-channels=stereo', '--ao-pcm-waveheader=no'];

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Collects a sound player's statuses and waits, bounded, for one that matches. */
class SoundLog {
  readonly statuses: SoundStatus[] = [];
  private waiters: (() => boolean)[] = [];

  constructor(player: MpvSoundPlayer) {
    player.onStatus((status) => {
      this.statuses.push(status);
      this.waiters = this.waiters.filter((check) => !check());
    });
  }

  waitFor(predicate: (status: SoundStatus) => boolean, from = 0, timeoutMs = 15_000): Promise<number> {
    const find = () => this.statuses.findIndex((status, index) => index >= from && predicate(status));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((check) => check !== done);
        reject(new Error(`no matching sound status; got ${JSON.stringify(this.statuses.slice(from))}`));
      }, timeoutMs);
      const done = () => {
        const index = find();
        if (index < 0) return false;
        clearTimeout(timer);
        resolve(index);
        return true;
      };
      if (!done()) this.waiters.push(done);
    });
  }
}

describe('MpvSoundPlayer on real headless mpv', () => {
  let root: string;
  let media: string;
  const players: MpvSoundPlayer[] = [];

  beforeAll(() => {
    root = tempDir('sound-');
    media = join(root, 'media');
    mkdirSync(join(media, 'sfx'), { recursive: true });
    // One second of a 440 Hz tone at the PCM writer's rate and layout: nothing is resampled.
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1:sample_rate=48000', '-ac', '2', '-c:a', 'pcm_s16le', join(media, 'sfx', 'sting.wav')]);
    // A minute of quiet tone, small: long enough to be stopped while it plays.
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=60:sample_rate=8000', '-c:a', 'pcm_u8', join(media, 'long.wav')]);
    writeFileSync(join(root, 'outside.wav'), readFileSync(join(media, 'sfx', 'sting.wav')));
    symlinkSync(join(root, 'outside.wav'), join(media, 'escape.wav'));
  });

  afterEach(async () => {
    await Promise.all(players.splice(0).map((player) => player.close()));
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  function soundPlayer(name: string, extraArgs: string[]): { player: MpvSoundPlayer; process: MpvProcess; log: SoundLog } {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    const process = new MpvProcess({
      binary: 'mpv',
      socketPath: join(dir, 'sound.sock'),
      pidFile: join(dir, 'sound.pid'),
      extraArgs,
      baseArgs: soundArgs,
      component: 'sound',
      logger,
      restartBackoffMs: [50],
    });
    const player = new MpvSoundPlayer({ process, media: new MediaFolder(media), logger });
    players.push(player);
    return { player, process, log: new SoundLog(player) };
  }

  /** A player writing what it plays into `<name>/out.pcm` as raw 48 kHz stereo 16-bit samples. */
  function pcmPlayer(name: string) {
    const pcm = join(root, name, 'out.pcm');
    return { ...soundPlayer(name, ['--ao=pcm', `--ao-pcm-file=${pcm}`, ...PCM_FORMAT]), pcm };
  }

  /** Plays `file` to its end, then stops mpv so the PCM writer has written everything. */
  async function playToEnd(name: string, file: string, volume?: number): Promise<Buffer> {
    const { player, log, pcm } = pcmPlayer(name);
    await player.start();
    expect(player.status).toMatchObject({ ready: true, playing: 0 });
    await player.play(file, volume);
    const started = await log.waitFor((status) => status.playing === 1);
    await log.waitFor((status) => status.playing === 0, started);
    await player.close();
    return readFileSync(pcm);
  }

  it('plays a sound: the PCM written is the sound’s length', async () => {
    const samples = await playToEnd('plays', 'sfx/sting.wav');
    const seconds = samples.length / (RATE * CHANNELS * BYTES_PER_SAMPLE);
    expect(seconds).toBeGreaterThan(0.9);
    expect(seconds).toBeLessThan(1.1);
    expect(peak(samples)).toBeGreaterThan(1000);
  });

  it('plays at the volume asked for', async () => {
    const full = peak(await playToEnd('full', 'sfx/sting.wav'));
    const quiet = await playToEnd('quiet', 'sfx/sting.wav', 30);
    expect(quiet.length / (RATE * CHANNELS * BYTES_PER_SAMPLE)).toBeGreaterThan(0.9);
    // mpv's volume is cubic: 30 % is about 3 % of the amplitude.
    expect(peak(quiet)).toBeGreaterThan(0);
    expect(peak(quiet)).toBeLessThan(full * 0.1);
  });

  it('refuses a volume outside 0-100', async () => {
    const { player } = soundPlayer('volume', ['--ao=null']);
    await player.start();
    expect(await rejection(player.play('sfx/sting.wav', 101))).toMatchObject({ code: 'INVALID_DATA', message: 'sound volume must be a number from 0 to 100, not 101' });
    expect(await rejection(player.play('sfx/sting.wav', Number.NaN))).toMatchObject({ code: 'INVALID_DATA' });
  });

  it('stops every sound on stopAll', async () => {
    // The null output plays in real time, so the minute-long sound is still playing when stopped.
    const { player, log } = soundPlayer('stop', ['--ao=null']);
    await player.start();
    await player.play('long.wav', 50);
    const started = await log.waitFor((status) => status.playing === 1);
    player.stopAll();
    await log.waitFor((status) => status.playing === 0, started);
    expect(player.status).toMatchObject({ ready: true, playing: 0 });
    expect(player.status.lastError).toBeUndefined();
  });

  it('refuses a missing file with a clear error, and stays ready', async () => {
    const { player } = soundPlayer('missing', ['--ao=null']);
    await player.start();
    expect(await rejection(player.play('sfx/nope.wav'))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'sound "sfx/nope.wav" was not found in the media folder',
    });
    expect(await rejection(player.play('sfx'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(player.status.ready).toBe(true);
  });

  it('refuses a name leading out of the media folder', async () => {
    const { player } = soundPlayer('escape', ['--ao=null']);
    await player.start();
    for (const name of ['../outside.wav', join(root, 'outside.wav'), 'escape.wav', 'sfx/../../outside.wav']) {
      expect(await rejection(player.play(name))).toMatchObject({
        code: 'INVALID_DATA',
        message: `sound ${JSON.stringify(name)} is not a file inside the media folder`,
      });
    }
  });

  it('reports a file mpv cannot play as its last error', async () => {
    writeFileSync(join(media, 'noise.wav'), Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919) % 251)));
    const { player, log } = soundPlayer('corrupt', ['--ao=null']);
    await player.start();
    await player.play('noise.wav');
    await log.waitFor((status) => status.lastError !== undefined);
    expect(player.status.lastError).toContain('noise.wav');
  });

  it('plays its silent test through the audio output: a quarter second of silence is written', async () => {
    const { player, pcm } = pcmPlayer('silent-test');
    await player.start();
    expect(await player.testOutput()).toEqual({ outcome: 'played' });
    await player.close();
    const samples = readFileSync(pcm);
    const seconds = samples.length / (RATE * CHANNELS * BYTES_PER_SAMPLE);
    expect(seconds).toBeGreaterThan(0.2);
    expect(seconds).toBeLessThan(0.3);
    expect(peak(samples)).toBe(0);
  });

  it('says why its silent test failed when the audio output cannot open', async () => {
    const { player } = soundPlayer('no-output', ['--ao=alsa', '--audio-device=alsa/no-such-device']);
    await player.start();
    expect(await player.testOutput()).toEqual({ outcome: 'failed', error: 'the audio output could not open (no sound device, or it is busy)' });
    expect(player.status.ready).toBe(true);
  });

  it('does not interrupt a sound that plays to run its test', async () => {
    const { player, log } = soundPlayer('busy', ['--ao=null']);
    await player.start();
    await player.play('long.wav', 50);
    const started = await log.waitFor((status) => status.playing === 1);
    expect(await player.testOutput()).toEqual({ outcome: 'busy' });
    expect(log.statuses.slice(started + 1).some((status) => status.playing === 0)).toBe(false);
    expect(player.status.playing).toBe(1);
  });

  it('comes back after mpv is killed and plays again', async () => {
    const { player, process, log, pcm } = pcmPlayer('restart');
    await player.start();
    const pid = process.pid;
    expect(pid).toBeDefined();
    globalThis.process.kill(pid ?? 0, 'SIGKILL');
    const down = await log.waitFor((status) => !status.ready);
    expect(log.statuses[down]?.lastError).toContain('restarting');
    expect(await rejection(player.play('sfx/sting.wav'))).toMatchObject({ code: 'SERVER_ERROR', message: 'the sound player is not running (it is restarting)' });
    const up = await log.waitFor((status) => status.ready, down);
    expect(process.pid).not.toBe(pid);
    await player.play('sfx/sting.wav');
    const started = await log.waitFor((status) => status.playing === 1, up);
    await log.waitFor((status) => status.playing === 0, started);
    await player.close();
    expect(statSync(pcm).size / (RATE * CHANNELS * BYTES_PER_SAMPLE)).toBeGreaterThan(0.9);
  });
});

describe('NoSoundPlayer', () => {
  it('is not ready and refuses every sound saying there is no sound player', async () => {
    const player = new NoSoundPlayer();
    await player.start();
    expect(player.status).toMatchObject({ ready: false, playing: 0 });
    expect(await rejection(player.play('sting.wav'))).toMatchObject({
      code: 'SERVER_ERROR',
      message: 'cannot play "sting.wav": no sound player: no sound player is configured (SOUND_PLAYER=none)',
    });
    expect(await player.testOutput()).toEqual({ outcome: 'absent', reason: 'no sound player is configured (SOUND_PLAYER=none)' });
  });
});

/** The error a promise rejects with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** The largest absolute sample of raw signed 16-bit PCM. */
function peak(samples: Buffer): number {
  let max = 0;
  for (let offset = 0; offset + 1 < samples.length; offset += 2) max = Math.max(max, Math.abs(samples.readInt16LE(offset)));
  return max;
}

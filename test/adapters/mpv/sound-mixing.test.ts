import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseAudioOutput } from '../../../src/adapters/mpv/audio-output.js';
import { MpvPlayer } from '../../../src/adapters/mpv/mpv-player.js';
import { MpvProcess } from '../../../src/adapters/mpv/mpv-process.js';
import { MpvSoundPlayer, soundArgs } from '../../../src/adapters/mpv/sound-player.js';
import { MediaFolder } from '../../../src/adapters/video/media-folder.js';
import type { SoundStatus } from '../../../src/contract/index.js';
import { StatusLog } from '../../support/mpv.js';
import { until } from '../../support/reliability.js';
import { tempDir } from '../../support/temp-dir.js';

const units = new URL('../../../systemd/', import.meta.url).pathname;
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const CLIP_HZ = 440;
const STING_HZ = 1000;

/**
 * A unit's command and environment as the appliance runs them, with its runtime and state
 * folders moved into the test's own (the test runs them as this user, without systemd).
 */
function unitCommand(unit: string, folders: Record<string, string>): { argv: string[]; env: Record<string, string> } {
  const moved = (text: string) => Object.entries(folders).reduce((result, [from, to]) => result.split(from).join(to), text);
  const lines = readFileSync(join(units, unit), 'utf8').split('\n');
  const env: Record<string, string> = {};
  for (const line of lines) {
    const setting = /^Environment=([A-Z_]+)=(.*)$/.exec(line);
    if (setting?.[1] !== undefined && setting[2] !== undefined) env[setting[1]] = moved(setting[2]);
  }
  const exec = lines.find((line) => line.startsWith('ExecStart='))?.slice('ExecStart='.length);
  if (exec === undefined) throw new Error(`${unit} has no ExecStart`);
  return { argv: moved(exec).split(/\s+/), env };
}

/** The strength of one frequency in mono 16-bit samples (Goertzel), per sample. */
function strength(samples: Int16Array, hz: number, rate: number): number {
  const k = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let a = 0;
  let b = 0;
  for (const sample of samples) [a, b] = [sample + k * a - b, a];
  return Math.sqrt(a * a + b * b - k * a * b) / samples.length;
}

/**
 * The Pi's two players meeting in the sound server: the clips' mpv and the sound effects' mpv
 * both play through PipeWire (as the appliance's units run it, WirePlumber routing them),
 * into a virtual sink standing in for the TV's HDMI port; what the sink plays is recorded.
 */
describe('a sound effect over a clip, mixed by the appliance’s sound server', () => {
  let root: string;
  const children: ChildProcess[] = [];
  const saved = { PIPEWIRE_RUNTIME_DIR: process.env.PIPEWIRE_RUNTIME_DIR };

  beforeAll(async () => {
    root = tempDir('sound-mixing-');
    const run = join(root, 'run');
    const state = join(root, 'state');
    const config = join(root, 'config');
    for (const dir of [run, state, join(config, 'pipewire', 'pipewire.conf.d')]) mkdirSync(dir, { recursive: true });
    // The TV's HDMI port: a virtual sink, the only output, so WirePlumber makes it the default.
    writeFileSync(
      join(config, 'pipewire', 'pipewire.conf.d', 'tv.conf'),
      'context.objects = [ { factory = adapter args = { factory.name = support.null-audio-sink node.name = "tv" media.class = Audio/Sink audio.position = [ FL FR ] audio.rate = 48000 } } ]\n',
    );
    const folders = { '/run/orchestrator-sound': run, '/var/lib/orchestrator-sound': state };
    for (const unit of ['orchestrator-sound.service', 'orchestrator-sound-session.service']) {
      const { argv, env } = unitCommand(unit, folders);
      const [command = '', ...args] = argv;
      const child = spawn(command, args, { env: { ...process.env, ...env, XDG_CONFIG_HOME: config }, stdio: 'ignore' });
      children.push(child);
      if (unit === 'orchestrator-sound.service') await until(() => existsSync(join(run, 'pipewire-0')), 'the PipeWire socket', 20_000);
    }
    process.env.PIPEWIRE_RUNTIME_DIR = run;
    // WirePlumber has chosen the default output once it names the sink.
    const tvIsDefault = () => {
      try {
        return execFileSync('pw-metadata', ['0', 'default.audio.sink'], { encoding: 'utf8', env: { ...process.env, PIPEWIRE_RUNTIME_DIR: run } }).includes('"tv"');
      } catch {
        return false;
      }
    };
    await until(tvIsDefault, 'WirePlumber to choose the TV as the default output', 20_000, 100);
  });

  afterAll(() => {
    for (const child of children.reverse()) child.kill('SIGTERM');
    if (saved.PIPEWIRE_RUNTIME_DIR === undefined) delete process.env.PIPEWIRE_RUNTIME_DIR;
    else process.env.PIPEWIRE_RUNTIME_DIR = saved.PIPEWIRE_RUNTIME_DIR;
    rmSync(root, { recursive: true, force: true });
  });

  it('plays the sting while the clip plays, and the TV gets both at once', async () => {
    const media = join(root, 'media');
    mkdirSync(media);
    const ffmpeg = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25:duration=4', '-f', 'lavfi', '-i', `sine=frequency=${CLIP_HZ}:duration=4`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', join(media, 'clip.mp4')]);
    ffmpeg(['-f', 'lavfi', '-i', `sine=frequency=${STING_HZ}:duration=1:sample_rate=48000`, '-ac', '2', join(media, 'sting.wav')]);

    // What the appliance's orchestrator.service asks for: AUDIO_OUTPUT=pipewire.
    const audio = chooseAudioOutput({ setting: 'pipewire', hdmiDevice: 'alsa/hdmi:CARD=vc4hdmi0,DEV=0', env: process.env });
    const video = new MpvPlayer({
      process: new MpvProcess({ binary: 'mpv', socketPath: join(root, 'mpv.sock'), pidFile: join(root, 'mpv.pid'), extraArgs: ['--vo=null', ...audio.args], logger }),
      idleMedia: undefined,
      logger,
    });
    const sound = new MpvSoundPlayer({
      process: new MpvProcess({ binary: 'mpv', socketPath: join(root, 'sound.sock'), pidFile: join(root, 'sound.pid'), baseArgs: soundArgs, extraArgs: audio.args, component: 'sound', logger }),
      media: new MediaFolder(media),
      logger,
    });
    const sounds: SoundStatus[] = [];
    sound.onStatus((status) => sounds.push(status));
    const recording = join(root, 'tv.wav');
    const recorder = spawn('pw-record', ['--target', 'tv', '--rate', '48000', '--channels', '2', '--format', 's16', recording], { stdio: 'ignore' });
    children.push(recorder);
    try {
      await video.start();
      await sound.start();
      const log = new StatusLog(video);
      video.play({ tokenId: 'clip', file: join(media, 'clip.mp4') });
      await log.waitFor((status) => status.status === 'playing');
      await sound.play('sting.wav');
      await until(() => sounds.some((status) => status.playing === 1) && sound.status.playing === 0, 'the sting to play to its end', 20_000);
      await log.waitFor((status) => status.status === 'completed');
      expect(video.audioReady).toBe(true);
      expect(sound.status.lastError).toBeUndefined();
    } finally {
      await sound.close();
      await video.close();
      recorder.kill('SIGINT');
      await new Promise((exited) => recorder.once('exit', exited));
    }

    const rate = 8000;
    const raw = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', recording, '-ac', '1', '-ar', String(rate), '-f', 's16le', '-'], { maxBuffer: 64 * 1024 * 1024 });
    const samples = new Int16Array(raw.buffer, raw.byteOffset, Math.floor(raw.length / 2));
    const window = rate / 4;
    const windows: Array<{ clip: number; sting: number }> = [];
    for (let start = 0; start + window <= samples.length; start += window) {
      const part = samples.subarray(start, start + window);
      windows.push({ clip: strength(part, CLIP_HZ, rate), sting: strength(part, STING_HZ, rate) });
    }
    const loudest = { clip: Math.max(...windows.map((each) => each.clip)), sting: Math.max(...windows.map((each) => each.sting)) };
    expect(loudest.clip).toBeGreaterThan(100);
    expect(loudest.sting).toBeGreaterThan(100);
    // A quarter second in which the TV played the clip's tone and the sting's together.
    const together = windows.filter((each) => each.clip > loudest.clip / 2 && each.sting > loudest.sting / 2);
    expect(together.length, JSON.stringify(windows.map((each) => [Math.round(each.clip), Math.round(each.sting)]))).toBeGreaterThan(0);
  });
});

/**
 * Video latency benchmark: the built orchestrator with real headless mpv.
 *  - scan → playing: from sending `POST /api/scan` to a GM station receiving `video:status playing`;
 *  - mpv event → socket emit: from mpv announcing `playback-restart` (seen on a second IPC
 *    connection to the same mpv, which broadcasts events to every client) to the station
 *    receiving `video:status playing`.
 * Loopback only, bounded: ROUNDS scans, each waited for at most 15 s.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as connectSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { spawnBuiltServer } from '../scripts/lib/built-server.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const root = fileURLToPath(new URL('../..', import.meta.url));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function summary(values: number[]) {
  const round = (n: number) => Math.round(n * 100) / 100;
  return { count: values.length, p50: round(percentile(values, 50)), p95: round(percentile(values, 95)), max: round(Math.max(...values)) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-video-'));
  const media = join(dir, 'media');
  mkdirSync(media);
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25:duration=1',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', join(media, 'clip.mp4'),
  ]);
  const entry = { SF_ValueRating: 1, SF_MemoryType: 'Personal', SF_Group: '', image: null, audio: null, processingImage: null };
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify({ vid001: { SF_RFID: 'vid001', ...entry, video: 'clip.mp4' } }));
  const socketPath = join(dir, 'mpv.sock');
  const server = await spawnBuiltServer({
    DATA_DIR: join(dir, 'data'),
    TOKENS_FILE: join(dir, 'tokens.json'),
    MEDIA_DIR: media,
    IDLE_MEDIA: 'none',
    ADMIN_PASSWORD: 'bench-password',
    MPV_ARGS: '--vo=null --ao=null',
    MPV_SOCKET: socketPath,
    VIDEO_PLAYER: 'mpv',
    VIDEO_OUTPUT: 'window',
  });
  try {
    const url = server.url;
    const station = io(url, { transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve) => station.once('connect', () => resolve()));
    await station.emitWithAck('gm:identify', { stationId: 'BENCH', version: '1' });

    let mpvRestartAt = 0;
    const observer = connectSocket(socketPath);
    observer.setEncoding('utf8');
    observer.on('data', (chunk: string) => {
      if (chunk.includes('"playback-restart"')) mpvRestartAt = performance.now();
    });

    const scanToPlaying: number[] = [];
    const eventToEmit: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const idle = new Promise<void>((resolve) => {
        const onStatus = (envelope: { data: { status: string } }) => {
          if (envelope.data.status !== 'idle') return;
          station.off('video:status', onStatus);
          resolve();
        };
        station.on('video:status', onStatus);
      });
      const playing = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no playing status within 15 s')), 15_000);
        const onStatus = (envelope: { data: { status: string } }) => {
          if (envelope.data.status !== 'playing') return;
          clearTimeout(timer);
          station.off('video:status', onStatus);
          resolve(performance.now());
        };
        station.on('video:status', onStatus);
      });
      mpvRestartAt = 0;
      const sent = performance.now();
      const response = await fetch(`${url}/api/scan`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tokenId: 'vid001', deviceId: 'bench-player' }),
      });
      if (response.status !== 200) throw new Error(`scan answered ${response.status}`);
      const received = await playing;
      scanToPlaying.push(received - sent);
      if (mpvRestartAt > 0) eventToEmit.push(received - mpvRestartAt);
      await Promise.race([idle, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    }
    observer.destroy();
    station.close();

    const report = {
      benchmark: 'video-latency',
      date: new Date().toISOString(),
      machine: { node: process.version, cpus: (await import('node:os')).cpus().length, arch: process.arch },
      mpv: execFileSync('mpv', ['--version']).toString().split('\n')[0],
      scanToPlayingMs: summary(scanToPlaying),
      mpvEventToSocketEmitMs: summary(eventToEmit),
    };
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/video-latency.json'), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});

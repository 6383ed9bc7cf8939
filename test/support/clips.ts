import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Clips {
  dir: string;
  /** A valid clip of about `seconds`. */
  ok: string;
  short: string;
  /** Random bytes named .mp4. */
  corrupt: string;
  /** A valid clip cut off in the middle of its media data: it starts, then ends early. */
  truncated: string;
  idle: string;
}

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** An H.264 + AAC clip with its index at the front, so a cut-off copy still starts playing. */
function clip(file: string, seconds: number): void {
  ffmpeg([
    '-f', 'lavfi', '-i', `testsrc2=size=160x90:rate=25:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest',
    '-movflags', '+faststart', file,
  ]);
}

/** Small clips made by ffmpeg for tests against real mpv. */
export function makeClips(dir: string): Clips {
  const clips: Clips = {
    dir,
    ok: join(dir, 'ok.mp4'),
    short: join(dir, 'short.mp4'),
    corrupt: join(dir, 'corrupt.mp4'),
    truncated: join(dir, 'truncated.mp4'),
    idle: join(dir, 'idle.png'),
  };
  clip(clips.ok, 2);
  clip(clips.short, 1);
  const long = join(dir, 'long.mp4');
  clip(long, 4);
  const bytes = readFileSync(long);
  writeFileSync(clips.truncated, bytes.subarray(0, Math.floor(bytes.length * 0.4)));
  writeFileSync(clips.corrupt, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
  ffmpeg(['-f', 'lavfi', '-i', 'color=c=0x101820:size=320x180', '-frames:v', '1', clips.idle]);
  return clips;
}

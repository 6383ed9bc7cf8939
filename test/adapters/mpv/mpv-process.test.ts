import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MpvProcess } from '../../../src/adapters/mpv/mpv-process.js';
import { MpvSoundPlayer, soundArgs } from '../../../src/adapters/mpv/sound-player.js';
import { MediaFolder } from '../../../src/adapters/video/media-folder.js';
import { until } from '../../support/reliability.js';
import { tempDir } from '../../support/temp-dir.js';

let dir: string | undefined;
const players: MpvSoundPlayer[] = [];
afterEach(async () => {
  for (const player of players.splice(0)) await player.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/**
 * An mpv that starts and never opens its IPC socket, as one on a loaded Pi may not in time: a
 * script named like mpv (so the leftover clean-up would take it for one) that notes each start
 * and each time it is killed by someone other than the process that started it.
 */
function hangingMpv(root: string): string {
  const script = join(root, 'fake-mpv');
  writeFileSync(script, `#!/bin/sh\necho "$$" >> "${join(root, 'starts.log')}"\nsleep 5\n`, { mode: 0o755 });
  return script;
}

describe('MpvProcess when mpv does not open its socket in time', () => {
  it('restarts it in one loop: no second loop killing the first one’s mpv, no crash reported for an mpv it gave up on', async () => {
    dir = tempDir('mpv-process-');
    const root = dir;
    const lines: Array<{ msg: string }> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string }) });
    const process = new MpvProcess({
      binary: hangingMpv(root),
      socketPath: join(root, 'sound.sock'),
      pidFile: join(root, 'sound.pid'),
      baseArgs: soundArgs,
      extraArgs: [],
      logger,
      startTimeoutMs: 150,
      restartBackoffMs: [30],
      component: 'sound',
    });
    const player = new MpvSoundPlayer({ process, media: new MediaFolder(root), logger });
    players.push(player);
    const exits: unknown[] = [];
    process.on('exit', (exit) => exits.push(exit));
    await player.start();
    const starts = () => (existsSync(join(root, 'starts.log')) ? readFileSync(join(root, 'starts.log'), 'utf8').trim().split('\n').length : 0);
    await until(() => starts() >= 3, 'the third start', 20_000);
    await player.close();

    expect(lines.filter((line) => line.msg === 'killing an mpv left over from an earlier run')).toEqual([]);
    expect(lines.filter((line) => line.msg === 'mpv exited unexpectedly')).toEqual([]);
    expect(exits).toEqual([]);
    // Each failed start is followed by exactly one restart attempt.
    const failures = lines.filter((line) => line.msg === 'the sound player did not start; retrying' || line.msg === 'mpv restart failed').length;
    expect(starts()).toBeGreaterThanOrEqual(failures);
    expect(starts()).toBeLessThanOrEqual(failures + 1);
    expect(player.status).toMatchObject({ ready: false, lastError: expect.stringContaining('did not open its IPC socket') as string });
  });
});

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnBuiltServer, type BuiltServer } from '../../scripts/lib/built-server.js';
import { FIXTURE_TOKENS } from '../support/fixtures.js';
import { until } from '../support/reliability.js';
import { tempDir } from '../support/temp-dir.js';

/** A stand-in for systemd's notify socket: a Unix datagram socket (Node has none; Python does). */
function notifyListener(path: string): { messages: string[]; process: ChildProcessWithoutNullStreams } {
  const script = [
    'import socket, sys',
    's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
    `s.bind(${JSON.stringify(path)})`,
    'print("listening", flush=True)',
    'while True:',
    '    data = s.recv(4096)',
    '    for line in data.decode().splitlines():',
    '        print(line, flush=True)',
  ].join('\n');
  const child = spawn('python3', ['-c', script]);
  const messages: string[] = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => messages.push(...chunk.split('\n').filter((line) => line !== '')));
  return { messages, process: child };
}

let dir: string | undefined;
let server: BuiltServer | undefined;
let listener: ChildProcessWithoutNullStreams | undefined;
afterEach(async () => {
  server?.child.kill('SIGKILL');
  await server?.exited;
  listener?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = undefined;
});

describe('systemd notification from the built server', () => {
  it('reports READY once listening, pings the watchdog, and reports STOPPING on SIGTERM', async () => {
    dir = tempDir('sd-notify-');
    const socketPath = join(dir, 'notify');
    const notify = notifyListener(socketPath);
    listener = notify.process;
    await until(() => notify.messages.includes('listening') && existsSync(socketPath), 'the notify socket', 20_000, 50);
    server = await spawnBuiltServer({
      DATA_DIR: join(dir, 'data'),
      TOKENS_FILE: FIXTURE_TOKENS,
      ADMIN_PASSWORD: 'notify-test-password',
      NOTIFY_SOCKET: socketPath,
      WATCHDOG_USEC: '1000000',
    });
    await until(() => notify.messages.includes('READY=1'), 'READY=1', 20_000, 50);
    await until(() => notify.messages.filter((m) => m === 'WATCHDOG=1').length >= 2, 'two watchdog pings', 20_000, 50);
    server.child.kill('SIGTERM');
    await until(() => notify.messages.includes('STOPPING=1'), 'STOPPING=1', 20_000, 50);
    await server.exited;
    expect(notify.messages.indexOf('READY=1')).toBeLessThan(notify.messages.indexOf('WATCHDOG=1'));
  }, 60_000);
});

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { BUILT_MAIN } from '../../scripts/lib/built-server.js';

const BARE_MAIN = fileURLToPath(new URL('../bare-relay.js', import.meta.url));

export interface NodeServer {
  child: ChildProcessByStdio<null, Readable, Readable>;
  url: string;
  exited: Promise<void>;
}

/**
 * Spawns `node [nodeArgs] script` on 127.0.0.1 and an ephemeral port, with only PATH and `env`
 * in its environment, and resolves once a JSON log line with message `listening` names the port.
 */
function spawnNodeServer(script: string, nodeArgs: string[], env: Record<string, string>, listening: string, timeoutMs = 20_000): Promise<NodeServer> {
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stderr: string[] = [];
  // Both pipes are read to the end: a full pipe would block the server's synchronous log writes.
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not log "${listening}" within ${timeoutMs} ms\n${stderr.join('\n')}`));
    }, timeoutMs);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /"port":(\d+)/.exec(line);
      if (!line.includes(`"msg":"${listening}"`) || match?.[1] === undefined) return;
      clearTimeout(timer);
      resolve({ child, url: `http://127.0.0.1:${match[1]}`, exited });
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${script} exited before listening\n${stderr.join('\n')}`));
    });
  });
}

/** The bench's bare Socket.IO relay (`dist/bench/bare-relay.js`). */
export function spawnBareRelay(): Promise<NodeServer> {
  return spawnNodeServer(BARE_MAIN, [], {}, 'bare relay listening');
}

/** The built orchestrator under `node --cpu-prof`, writing its profile into `profileDir` when it exits. */
export function spawnProfiledOrchestrator(env: Record<string, string>, profileDir: string): Promise<NodeServer> {
  return spawnNodeServer(BUILT_MAIN, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`], env, 'orchestrator listening');
}

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** The checkout this file belongs to, wherever it runs from (src or dist). */
const checkout = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../..' : '../..', import.meta.url));
export const BUILT_MAIN = `${checkout}dist/src/main.js`;

export type ServerProcess = ChildProcessByStdio<null, Readable, Readable>;

export interface BuiltServer {
  child: ServerProcess;
  port: number;
  url: string;
  /** Resolves when the process has exited, however it ended. */
  exited: Promise<void>;
}

/**
 * Spawns the built orchestrator (`node dist/src/main.js`) on 127.0.0.1 and an ephemeral port,
 * with only PATH and the given settings in its environment (a developer's STATION_TOKEN or
 * CONFIG_FILE must not leak in), and resolves once its "orchestrator listening" log line
 * names the port. Fails with the server's stderr if it exits, or kills it if it stays silent too long.
 */
export function spawnBuiltServer(env: Record<string, string>, listenTimeoutMs = 20_000): Promise<BuiltServer> {
  const child = spawn(process.execPath, [BUILT_MAIN], {
    cwd: checkout,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const stderr: string[] = [];
  const stdoutTail: string[] = [];
  // Both pipes are read to the end: a full pipe would block the server's synchronous log writes.
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const lines = createInterface({ input: child.stdout });

  return new Promise<BuiltServer>((resolve, reject) => {
    const failure = (why: string) =>
      new Error(`${why}\n--- stderr ---\n${stderr.join('\n')}\n--- last stdout ---\n${stdoutTail.join('\n')}`);
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // nobody will get a handle on it to stop it later
      reject(failure(`the server did not log "orchestrator listening" within ${listenTimeoutMs} ms`));
    }, listenTimeoutMs);
    lines.on('line', (line) => {
      stdoutTail.push(line);
      if (stdoutTail.length > 20) stdoutTail.shift();
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        return; // not a log line
      }
      const { msg, port } = (record ?? {}) as { msg?: unknown; port?: unknown };
      if (msg !== 'orchestrator listening' || typeof port !== 'number') return;
      clearTimeout(timer);
      resolve({ child, port, url: `http://127.0.0.1:${port}`, exited });
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(failure(`could not start the server: ${error.message}`));
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(failure(`the server exited before listening (code ${child.exitCode}, signal ${child.signalCode})`));
    });
  });
}

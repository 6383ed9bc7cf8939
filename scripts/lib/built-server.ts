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

export interface ListeningNodeOptions {
  /** Node's own flags, before the script (`--cpu-prof`). */
  nodeArgs?: string[];
  env: Record<string, string>;
  /** The `msg` of the JSON log line that carries the port. */
  listening: string;
  listenTimeoutMs?: number;
  /** Every line the process writes to stdout, from its first (for tests that read its log). */
  onLine?: (line: string) => void;
}

/**
 * Spawns `node [nodeArgs] script` on 127.0.0.1 and ephemeral ports, with only PATH and `env`
 * in its environment (a developer's STATION_TOKEN or CONFIG_FILE must not leak in), and
 * resolves once a JSON log line with `msg` `listening` names the port. Fails with the
 * server's stderr if it exits, or kills it if it stays silent too long.
 */
export function spawnListeningNode(script: string, options: ListeningNodeOptions): Promise<BuiltServer> {
  const { nodeArgs = [], env, listening, listenTimeoutMs = 20_000, onLine } = options;
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: checkout,
    // HTTPS on a free port too: its default (3443) would collide between servers run at once.
    env: { PATH: process.env.PATH ?? '', PORT: '0', HTTPS_PORT: '0', HOST: '127.0.0.1', ...env },
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
      reject(failure(`${script} did not log "${listening}" within ${listenTimeoutMs} ms`));
    }, listenTimeoutMs);
    if (onLine) lines.on('line', onLine);
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
      if (msg !== listening || typeof port !== 'number') return;
      clearTimeout(timer);
      resolve({ child, port, url: `http://127.0.0.1:${port}`, exited });
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(failure(`could not start ${script}: ${error.message}`));
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(failure(`${script} exited before listening (code ${child.exitCode}, signal ${child.signalCode})`));
    });
  });
}

/** The settings every spawned orchestrator needs: where its game lives and the admin's password. */
export type ServerEnv = { DATA_DIR: string; ADMIN_PASSWORD: string } & Record<string, string>;

/**
 * What a spawned orchestrator runs with unless its `env` says otherwise: no mpv (a child that
 * would outlive a SIGKILLed server, and a window on a desktop), no probing for a reset
 * button, no cues (the demo show's would fire on the tests' games), and info logs, the least that
 * still writes the listening line waited for.
 */
const SERVER_DEFAULTS: Record<string, string> = { VIDEO_PLAYER: 'none', SOUND_PLAYER: 'none', RESET_BUTTON_DRIVER: 'none', CUES_FILE: 'none', LOG_LEVEL: 'info' };

/**
 * The built orchestrator (`node dist/src/main.js`) as the tests, the soak and the benchmarks
 * run it: SERVER_DEFAULTS overlaid by `env`, resolved once it listens.
 */
export function spawnBuiltServer(env: ServerEnv, listenTimeoutMs = 20_000, nodeArgs: string[] = []): Promise<BuiltServer> {
  return spawnListeningNode(BUILT_MAIN, { nodeArgs, env: { ...SERVER_DEFAULTS, ...env }, listening: 'orchestrator listening', listenTimeoutMs });
}

import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Cancel, Clock } from '../../ports/clock.js';
import { systemClock } from '../system-clock.js';
import { MpvJsonIpc } from './json-ipc.js';

export interface MpvProcessOptions {
  /** The mpv executable (a name on PATH or a path). */
  binary: string;
  socketPath: string;
  /** Where the running mpv's pid is kept, so an orphan from a crashed run can be cleaned up. */
  pidFile: string;
  /** Extra arguments (MPV_ARGS): output driver, hardware decoding, display mode. */
  extraArgs: readonly string[];
  logger: Logger;
  /** Waits before each restart attempt; the last one repeats. */
  restartBackoffMs?: readonly number[];
  /** How long a fresh mpv may take to open its IPC socket. */
  startTimeoutMs?: number;
  /** Default: the system clock. */
  clock?: Clock;
  /** The arguments every start begins with; default `baseArgs` (the TV's full-screen window). */
  baseArgs?: (socketPath: string) => string[];
  /** The logger's component name; default `mpv`. */
  component?: string;
}

/** How long mpv is given to end after SIGTERM before it is killed. */
const KILL_AFTER_MS = 2000;
/** How often a fresh mpv's socket is tried while it starts. */
const CONNECT_RETRY_MS = 50;

export class MpvMissingError extends Error {
  override name = 'MpvMissingError';
}

/** Arguments that make mpv a silent, full-screen, always-running TV output driven only over IPC. */
export function baseArgs(socketPath: string): string[] {
  return [
    '--no-config',
    '--idle=yes',
    '--force-window=yes',
    '--fullscreen',
    '--no-terminal',
    '--no-osc',
    '--osd-level=0',
    '--no-input-default-bindings',
    '--input-vo-keyboard=no',
    '--no-input-cursor',
    '--cursor-autohide=always',
    '--keep-open=no',
    '--stop-screensaver=yes',
    `--input-ipc-server=${socketPath}`,
  ];
}

const STDERR_TAIL = 2048;

/**
 * Starts and supervises the one mpv process that drives the TV for the whole uptime. When
 * mpv dies it reports `exit` and starts a new one after a short backoff, reporting `ready`
 * with the new IPC connection.
 */
export class MpvProcess extends EventEmitter<{ ready: [MpvJsonIpc]; exit: [{ code: number | null; signal: string | null }] }> {
  private child: ChildProcess | undefined;
  private ipc: MpvJsonIpc | undefined;
  private stopping = false;
  private restarts = 0;
  private restartTimer: Cancel | undefined;
  private stderrTail = '';
  private readonly log: Logger;
  private readonly clock: Clock;

  constructor(private readonly options: MpvProcessOptions) {
    super();
    this.log = options.logger.child({ component: options.component ?? 'mpv' });
    this.clock = options.clock ?? systemClock;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts mpv and connects to it; rejects with MpvMissingError when mpv is not installed. */
  async start(): Promise<MpvJsonIpc> {
    this.stopping = false;
    this.cleanUpLeftovers();
    const child = spawn(this.options.binary, [...(this.options.baseArgs ?? baseArgs)(this.options.socketPath), ...this.options.extraArgs], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    this.stderrTail = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL);
    });
    const spawned = await new Promise<Error | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', resolve);
    });
    if (spawned) {
      this.child = undefined;
      if ((spawned as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new MpvMissingError(
          `mpv was not found (${this.options.binary}): install it with "sudo apt install mpv", or set VIDEO_PLAYER=none`,
        );
      }
      throw spawned;
    }
    if (child.pid !== undefined) writeFileSync(this.options.pidFile, String(child.pid));
    child.once('exit', (code, signal) => this.exited(child, code, signal));
    const ipc = await this.connect(child);
    this.ipc = ipc;
    this.log.info({ pid: child.pid }, 'mpv started');
    return ipc;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.restartTimer?.();
    this.restartTimer = undefined;
    const child = this.child;
    this.ipc?.close();
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const forced = this.clock.after(KILL_AFTER_MS, () => child.kill('SIGKILL'));
      await exited;
      forced();
    }
    rmSync(this.options.pidFile, { force: true });
    rmSync(this.options.socketPath, { force: true });
  }

  private async connect(child: ChildProcess): Promise<MpvJsonIpc> {
    // A loaded Pi (boot, a DRM output coming up) may need longer: each retry waits longer, up to 4×.
    const deadline = this.clock.now() + (this.options.startTimeoutMs ?? 5000) * Math.min(4, 2 ** this.restarts);
    let lastError: unknown;
    while (this.clock.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      try {
        return await MpvJsonIpc.open(this.options.socketPath, undefined, this.clock);
      } catch (error) {
        lastError = error;
        await new Promise<void>((resolve) => this.clock.after(CONNECT_RETRY_MS, resolve));
      }
    }
    // Given up here, not crashed: the caller restarts it, so its exit must not start a second loop.
    if (this.child === child) this.child = undefined;
    child.kill('SIGKILL');
    const detail = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
    throw new Error(`mpv did not open its IPC socket: ${detail || String(lastError)}`);
  }

  private exited(child: ChildProcess, code: number | null, signal: string | null): void {
    if (child !== this.child) return;
    this.child = undefined;
    this.ipc?.close();
    this.ipc = undefined;
    if (this.stopping) return;
    const detail = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
    this.log.error({ code, signal, stderr: detail }, 'mpv exited unexpectedly');
    this.emit('exit', { code, signal });
    this.scheduleRestart();
  }

  /**
   * Starts a fresh mpv so that it opens the display again (a TV switched on after the Pi):
   * the running one is stopped and the usual restart takes over.
   */
  reinitOutput(): void {
    if (!this.child || this.stopping) {
      if (!this.stopping && !this.restartTimer) this.scheduleRestart();
      return;
    }
    this.log.info('display connected: restarting mpv to take it over');
    this.child.kill('SIGTERM');
  }

  /**
   * Tries again to start mpv after the backoff (used when the first start failed). One restart
   * at a time: a second call while one waits does nothing (two loops would kill each other's mpv
   * through the pid file, for ever).
   */
  scheduleRestart(): void {
    if (this.restartTimer !== undefined || this.stopping) return;
    const backoff = this.options.restartBackoffMs ?? [250, 500, 1000, 2000];
    const wait = backoff[Math.min(this.restarts, backoff.length - 1)] ?? 2000;
    this.restarts += 1;
    this.restartTimer = this.clock.after(wait, () => {
      this.restartTimer = undefined;
      this.start().then(
        (ipc) => {
          this.restarts = 0;
          this.emit('ready', ipc);
        },
        (error: unknown) => {
          this.log.error({ err: error, attempt: this.restarts }, 'mpv restart failed');
          if (!this.stopping) this.scheduleRestart();
        },
      );
    });
  }

  /** Kills an mpv left running by a crashed orchestrator and removes its stale socket. */
  private cleanUpLeftovers(): void {
    let pid: number | undefined;
    try {
      pid = Number(readFileSync(this.options.pidFile, 'utf8').trim());
    } catch {
      pid = undefined;
    }
    if (pid !== undefined && Number.isInteger(pid) && pid > 0 && isOurMpv(pid, this.options.socketPath)) {
      this.log.warn({ pid }, 'killing an mpv left over from an earlier run');
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(this.options.pidFile, { force: true });
    rmSync(this.options.socketPath, { force: true });
  }
}

/** Only an mpv started with our socket is ours to kill: a recycled pid belongs to someone else. */
function isOurMpv(pid: number, socketPath: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('mpv') && cmdline.includes(socketPath);
  } catch {
    return false;
  }
}

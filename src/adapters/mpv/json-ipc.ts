import { EventEmitter } from 'node:events';
import type { Cancel, Clock } from '../../ports/clock.js';
import { systemClock } from '../system-clock.js';
import { connect, type Socket } from 'node:net';

/** An asynchronous message from mpv: `{event: "end-file", ...}` or a property change. */
export interface MpvEvent {
  event: string;
  [key: string]: unknown;
}

export class MpvCommandError extends Error {
  override name = 'MpvCommandError';
}

interface Pending {
  resolve: (data: unknown) => void;
  reject: (error: Error) => void;
  cancelTimeout: Cancel;
}

/** Lines longer than this are not mpv talking to us: the connection is dropped. */
const MAX_LINE_BYTES = 1024 * 1024;

/**
 * mpv's JSON IPC over its Unix socket: one JSON object per line in both directions. Every
 * command carries a `request_id` and is answered or times out; replies and events may
 * interleave and arrive split across reads, so input is buffered by line.
 */
export class MpvJsonIpc extends EventEmitter<{ event: [MpvEvent]; close: [] }> {
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly timeoutMs: number,
    private readonly clock: Clock,
  ) {
    super();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('error', () => this.shutdown());
    socket.on('close', () => this.shutdown());
  }

  /** Connects to the socket mpv listens on. */
  static open(path: string, timeoutMs = 5000, clock: Clock = systemClock): Promise<MpvJsonIpc> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.once('connect', () => {
        socket.removeListener('error', reject);
        resolve(new MpvJsonIpc(socket, timeoutMs, clock));
      });
      socket.once('error', reject);
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Sends a command (array or named form) and resolves with its `data`. */
  command(command: unknown[] | Record<string, unknown>, timeoutMs = this.timeoutMs): Promise<unknown> {
    if (this.closed) return Promise.reject(new MpvCommandError('mpv connection is closed'));
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      const cancelTimeout = this.clock.after(timeoutMs, () => {
        this.pending.delete(requestId);
        reject(new MpvCommandError(`mpv did not answer ${describe(command)} within ${timeoutMs} ms`));
      });
      this.pending.set(requestId, { resolve, reject, cancelTimeout });
      this.socket.write(`${JSON.stringify({ command, request_id: requestId })}\n`);
    });
  }

  close(): void {
    this.socket.destroy();
    this.shutdown();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      if (line.trim() !== '') this.handleLine(line);
      newline = this.buffer.indexOf('\n');
    }
    if (this.buffer.length > MAX_LINE_BYTES) this.close();
  }

  private handleLine(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      return; // mpv only writes JSON; a broken line is skipped rather than trusted
    }
    if (typeof message !== 'object' || message === null) return;
    const record = message as Record<string, unknown>;
    if (typeof record.event === 'string') {
      this.emit('event', record as MpvEvent);
      return;
    }
    if (typeof record.request_id !== 'number') return;
    const waiting = this.pending.get(record.request_id);
    if (!waiting) return;
    this.pending.delete(record.request_id);
    waiting.cancelTimeout();
    if (record.error === 'success') waiting.resolve(record.data);
    else waiting.reject(new MpvCommandError(`mpv refused the command: ${String(record.error)}`));
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const waiting of this.pending.values()) {
      waiting.cancelTimeout();
      waiting.reject(new MpvCommandError('mpv connection closed'));
    }
    this.pending.clear();
    this.emit('close');
  }
}

function describe(command: unknown[] | Record<string, unknown>): string {
  return Array.isArray(command) ? String(command[0]) : String(command.name);
}

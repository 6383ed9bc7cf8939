import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import type { Cancel, Clock } from '../../ports/clock.js';

export interface OutputGuardLimits {
  /** Output waiting for one connection (queued packets plus unsent WebSocket bytes) beyond which it is cut. */
  maxPendingBytes: number;
  /** A connection whose output has not drained for this long is cut. */
  drainTimeoutMs: number;
  /** How often the connections are looked at. */
  checkEveryMs: number;
}

export const defaultOutputGuardLimits: OutputGuardLimits = {
  maxPendingBytes: 1024 * 1024,
  drainTimeoutMs: 10_000,
  checkEveryMs: 500,
};

/** The parts of engine.io's connection the guard reads; not in its public types. */
interface EngineConnection {
  writeBuffer?: { data?: unknown }[];
  transport?: { socket?: { bufferedAmount?: number; terminate?: () => void } };
  close(discard?: boolean): void;
}

/**
 * Backpressure: a connection that does not read what it is sent (a stalled or hostile
 * client) would make the server buffer for it without end. One whose waiting output passes
 * `maxPendingBytes`, or whose output has not drained for `drainTimeoutMs`, is cut; `onCut`
 * runs first so its departure is reported as an `error`.
 */
export class OutputGuard {
  private stopChecking: Cancel | undefined;
  private readonly stalledSince = new WeakMap<Socket, number>();

  constructor(
    private readonly sockets: () => Iterable<Socket>,
    private readonly limits: OutputGuardLimits,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly onCut: (socket: Socket) => void,
  ) {}

  start(): void {
    this.stopChecking ??= this.clock.every(this.limits.checkEveryMs, () => this.check());
  }

  stop(): void {
    this.stopChecking?.();
    this.stopChecking = undefined;
  }

  check(): void {
    const now = this.clock.now();
    for (const socket of this.sockets()) {
      const conn = socket.conn as unknown as EngineConnection;
      const pending = pendingBytes(conn);
      if (pending === 0) {
        this.stalledSince.delete(socket);
        continue;
      }
      const since = this.stalledSince.get(socket) ?? now;
      this.stalledSince.set(socket, since);
      const tooMuch = pending > this.limits.maxPendingBytes;
      if (!tooMuch && now - since < this.limits.drainTimeoutMs) continue;
      this.log.warn(
        { address: socket.handshake.address, stationId: (socket.data as { stationId?: string }).stationId, pendingBytes: pending, stalledMs: now - since },
        tooMuch ? 'connection cut: it does not read what it is sent' : 'connection cut: its output has not drained',
      );
      this.onCut(socket);
      conn.close(true);
      // ws would wait 30 s for the close handshake of a peer that does not read: free it now.
      conn.transport?.socket?.terminate?.();
      this.stalledSince.delete(socket);
    }
  }
}

function pendingBytes(conn: EngineConnection): number {
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer ?? []) {
    const data = packet.data;
    if (typeof data === 'string') bytes += data.length;
    else if (data instanceof Uint8Array || data instanceof ArrayBuffer) bytes += data.byteLength;
  }
  return bytes;
}

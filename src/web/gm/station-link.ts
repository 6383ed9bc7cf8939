import { io, type Socket } from 'socket.io-client';
import type { AckResponse, ClientToServerEvents, ErrorPayload, GmIdentified, ServerToClientEvents } from '../../contract/index.js';
import type { StationMemory } from './station-memory.js';

export type StationSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type LinkState =
  | { kind: 'connecting' }
  | { kind: 'online'; identified: GmIdentified }
  | { kind: 'offline' }
  /** Another tab with this station's secret took it; this one waits for it to leave (or for "Take back"). */
  | { kind: 'taken-over' }
  /** The orchestrator answered but would not let this connection be the station now. */
  | { kind: 'refused'; message: string }
  /** The handshake was refused (station token missing or wrong): retrying would not help. */
  | { kind: 'token-refused'; message: string };

const ACK_TIMEOUT_MS = 5000;
/**
 * Each retry is a fresh connection sending one identify: well inside the 3 identifies per 10 s
 * a connection may send, and not left open unidentified until the server closes it.
 */
const RETRY_MS = 10_000;

/**
 * The station's connection to the orchestrator: the handshake with the station token, the
 * identify with or without the station's secret, and coming back after a drop, a refusal or
 * a takeover. The secret is sent only while this tab is the one that last held the station,
 * so a tab that was taken over never takes its station back without being asked to.
 */
export class StationLink {
  readonly socket: StationSocket;
  private identifiedNow = false;
  /** Bumped by each identify and each deliberate reconnection, so a late answer to an older one is ignored. */
  private attempt = 0;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly stationId: string,
    token: string,
    private readonly memory: StationMemory,
    private readonly onState: (state: LinkState) => void,
  ) {
    this.socket = io({
      transports: ['websocket'],
      auth: token ? { token } : {},
      autoConnect: false,
      forceNew: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 30_000,
    });
    this.socket.on('connect', () => void this.identify());
    this.socket.on('error', (e) => {
      // The server closes this connection right after saying so.
      if (isTakeover(e.data)) this.memory.takenOver = true;
    });
    this.socket.on('disconnect', (reason) => {
      this.identifiedNow = false;
      if (reason === 'io client disconnect') return;
      // Socket.IO comes back by itself from a drop, not from the server closing the connection.
      if (reason === 'io server disconnect') this.retryLater();
      this.report({ kind: 'offline' });
    });
    this.socket.on('connect_error', (error) => {
      if (this.socket.active) {
        this.report({ kind: 'offline' });
        return;
      }
      const data = (error as Error & { data?: { message?: string } }).data;
      this.report({ kind: 'token-refused', message: data?.message ?? error.message });
    });
  }

  get identified(): boolean {
    return this.identifiedNow && this.socket.connected;
  }

  start(): void {
    this.socket.connect();
  }

  /** The person asked for the station back: identify with its secret, displacing the tab holding it. */
  takeBack(): void {
    this.memory.takenOver = false;
    clearTimeout(this.retry);
    this.attempt++;
    if (this.socket.active) this.socket.disconnect();
    this.socket.connect();
  }

  close(): void {
    clearTimeout(this.retry);
    this.attempt++;
    this.socket.disconnect();
  }

  private async identify(): Promise<void> {
    const attempt = ++this.attempt;
    const secret = this.memory.takenOver ? undefined : this.memory.secretOf(this.stationId);
    this.report({ kind: 'connecting' });
    let ack: AckResponse<GmIdentified>;
    try {
      ack = (await this.socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('gm:identify', { stationId: this.stationId, version: '1.0.0', ...(secret ? { stationSecret: secret } : {}) })) as AckResponse<GmIdentified>;
    } catch {
      if (attempt === this.attempt && this.socket.connected) this.tryAgainLater({ kind: 'refused', message: 'No answer — retrying' });
      return;
    }
    if (attempt !== this.attempt || !this.socket.connected) return;
    if (!ack.ok) {
      this.tryAgainLater({ kind: 'refused', message: refusal(ack.error, this.stationId) });
      return;
    }
    this.memory.keepSecret(this.stationId, ack.data.stationSecret);
    this.memory.takenOver = false;
    this.identifiedNow = true;
    this.report({ kind: 'online', identified: ack.data });
  }

  private tryAgainLater(state: LinkState): void {
    this.socket.disconnect();
    this.retryLater();
    this.report(state);
  }

  private retryLater(): void {
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.socket.connect(), RETRY_MS);
  }

  /** While taken over, the pill keeps saying so through the retries, until the station is back. */
  private report(state: LinkState): void {
    const waiting = state.kind === 'connecting' || state.kind === 'offline' || state.kind === 'refused';
    this.onState(waiting && this.memory.takenOver ? { kind: 'taken-over' } : state);
  }
}

function isTakeover(error: ErrorPayload): boolean {
  const details = error.details as { reason?: unknown } | null | undefined;
  return typeof details === 'object' && details !== null && details.reason === 'taken-over';
}

function refusal(error: ErrorPayload, stationId: string): string {
  // On identify, AUTH_REQUIRED means another live connection holds the station.
  if (error.code === 'AUTH_REQUIRED') return `${stationId} is in use by another tab or tablet — retrying`;
  return `${error.message} — retrying`;
}

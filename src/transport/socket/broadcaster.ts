import type { Server } from 'socket.io';
import type {
  ClientToServerEvents,
  CueFired,
  DeviceConnected,
  DeviceType,
  DisconnectReason,
  Envelope,
  GameState,
  RoomView,
  ServerEventData,
  ServerEventName,
  ServerToClientEvents,
  SyncFull,
  Transaction,
  VideoStatus,
} from '../../contract/index.js';
import type { Clock } from '../../ports/clock.js';
import type { SessionChange, ShowNotifier } from '../../ports/notifier.js';
import type { RoomDisplay } from '../../ports/room-display.js';
import type { ReconnectQueue } from './reconnect-queue.js';
import { Coalescer } from '../coalescer.js';

/** What the server keeps on each connection. */
export interface StationSocketData {
  stationId?: string | undefined;
  isAdmin: boolean;
  /** A read-only display (`/scoreboard`): it receives `display:view` and may only ask for it again. */
  isDisplay?: boolean;
  /** When an admin connection's token expires (ms since the epoch). */
  adminExpiresAt?: number;
  /** Set when the server cuts the connection for misbehaving, so its departure says `error`. */
  cutReason?: DisconnectReason;
}

export type OrchestratorServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, StationSocketData>;

export const rooms = {
  stations: 'gm-stations',
  admin: 'admin',
  displays: 'displays',
  session: (sessionId: string) => `session:${sessionId}`,
  station: (stationId: string) => `station:${stationId}`,
} as const;

export function envelope<E extends ServerEventName>(event: E, data: ServerEventData<E>, clock: Pick<Clock, 'now'>): Envelope<E> {
  return { event, data, timestamp: new Date(clock.now()).toISOString() };
}

export interface BroadcasterDeps {
  io: OrchestratorServer;
  reconnectQueue: ReconnectQueue;
  clock: Clock;
  stateUpdateIntervalMs: number;
  /** Minimum spacing of player scanners' device events (the latest per device wins). */
  playerEventIntervalMs?: number;
}

const DEFAULT_PLAYER_EVENT_INTERVAL_MS = 500;

/**
 * Sends what the show reports to the right rooms, each event in the contract's envelope,
 * and keeps a copy for GM stations that are away so they can catch up on return.
 */
export class Broadcaster implements ShowNotifier, RoomDisplay {
  private readonly stateUpdates: Coalescer;
  private currentState: (() => GameState) | undefined;
  /**
   * Player scanners come and go on their own (heartbeats, timeouts); their events are
   * coalesced so that a crowd of scanners costs each station a few messages, not a storm.
   */
  private readonly playerUpdates: Coalescer;
  /** deviceId → the send of its latest event, in the order the devices last changed. */
  private readonly pendingPlayerEvents = new Map<string, () => void>();

  constructor(private readonly deps: BroadcasterDeps) {
    this.stateUpdates = new Coalescer(() => this.flushState(), deps.stateUpdateIntervalMs, deps.clock);
    this.playerUpdates = new Coalescer(
      () => this.flushPlayerEvents(),
      deps.playerEventIntervalMs ?? DEFAULT_PLAYER_EVENT_INTERVAL_MS,
      deps.clock,
    );
  }

  transactionRecorded(transaction: Transaction): void {
    this.emit([rooms.session(transaction.sessionId), rooms.admin], 'transaction:new', transaction);
  }

  transactionUpdated(transaction: Transaction): void {
    this.emit([rooms.session(transaction.sessionId), rooms.admin], 'transaction:updated', { transaction });
  }

  stateChanged(current: () => GameState): void {
    this.currentState = current;
    this.stateUpdates.request();
  }

  sessionChanged(sync: SyncFull, previousSessionId: string | undefined, _change: SessionChange): void {
    const { io, reconnectQueue } = this.deps;
    const session = sync.session ?? undefined;
    if (previousSessionId !== undefined && previousSessionId !== session?.id) {
      io.in(rooms.stations).socketsLeave(rooms.session(previousSessionId));
    }
    if (session) {
      io.in(rooms.stations).socketsJoin(rooms.session(session.id));
      if (previousSessionId !== undefined) reconnectQueue.follow(rooms.session(previousSessionId), rooms.session(session.id));
    }
    this.emit([rooms.stations, rooms.admin], 'sync:full', sync);
  }

  deviceConnected(device: DeviceConnected): void {
    if (device.type === 'player') this.queuePlayerEvent(device.deviceId, () => this.emit([rooms.stations, rooms.admin], 'device:connected', device));
    else this.emit([rooms.stations, rooms.admin], 'device:connected', device, rooms.station(device.deviceId));
  }

  deviceDisconnected(deviceId: string, reason: DisconnectReason, type: DeviceType): void {
    const data = { deviceId, reason };
    if (type === 'player') this.queuePlayerEvent(deviceId, () => this.emit([rooms.stations, rooms.admin], 'device:disconnected', data));
    else this.emit([rooms.stations, rooms.admin], 'device:disconnected', data, rooms.station(deviceId));
  }

  videoStatus(status: VideoStatus): void {
    this.emit([rooms.stations, rooms.admin], 'video:status', status);
  }

  /** A cue ran: to staff only. */
  cueFired(firing: CueFired): void {
    this.emit([rooms.admin], 'cue:fired', firing);
  }

  /** The room view to every display client; not kept for stations that are away (they never see it). */
  showRoom(view: RoomView): void {
    this.deps.io.to(rooms.displays).emit('display:view', envelope('display:view', view, this.deps.clock));
  }

  close(): void {
    this.stateUpdates.cancel();
    this.playerUpdates.cancel();
  }

  private queuePlayerEvent(deviceId: string, send: () => void): void {
    this.pendingPlayerEvents.delete(deviceId);
    this.pendingPlayerEvents.set(deviceId, send);
    this.playerUpdates.request();
  }

  private flushPlayerEvents(): void {
    const pending = [...this.pendingPlayerEvents.values()];
    this.pendingPlayerEvents.clear();
    for (const send of pending) send();
  }

  private flushState(): void {
    if (this.currentState) this.emit([rooms.stations, rooms.admin], 'state:update', this.currentState());
  }

  private emit<E extends ServerEventName>(to: string[], event: E, data: ServerEventData<E>, except?: string): void {
    const message = envelope(event, data, this.deps.clock);
    const target = except ? this.deps.io.to(to).except(except) : this.deps.io.to(to);
    (target.emit as (event: string, message: Envelope) => boolean)(event, message);
    this.deps.reconnectQueue.record(to, message);
  }
}

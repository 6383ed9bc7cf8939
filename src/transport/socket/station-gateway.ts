import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import {
  AppError,
  clientEventNames,
  clientEventSchemas,
  HandshakeAuth,
  parseOrThrow,
  type AckData,
  type AckResponse,
  type ClientEventName,
  type ClientToServerEvents,
  type DisconnectReason,
  type ServerToClientEvents,
} from '../../contract/index.js';
import { ConnectionRateLimiter, KeyedRateLimiter } from '../rate-limit.js';
import type { ReconnectQueue } from './reconnect-queue.js';
import type { StationSessions } from '../../ports/station-sessions.js';
import type { GameCorrections } from '../../ports/game-corrections.js';
import type { RoomControl } from '../../ports/room-control.js';
import type { Cancel, Clock } from '../../ports/clock.js';
import type { AdminAuth } from '../admin-auth.js';
import { toAppError } from '../errors.js';
import { FailedAttempts } from '../failed-attempts.js';
import { envelope, rooms, type OrchestratorServer, type StationSocketData } from './broadcaster.js';
import { clientPayloadOf } from './client-payload.js';
import { StationClaims } from './station-claims.js';
import { sameSecret } from '../same-secret.js';

type StationSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, StationSocketData>;

export interface StationGatewayDeps {
  io: OrchestratorServer;
  show: StationSessions;
  /** Teams and undo, for identified stations. */
  corrections: GameCorrections;
  /** The room view display clients receive. */
  room: RoomControl;
  /** Display connections open at once; one more is refused with DEVICE_LIMIT and closed. */
  maxDisplays: number;
  reconnectQueue: ReconnectQueue;
  adminAuth: AdminAuth;
  clock: Clock;
  logger: Logger;
  /** The shared secret GM stations present; undefined leaves the stations open. */
  stationToken: string | undefined;
  maxStations: number;
  /**
   * Station connections open at once, identified or not (admin connections are not counted):
   * one over it gets a DEVICE_LIMIT `error` event and is closed, so a client opening
   * connections in a loop cannot exhaust the server or push out the stations already in.
   */
  maxConnections: number;
  /** A station connection that has not identified this long after connecting is closed. */
  identifyTimeoutMs: number;
  /**
   * `gm:identify` from one address (each is answered with the whole state): this many per
   * 10 s, on top of each connection's own limit, so many connections cannot multiply it.
   */
  identifiesPerAddress: number;
  /** Wrong station tokens, shared with the HTTP routes that take the token. */
  stationTokenFailures: FailedAttempts;
}

type Handlers = {
  [E in ClientEventName]: (socket: StationSocket, data: ReturnType<(typeof clientEventSchemas)[E]['parse']>) => AckData<E> | Promise<AckData<E>>;
};

/**
 * The GM-station side of Socket.IO: handshake auth, `gm:identify`, the client events with
 * their rate limits and schemas, acknowledgements, and reconnection replay.
 */
export class StationGateway {
  /** Which connection speaks for each station, and the secrets that let a reloaded tab take its station back. */
  private readonly claims = new StationClaims();
  private readonly handshakeFailures: FailedAttempts;
  private readonly identifies: KeyedRateLimiter;
  /** Counted (non-admin) connections → the timer that closes them if they never identify. */
  private readonly openConnections = new Map<string, Cancel | undefined>();
  /** When each connection was last sent a RATE_LIMITED `error` event. */
  private readonly rateLimitedToldAt = new WeakMap<StationSocket, number>();
  private readonly log: Logger;

  constructor(private readonly deps: StationGatewayDeps) {
    this.log = deps.logger.child({ component: 'stations' });
    this.handshakeFailures = deps.stationTokenFailures;
    this.identifies = new KeyedRateLimiter(deps.clock, { count: deps.identifiesPerAddress, perMs: 10_000 });
    deps.io.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (error: unknown) => next(connectError(toAppError(error, this.log))),
      );
    });
    deps.io.on('connection', (socket) => this.onConnection(socket));
  }

  private async authenticate(socket: StationSocket): Promise<void> {
    const auth = parseOrThrow(HandshakeAuth, socket.handshake.auth, 'handshake auth');
    const address = socket.handshake.address;
    socket.data.isAdmin = false;
    if (auth.display === true) {
      // A read-only display (`/scoreboard` on a second TV): the room sees the same on the TV.
      socket.data.isDisplay = true;
      return;
    }
    if (auth.token !== undefined && !this.handshakeFailures.mayTry(address)) {
      throw new AppError('RATE_LIMITED', 'too many wrong tokens from this address: wait a minute');
    }
    const admin = auth.token === undefined ? undefined : await this.deps.adminAuth.verifyToken(auth.token, this.deps.clock.now());
    if (admin) {
      socket.data.isAdmin = true;
      socket.data.adminExpiresAt = admin.expiresAt;
      this.handshakeFailures.succeeded(address);
      return;
    }
    const expected = this.deps.stationToken;
    if (expected === undefined) return;
    if (auth.token === undefined) throw new AppError('AUTH_REQUIRED', 'this orchestrator requires a station token');
    if (!sameSecret(auth.token, expected)) {
      this.handshakeFailures.failed(address);
      throw new AppError('INVALID_TOKEN', 'the station token is not valid');
    }
    this.handshakeFailures.succeeded(address);
  }

  private onConnection(socket: StationSocket): void {
    if (socket.data.isDisplay) {
      if (!this.admitDisplay(socket)) return;
    } else if (!socket.data.isAdmin && !this.admit(socket)) return;
    const limiter = new ConnectionRateLimiter(this.deps.clock);
    if (socket.data.isAdmin) {
      void socket.join(rooms.admin);
      this.endAtExpiry(socket);
    }
    for (const event of clientEventNames) {
      socket.on(event, (...args: unknown[]) => this.dispatch(socket, limiter, event, args));
    }
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event === 'string' && (clientEventNames as string[]).includes(event)) return;
      const ack = takeAck(args);
      const error = limiter.allow()
        ? new AppError('INVALID_DATA', `unknown event ${JSON.stringify(String(event)).slice(0, 80)}`)
        : rateLimited();
      this.fail(socket, error, ack);
    });
    socket.on('disconnect', (reason) => this.onDisconnect(socket, reason));
  }

  /**
   * Counts a station connection against the cap and starts its identify deadline; refuses
   * it (DEVICE_LIMIT, then closed) when the cap is reached. Only the newcomer is refused:
   * connections already in, identified stations above all, are never pushed out.
   */
  private admit(socket: StationSocket): boolean {
    const { maxConnections, identifyTimeoutMs } = this.deps;
    if (this.openConnections.size >= maxConnections) {
      this.log.warn({ address: socket.handshake.address, open: this.openConnections.size }, 'connection refused: too many connections');
      this.fail(socket, new AppError('DEVICE_LIMIT', `at most ${maxConnections} connections may be open`), undefined);
      socket.disconnect(true);
      return false;
    }
    const deadline = this.deps.clock.after(identifyTimeoutMs, () => {
      if (socket.data.stationId !== undefined || !socket.connected) return;
      this.log.info({ address: socket.handshake.address }, 'connection closed: it did not identify in time');
      this.fail(socket, new AppError('AUTH_REQUIRED', `identify with gm:identify within ${identifyTimeoutMs} ms of connecting`), undefined);
      socket.disconnect(true);
    });
    this.openConnections.set(socket.id, deadline);
    socket.on('disconnect', () => {
      this.openConnections.get(socket.id)?.();
      this.openConnections.delete(socket.id);
    });
    return true;
  }

  /**
   * A display joins `displays` and is sent the room view at once. Displays are capped on their
   * own: a hotspot full of phones on /scoreboard cannot take the stations' places.
   */
  private admitDisplay(socket: StationSocket): boolean {
    const open = this.deps.io.sockets.adapter.rooms.get(rooms.displays)?.size ?? 0;
    if (open >= this.deps.maxDisplays) {
      this.log.warn({ address: socket.handshake.address, open }, 'display refused: too many displays');
      this.fail(socket, new AppError('DEVICE_LIMIT', `at most ${this.deps.maxDisplays} displays may be connected`), undefined);
      socket.disconnect(true);
      return false;
    }
    void socket.join(rooms.displays);
    socket.emit('display:view', envelope('display:view', this.deps.room.view(), this.deps.clock));
    return true;
  }

  /** An admin connection lasts as long as its token: it is closed when the token expires. */
  private endAtExpiry(socket: StationSocket): void {
    const expiresAt = socket.data.adminExpiresAt ?? 0;
    const cancel = this.deps.clock.after(expiresAt - this.deps.clock.now(), () => {
      if (!socket.connected) return;
      this.log.info({ address: socket.handshake.address }, 'admin connection closed: its login expired');
      this.fail(socket, new AppError('INVALID_TOKEN', 'the admin login expired: log in again'), undefined);
      socket.disconnect(true);
    });
    socket.once('disconnect', cancel);
  }

  private dispatch(socket: StationSocket, limiter: ConnectionRateLimiter, event: ClientEventName, args: unknown[]): void {
    const ack = takeAck(args);
    try {
      if (!limiter.allow(event)) throw rateLimited();
      this.authorize(socket, event);
      const data = parseOrThrow(clientEventSchemas[event], clientPayloadOf(event, args[0]), event);
      const handler = this.handlers[event] as (socket: StationSocket, data: unknown) => unknown;
      const result = handler(socket, data);
      // A submission is answered once its group commit has made it durable.
      if (result instanceof Promise) {
        result.then(
          (value: unknown) => ack?.({ ok: true, data: value }),
          (error: unknown) => this.refuse(socket, error, ack),
        );
      } else ack?.({ ok: true, data: result });
    } catch (error) {
      this.refuse(socket, error, ack);
    }
  }

  private refuse(socket: StationSocket, error: unknown, ack: ((response: AckResponse) => void) | undefined): void {
    const failure = toAppError(error, this.log);
    this.fail(socket, failure, ack);
    if (failure.code === 'DEVICE_LIMIT') socket.disconnect(true);
  }

  /** Stations must identify first; admin connections may ask for state and control the video. */
  private authorize(socket: StationSocket, event: ClientEventName): void {
    if (socket.data.isAdmin && (socket.data.adminExpiresAt ?? 0) <= this.deps.clock.now()) {
      // After this event's refusal has been sent, not before.
      setImmediate(() => socket.disconnect(true));
      throw new AppError('INVALID_TOKEN', 'the admin login expired: log in again');
    }
    if (socket.data.isDisplay) {
      if (event === 'state:request') return;
      throw new AppError('AUTH_REQUIRED', `a display connection can only ask for the room view, not send ${event}`);
    }
    if (event === 'video:control') {
      if (!socket.data.isAdmin) throw new AppError('AUTH_REQUIRED', 'video:control needs an admin connection');
      return;
    }
    if (event === 'gm:identify' || socket.data.stationId !== undefined) return;
    if (socket.data.isAdmin && event === 'state:request') return;
    throw new AppError('AUTH_REQUIRED', `identify with gm:identify before ${event}`);
  }

  private fail(socket: StationSocket, error: AppError, ack: ((response: AckResponse) => void) | undefined): void {
    const payload = error.toPayload();
    if (error.code !== 'RATE_LIMITED' || this.tellRateLimited(socket)) socket.emit('error', envelope('error', payload, this.deps.clock));
    ack?.({ ok: false, error: payload });
  }

  /**
   * Whether a RATE_LIMITED refusal also goes out as an `error` event: at most one a second per
   * connection (every acknowledgement still says it). A client flooding a thousand events a
   * second would otherwise be sent a thousand error events a second, the server's CPU spent
   * on it rather than on the stations behaving.
   */
  private tellRateLimited(socket: StationSocket): boolean {
    const now = this.deps.clock.now();
    const last = this.rateLimitedToldAt.get(socket);
    if (last !== undefined && now - last < RATE_LIMITED_EVENT_EVERY_MS) return false;
    this.rateLimitedToldAt.set(socket, now);
    return true;
  }

  private readonly handlers: Handlers = {
    'gm:identify': (socket, data) => {
      const { show, reconnectQueue, clock } = this.deps;
      if (socket.data.stationId !== undefined && socket.data.stationId !== data.stationId) {
        throw new AppError('INVALID_DATA', `this connection is already identified as ${socket.data.stationId}`, {
          details: [{ field: 'stationId', message: 'cannot change on an identified connection' }],
        });
      }
      if (!this.identifies.allow(socket.handshake.address)) throw rateLimited();
      const holder = this.claims.holderOf(data.stationId);
      const takingOver = holder !== undefined && holder !== socket.id;
      if (!takingOver && socket.data.stationId === undefined && show.connectedStations() >= this.deps.maxStations) {
        throw new AppError('DEVICE_LIMIT', `at most ${this.deps.maxStations} GM stations may be connected`);
      }
      const claim = this.claims.claim(data.stationId, socket.id, data.stationSecret);
      if (!claim.granted) {
        this.log.warn({ stationId: data.stationId, address: socket.handshake.address }, 'identify refused: the station is in use by another connection');
        throw new AppError('AUTH_REQUIRED', `${data.stationId} is in use by another connection: use another name, or present its stationSecret to take it over`, {
          details: [{ field: 'stationSecret', message: 'needed while the station is connected elsewhere' }],
        });
      }
      if (claim.displaced !== undefined) {
        // The same station on a new connection that holds its secret (a reloaded tab): the newer one speaks for it.
        const displaced = this.deps.io.sockets.sockets.get(claim.displaced);
        if (displaced) {
          this.fail(displaced, new AppError('AUTH_REQUIRED', `${data.stationId} was taken over by another connection with its secret`, { details: { reason: 'taken-over' } }), undefined);
          displaced.data.stationId = undefined;
          displaced.disconnect(true);
        }
      }
      socket.data.stationId = data.stationId;
      if (this.openConnections.has(socket.id)) {
        this.openConnections.get(socket.id)?.();
        this.openConnections.set(socket.id, undefined);
      }
      const sessionId = show.session?.id;
      void socket.join([rooms.stations, rooms.station(data.stationId), ...(sessionId ? [rooms.session(sessionId)] : [])]);
      const replay = reconnectQueue.take(data.stationId);
      show.stationConnected(data.stationId, { name: data.name, ipAddress: socket.handshake.address });
      const identified = { success: true as const, sessionId: sessionId ?? null, state: show.state(), stationSecret: claim.secret };
      socket.emit('gm:identified', envelope('gm:identified', identified, clock));
      if (replay.kind === 'replay') {
        for (const missed of replay.events) (socket.emit as (event: string, message: unknown) => boolean)(missed.event, missed);
      } else if (replay.kind === 'overflow') {
        socket.emit('sync:full', envelope('sync:full', show.syncPayload(), clock));
      }
      this.log.info({ stationId: data.stationId, replay: replay.kind, tookOver: claim.displaced !== undefined }, 'GM station identified');
      return identified;
    },
    'state:request': (socket) => {
      if (socket.data.isDisplay) {
        socket.emit('display:view', envelope('display:view', this.deps.room.view(), this.deps.clock));
        return { event: 'display:view' as const };
      }
      socket.emit('sync:full', envelope('sync:full', this.deps.show.syncPayload(), this.deps.clock));
      return { event: 'sync:full' as const };
    },
    // The scanner is the identified station, whatever the payload says: no station can submit in another's name.
    'transaction:submit': async (socket, data) =>
      (await this.deps.show.submitTransaction({ ...data, scannerId: socket.data.stationId ?? data.scannerId ?? '' })).transaction,
    'transaction:void': (socket, data) => {
      const stationId = socket.data.stationId ?? '';
      const voided = this.deps.corrections.voidTransaction(data.transactionId, data.reason, { stationId });
      this.log.info({ stationId, transactionId: voided.id, tokenId: voided.tokenId, teamId: voided.teamId, reason: data.reason }, 'transaction undone by its station');
      return voided;
    },
    'team:create': (socket, data) => {
      const { team, created } = this.deps.corrections.createTeam(data.name);
      if (created) this.log.info({ stationId: socket.data.stationId, teamId: team.teamId }, 'team registered by a station');
      return team;
    },
    'video:control': (_socket, data) => this.deps.show.controlVideo(data),
    heartbeat: (socket, data) => {
      if (data.stationId !== socket.data.stationId) {
        throw new AppError('INVALID_DATA', 'heartbeat stationId does not match the identified station', {
          details: [{ field: 'stationId', message: `expected ${socket.data.stationId ?? '(none)'}` }],
        });
      }
      this.deps.show.stationHeartbeat(data.stationId);
      return { stationId: data.stationId, serverTime: new Date(this.deps.clock.now()).toISOString() };
    },
  };

  private onDisconnect(socket: StationSocket, reason: string): void {
    const stationId = socket.data.stationId;
    if (stationId === undefined || !this.claims.release(stationId, socket.id)) return;
    // Told before it is marked away, so its own departure is not queued for it.
    this.deps.show.stationDisconnected(stationId, socket.data.cutReason ?? disconnectReasonOf(reason));
    const sessionId = this.deps.show.session?.id;
    this.deps.reconnectQueue.markAway(stationId, [rooms.stations, ...(sessionId ? [rooms.session(sessionId)] : [])]);
    this.log.info({ stationId, reason }, 'GM station disconnected');
  }
}

function takeAck(args: unknown[]): ((response: AckResponse) => void) | undefined {
  const last = args.at(-1);
  if (typeof last !== 'function') return undefined;
  args.pop();
  return last as (response: AckResponse) => void;
}


const RATE_LIMITED_EVENT_EVERY_MS = 1000;

function rateLimited(): AppError {
  return new AppError('RATE_LIMITED', 'too many events: slow down and retry');
}

function connectError(error: AppError): Error {
  const failure = new Error(error.message) as Error & { data: unknown };
  failure.data = { code: error.code, message: error.message };
  return failure;
}

/** Socket.IO's disconnect reasons in the contract's words. */
export function disconnectReasonOf(reason: string): DisconnectReason {
  switch (reason) {
    case 'client namespace disconnect':
    case 'server namespace disconnect':
    case 'server shutting down':
      return 'manual';
    case 'ping timeout':
      return 'timeout';
    default:
      return 'error';
  }
}

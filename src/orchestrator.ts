import { randomUUID } from 'node:crypto';
import type { Session } from './contract/index.js';
import { createServer } from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { DeviceRegistry } from './domain/device-registry.js';
import { Game } from './domain/game.js';
import { ReconnectQueue } from './transport/socket/reconnect-queue.js';
import { Show } from './domain/show.js';
import type { TokenCatalog } from './domain/token-catalog.js';
import { VideoQueue, type BusyPolicy } from './domain/video-queue.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { HealthSource } from './ports/health-source.js';
import type { MediaLibrary } from './ports/media-library.js';
import type { GameStore, VideoQueueStore } from './ports/store.js';
import type { VideoPlayer } from './ports/video-player.js';
import type { AdminAuth } from './transport/admin-auth.js';
import { createHttpApp } from './transport/http/http-app.js';
import { Broadcaster, type OrchestratorServer } from './transport/socket/broadcaster.js';
import { StationGateway } from './transport/socket/station-gateway.js';
import { defaultOutputGuardLimits, OutputGuard, type OutputGuardLimits } from './transport/socket/output-guard.js';
import { capConnectionsPerAddress } from './transport/connection-cap.js';
import { LogOncePer } from './transport/log-once.js';
import { FailedAttempts } from './transport/failed-attempts.js';
import { OriginPolicy } from './transport/origin-policy.js';
import type { MachineIdentity } from './ports/machine-identity.js';

export interface Timing {
  /** How long a disconnected GM station is remembered and its missed events kept. */
  reconnectWindowMs: number;
  /** Minimum spacing of `state:update` broadcasts (100 ms = at most 10 per second). */
  stateUpdateIntervalMs: number;
  /** A player scanner silent this long is reported disconnected. */
  playerTimeoutMs: number;
  /** How often the appliance's health is sampled (never per request). */
  healthIntervalMs: number;
  /** Socket.IO ping interval and timeout: a station silent for their sum is timed out. */
  pingIntervalMs: number;
  pingTimeoutMs: number;
  /** A connection that has not sent gm:identify this long after connecting is closed (admin ones excepted). */
  identifyTimeoutMs: number;
  /** An HTTP request whose headers have not all arrived this long after it started is closed. */
  headersTimeoutMs: number;
  /** An HTTP request (headers and body) not received in full this long after it started is closed. */
  requestTimeoutMs: number;
}

export const defaultTiming: Timing = {
  reconnectWindowMs: 30_000,
  stateUpdateIntervalMs: 100,
  playerTimeoutMs: 30_000,
  healthIntervalMs: 10_000,
  pingIntervalMs: 10_000,
  pingTimeoutMs: 20_000,
  identifyTimeoutMs: 10_000,
  headersTimeoutMs: 5000,
  requestTimeoutMs: 10_000,
};

/** Caps on what clients can make the server hold; each refusal is a clear error. */
export interface Limits extends OutputGuardLimits {
  maxTeams: number;
  maxPlayerDevices: number;
  maxVideoQueue: number;
  /** TCP connections one client address may hold open; default MAX_GM_STATIONS + 10. */
  maxConnectionsPerAddress?: number;
}

export const defaultLimits: Limits = {
  maxTeams: 50,
  maxPlayerDevices: 100,
  maxVideoQueue: 10,
  ...defaultOutputGuardLimits,
};

const CLOSE_GRACE_MS = 500;

/** Messages from this size on are sent deflated: a sync:full, not a state:update of a usual game. */
const MIN_DEFLATE_BYTES = 8 * 1024;

/** Socket.IO messages above this are refused, so no client can exhaust memory. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

export interface OrchestratorDeps {
  host: string;
  port: number;
  maxStations: number;
  /**
   * Station connections open at once, identified or not (admin ones not counted). Default:
   * room for every station twice (a tablet reconnecting while its old connection times out) plus ten.
   */
  maxConnections?: number;
  stationToken: string | undefined;
  store: GameStore & VideoQueueStore;
  catalog: TokenCatalog;
  /** The TV, already started. */
  video: VideoPlayer;
  media: MediaLibrary;
  videoBusyPolicy: BusyPolicy;
  idleText?: (session: Session | undefined) => string | undefined;
  /** The appliance's health (systeminformation, Pi firmware); undefined samples nothing. */
  health?: HealthSource;
  /** The built web pages (GM station); undefined serves the API only. */
  webDir?: string;
  adminAuth: AdminAuth;
  logger: Logger;
  clock?: Clock;
  timing?: Partial<Timing>;
  limits?: Partial<Limits>;
  /** The machine's names and addresses: requests must name one of them (or ALLOWED_HOSTS). */
  machine: MachineIdentity;
  /** ALLOWED_HOSTS: more names browsers may use to reach the orchestrator. */
  allowedHosts?: readonly string[];
}

export interface RunningOrchestrator {
  readonly port: number;
  readonly url: string;
  readonly show: Show;
  close(): Promise<void>;
}

export function defaultMaxConnections(maxStations: number): number {
  return maxStations * 2 + 10;
}

/** Wires the game to HTTP and Socket.IO on one port and starts listening. */
export async function startOrchestrator(deps: OrchestratorDeps): Promise<RunningOrchestrator> {
  const clock = deps.clock ?? systemClock;
  const timing = { ...defaultTiming, ...deps.timing };
  const limits = { ...defaultLimits, ...deps.limits };
  const log = deps.logger;
  let ready = false;
  const maxConnections = deps.maxConnections ?? defaultMaxConnections(deps.maxStations);

  // Slow or endless requests are cut (Node checks the deadlines every second, not every 30 s).
  const httpServer = createServer({
    headersTimeout: timing.headersTimeoutMs,
    requestTimeout: timing.requestTimeoutMs,
    connectionsCheckingInterval: 1000,
  });
  const connections = new Set<NetSocket>();
  httpServer.on('connection', (socket: NetSocket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  const refusals = new LogOncePer(clock);
  capConnectionsPerAddress(httpServer, limits.maxConnectionsPerAddress ?? deps.maxStations + 10, (address, open) => {
    if (refusals.shouldLog(`connections ${address}`)) log.warn({ address, open }, 'connection refused: too many from this address');
  });
  const origins = new OriginPolicy(deps.machine, deps.allowedHosts ?? [], clock);
  // Wrong station tokens, at the handshake and over HTTP alike: 10 a minute per address, 100 in all.
  const stationTokenFailures = new FailedAttempts({ clock, log, what: 'station token', perAddressPerMinute: 10, totalPerMinute: 100 });
  const io: OrchestratorServer = new Server(httpServer, {
    serveClient: false,
    // A page from another site open in a GM tablet's browser must not reach the stations'
    // socket, nor a DNS-rebinding name; clients that are not browsers send no Origin.
    allowRequest: (req, callback) => {
      const host = req.headers.host;
      const origin = req.headers.origin;
      if (origins.allowsHost(host) && origins.allowsOrigin(origin)) {
        callback(null, true);
        return;
      }
      const address = req.socket.remoteAddress ?? 'unknown';
      if (refusals.shouldLog(`origin ${address}`)) log.warn({ address, host, origin }, 'Socket.IO connection refused: not from this orchestrator\'s pages');
      callback('this origin may not connect', false);
    },
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    pingInterval: timing.pingIntervalMs,
    pingTimeout: timing.pingTimeoutMs,
    // Only the rare large messages (sync:full) are deflated: a broadcast is compressed once per
    // connection, and deflating the hot-path events (transaction:new, a few-KB state:update up
    // to 10 a second) for every station cost more CPU than the bytes save on a LAN (zlib was
    // the largest item in the 50×10 profile of `npm run bench:profile`). ws applies `threshold`
    // only without context takeover: without `serverNoContextTakeover` every message was deflated.
    // Each connection keeps its zlib stream once used; a 1 KB window and memLevel 4 keep that
    // near 12 KB instead of about 256 KB (200 stations that got a sync:full: ~2 MB, not ~50 MB).
    perMessageDeflate: {
      threshold: MIN_DEFLATE_BYTES,
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 10,
      zlibDeflateOptions: { memLevel: 4 },
    },
    httpCompression: { threshold: 1024 },
  });

  const reconnectQueue = new ReconnectQueue(clock, timing.reconnectWindowMs);
  const broadcaster = new Broadcaster({ io, reconnectQueue, clock, stateUpdateIntervalMs: timing.stateUpdateIntervalMs });
  const game = new Game({ store: deps.store, catalog: deps.catalog, clock, newId: randomUUID, maxTeams: limits.maxTeams });
  const show = new Show({
    game,
    devices: new DeviceRegistry(clock, timing.reconnectWindowMs),
    video: deps.video,
    videoQueue: new VideoQueue({
      player: deps.video,
      store: deps.store,
      media: deps.media,
      clock,
      newId: randomUUID,
      busyPolicy: deps.videoBusyPolicy,
      maxWaiting: limits.maxVideoQueue,
    }),
    notifier: broadcaster,
    maxPlayerDevices: limits.maxPlayerDevices,
    playerTimeoutMs: timing.playerTimeoutMs,
    ...(deps.idleText ? { idleText: deps.idleText } : {}),
  });
  const session = show.start();
  log.info({ sessionId: session.id, name: session.name, status: session.status }, 'session ready');

  new StationGateway({
    io,
    show,
    reconnectQueue,
    adminAuth: deps.adminAuth,
    clock,
    logger: log,
    stationToken: deps.stationToken,
    maxStations: deps.maxStations,
    maxConnections,
    identifyTimeoutMs: timing.identifyTimeoutMs,
    identifiesPerAddress: Math.max(10, maxConnections),
    stationTokenFailures,
  });
  const outputGuard = new OutputGuard(() => io.sockets.sockets.values(), limits, clock, log.child({ component: 'backpressure' }), (socket) => {
    (socket.data as { cutReason?: 'error' }).cutReason = 'error';
  });
  outputGuard.start();
  httpServer.on(
    'request',
    createHttpApp({
      show,
      adminAuth: deps.adminAuth,
      clock,
      logger: log,
      isReady: () => ready,
      webDir: deps.webDir,
      origins,
      stationToken: deps.stationToken,
      stationTokenFailures,
    }),
  );

  const health = deps.health;
  let sampling = false;
  const sampleHealth = () => {
    if (!health || sampling) return;
    sampling = true;
    health
      .sample()
      .then((sample) => show.healthSampled(sample))
      .catch((error: unknown) => log.warn({ err: error }, 'health sample failed'))
      .finally(() => {
        sampling = false;
      });
  };
  const healthTimer = setInterval(sampleHealth, timing.healthIntervalMs);
  healthTimer.unref();
  sampleHealth();

  const sweep = setInterval(() => {
    show.expireSilentPlayers();
    reconnectQueue.prune();
  }, Math.max(50, Math.min(5000, timing.playerTimeoutMs / 6)));
  sweep.unref();

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(deps.port, deps.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  ready = true;
  log.info({ host: deps.host, port }, 'orchestrator listening');

  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${deps.host === '0.0.0.0' ? '127.0.0.1' : deps.host}:${port}`,
    show,
    close() {
      closing ??= (async () => {
        ready = false;
        clearInterval(sweep);
        clearInterval(healthTimer);
        outputGuard.stop();
        broadcaster.close();
        const closed = io.close();
        // A peer that stopped reading never completes the WebSocket close handshake: after a
        // short grace its connection is cut so that stopping is bounded.
        const cut = setTimeout(() => {
          for (const socket of connections) socket.destroy();
        }, CLOSE_GRACE_MS);
        await closed;
        clearTimeout(cut);
      })();
      return closing;
    },
  };
}

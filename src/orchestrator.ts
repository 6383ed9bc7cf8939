import { randomUUID } from 'node:crypto';
import type { Session } from './contract/index.js';
import { createServer } from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { DeviceRegistry } from './domain/device-registry.js';
import { Game } from './domain/game.js';
import { ReconnectQueue } from './domain/reconnect-queue.js';
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
}

export const defaultTiming: Timing = {
  reconnectWindowMs: 30_000,
  stateUpdateIntervalMs: 100,
  playerTimeoutMs: 30_000,
  healthIntervalMs: 10_000,
  pingIntervalMs: 10_000,
  pingTimeoutMs: 20_000,
};

const CLOSE_GRACE_MS = 500;

/** Socket.IO messages above this are refused, so no client can exhaust memory. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

export interface OrchestratorDeps {
  host: string;
  port: number;
  maxStations: number;
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
}

export interface RunningOrchestrator {
  readonly port: number;
  readonly url: string;
  readonly show: Show;
  close(): Promise<void>;
}

/** Wires the game to HTTP and Socket.IO on one port and starts listening. */
export async function startOrchestrator(deps: OrchestratorDeps): Promise<RunningOrchestrator> {
  const clock = deps.clock ?? systemClock;
  const timing = { ...defaultTiming, ...deps.timing };
  const log = deps.logger;
  let ready = false;

  const httpServer = createServer();
  const connections = new Set<NetSocket>();
  httpServer.on('connection', (socket: NetSocket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  const io: OrchestratorServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    pingInterval: timing.pingIntervalMs,
    pingTimeout: timing.pingTimeoutMs,
    // Only large messages (sync:full, big states) are deflated: compressing the small
    // hot-path events costs more CPU than the bytes it saves on a LAN.
    perMessageDeflate: { threshold: 1024 },
    httpCompression: { threshold: 1024 },
  });

  const reconnectQueue = new ReconnectQueue(clock, timing.reconnectWindowMs);
  const broadcaster = new Broadcaster({ io, reconnectQueue, clock, stateUpdateIntervalMs: timing.stateUpdateIntervalMs });
  const game = new Game({ store: deps.store, catalog: deps.catalog, clock, newId: randomUUID });
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
    }),
    notifier: broadcaster,
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
  });
  httpServer.on('request', createHttpApp({ show, adminAuth: deps.adminAuth, clock, logger: log, isReady: () => ready, webDir: deps.webDir }));

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

import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import type { ShowOperations } from '../ports/show-operations.js';
import type { GameCorrections } from '../ports/game-corrections.js';
import type { CueControl } from '../ports/cue-actions.js';
import type { PreflightRunner } from '../ports/preflight-probes.js';
import type { RoomControl } from '../ports/room-control.js';
import type { RoomDisplay } from '../ports/room-display.js';
import type { StationSessions } from '../ports/station-sessions.js';
import type { Clock } from '../ports/clock.js';
import type { MachineIdentity } from '../ports/machine-identity.js';
import type { ServerTls } from '../ports/server-tls.js';
import type { MediaLibrary } from '../ports/media-library.js';
import type { AdminAuth } from '../transport/admin-auth.js';
import { capConnectionsPerAddress } from '../transport/connection-cap.js';
import { FailedAttempts } from '../transport/failed-attempts.js';
import { createHttpApp } from '../transport/http/http-app.js';
import { LogOncePer } from '../transport/log-once.js';
import { OriginPolicy } from '../transport/origin-policy.js';
import { Broadcaster, type OrchestratorServer } from '../transport/socket/broadcaster.js';
import { OutputGuard } from '../transport/socket/output-guard.js';
import { ReconnectQueue } from '../transport/socket/reconnect-queue.js';
import { StationGateway } from '../transport/socket/station-gateway.js';
import { defaultMaxConnections, MAX_MESSAGE_BYTES, type AppSettings, type Limits, type Timing } from './settings.js';
import type { Component } from './lifecycle.js';

/** Messages from this size on are sent deflated: a sync:full, not a state:update of a usual game. */
const MIN_DEFLATE_BYTES = 8 * 1024;
/** A peer that stopped reading never completes the WebSocket close handshake: it is cut after this. */
const CLOSE_GRACE_MS = 500;

export interface StationServerDeps {
  settings: AppSettings;
  timing: Timing;
  limits: Limits;
  adminAuth: AdminAuth;
  machine: MachineIdentity;
  clock: Clock;
  logger: Logger;
  /** MEDIA_DIR, whose token pictures and sounds the player scanners fetch. */
  media: MediaLibrary;
  /** The appliance's CA and server certificate: HTTPS listens on `settings.httpsPort` when both are given. */
  tls?: ServerTls;
}

/**
 * HTTP and Socket.IO on one port, and the same on HTTPS beside it: the stations' gateway, the
 * broadcaster that is the show's notifier, the HTTP API and pages, and the guards in front of
 * them (hosts and origins, connections per address over both ports, slow requests and TLS
 * handshakes, backpressure). Built before the show (the show reports through its
 * broadcaster), given the show with `serve`, then started.
 */
export class StationServer implements Component {
  readonly name = 'http and socket.io';
  readonly broadcaster: Broadcaster;
  readonly reconnectQueue: ReconnectQueue;
  private readonly http: HttpServer;
  /** HTTPS, answered by the HTTP server's own handlers (express and Socket.IO alike). */
  private readonly https: HttpsServer | undefined;
  private readonly io: OrchestratorServer;
  private readonly connections = new Set<NetSocket>();
  private readonly origins: OriginPolicy;
  private readonly stationTokenFailures: FailedAttempts;
  private readonly outputGuard: OutputGuard;
  private ready = false;
  private boundPort: number | undefined;
  private boundHttpsPort: number | undefined;

  constructor(private readonly deps: StationServerDeps) {
    const { timing, limits, clock, logger: log, settings } = deps;
    // Slow or endless requests are cut (Node checks the deadlines every second, not every 30 s).
    const deadlines = { headersTimeout: timing.headersTimeoutMs, requestTimeout: timing.requestTimeoutMs, connectionsCheckingInterval: 1000 };
    this.http = createServer(deadlines);
    // A handshake that never ends is cut as soon as headers that never end would be.
    this.https =
      deps.tls && settings.httpsPort !== undefined ? createHttpsServer({ ...deps.tls.credentials(), ...deadlines, handshakeTimeout: timing.headersTimeoutMs }) : undefined;
    if (this.https) {
      // One set of handlers for both: the requests and WebSocket upgrades of HTTPS go to HTTP's
      // listeners (Socket.IO's engine, then express), so both serve the same routes and stations.
      this.https.on('request', (req, res) => this.http.emit('request', req, res));
      this.https.on('upgrade', (req, socket, head) => this.http.emit('upgrade', req, socket, head));
    }
    const servers = this.https ? [this.http, this.https] : [this.http];
    for (const server of servers) {
      server.on('connection', (socket: NetSocket) => {
        this.connections.add(socket);
        socket.once('close', () => this.connections.delete(socket));
      });
    }
    const refusals = new LogOncePer(clock);
    capConnectionsPerAddress(servers, limits.maxConnectionsPerAddress ?? settings.maxStations + 10, (address, open) => {
      if (refusals.shouldLog(`connections ${address}`)) log.warn({ address, open }, 'connection refused: too many from this address');
    });
    this.origins = new OriginPolicy(deps.machine, settings.allowedHosts ?? [], clock);
    this.stationTokenFailures = new FailedAttempts({ clock, log, what: 'station token', ...limits.stationTokenFailures });
    this.io = new Server(this.http, {
      serveClient: false,
      // A page from another site open in a GM tablet's browser must not reach the stations'
      // socket, nor a DNS-rebinding name; clients that are not browsers send no Origin.
      allowRequest: (req, callback) => {
        const { host, origin } = req.headers;
        if (this.origins.allowsHost(host) && this.origins.allowsOrigin(origin)) {
          callback(null, true);
          return;
        }
        const address = req.socket.remoteAddress ?? 'unknown';
        if (refusals.shouldLog(`origin ${address}`)) log.warn({ address, host, origin }, "Socket.IO connection refused: not from this orchestrator's pages");
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
    this.reconnectQueue = new ReconnectQueue(clock, timing.reconnectWindowMs);
    this.broadcaster = new Broadcaster({ io: this.io, reconnectQueue: this.reconnectQueue, clock, stateUpdateIntervalMs: timing.stateUpdateIntervalMs });
    this.outputGuard = new OutputGuard(() => this.io.sockets.sockets.values(), limits, clock, log.child({ component: 'backpressure' }), (socket) => {
      (socket.data as { cutReason?: 'error' }).cutReason = 'error';
    });
  }

  /** The port once listening (PORT=0 picks one). */
  get port(): number {
    if (this.boundPort === undefined) throw new Error('the server is not listening yet');
    return this.boundPort;
  }

  /** The HTTPS port once listening; undefined when HTTPS is off. */
  get httpsPort(): number | undefined {
    return this.boundHttpsPort;
  }

  /**
   * Asks the CA to check the certificate against the machine's addresses now; a re-issued one
   * is used for the next handshakes (connections open keep theirs).
   */
  async refreshCertificate(): Promise<void> {
    const { tls, logger } = this.deps;
    if (!tls || !this.https) return;
    try {
      if (await tls.refresh()) this.https.setSecureContext(tls.credentials());
    } catch (error) {
      logger.error({ err: error }, 'the HTTPS certificate could not be re-issued: the previous one stays');
    }
  }

  /** The display clients (`/scoreboard`), as one room display. */
  get roomDisplays(): RoomDisplay {
    return this.broadcaster;
  }

  /** Routes the stations' events and the HTTP API to the show. */
  serve(show: StationSessions & ShowOperations, corrections: GameCorrections, room: RoomControl, staff: { cues: CueControl; sounds?: { stopAll(): void } | undefined; preflight: PreflightRunner }): void {
    const { settings, timing, adminAuth, clock, logger } = this.deps;
    const maxConnections = settings.maxConnections ?? defaultMaxConnections(settings.maxStations);
    new StationGateway({
      io: this.io,
      show,
      corrections,
      room,
      maxDisplays: this.deps.limits.maxDisplays,
      reconnectQueue: this.reconnectQueue,
      adminAuth,
      clock,
      logger,
      stationToken: settings.stationToken,
      maxStations: settings.maxStations,
      maxConnections,
      identifyTimeoutMs: timing.identifyTimeoutMs,
      identifiesPerAddress: Math.max(10, maxConnections),
      stationTokenFailures: this.stationTokenFailures,
    });
    this.http.on(
      'request',
      createHttpApp({
        show,
        corrections,
        room,
        adminAuth,
        clock,
        logger,
        isReady: () => this.ready,
        webDir: settings.webDir,
        origins: this.origins,
        stationToken: settings.stationToken,
        stationTokenFailures: this.stationTokenFailures,
        limits: this.deps.limits.http,
        media: this.deps.media,
        cues: staff.cues,
        sounds: staff.sounds,
        preflight: staff.preflight,
        tls: {
          info: () => ({ httpPort: this.port, httpsPort: this.boundHttpsPort ?? null, caFingerprint: this.https ? (this.deps.tls?.caFingerprint ?? null) : null }),
          caCertificate: () => (this.https ? this.deps.tls?.caCertificate : undefined),
        },
      }),
    );
  }

  async start(): Promise<void> {
    const { host, port, httpsPort } = this.deps.settings;
    this.boundPort = await listen(this.http, port, host);
    if (this.https && httpsPort !== undefined) {
      try {
        this.boundHttpsPort = await listen(this.https, httpsPort, host);
      } catch (error) {
        this.http.close();
        throw error;
      }
    }
    this.outputGuard.start();
    this.ready = true;
    this.deps.logger.info({ host, port: this.boundPort, httpsPort: this.boundHttpsPort }, 'orchestrator listening');
  }

  async stop(): Promise<void> {
    this.ready = false;
    this.outputGuard.stop();
    this.broadcaster.close();
    const https = this.https;
    // Socket.IO closes the HTTP server; HTTPS is closed beside it.
    const closed = Promise.all([this.io.close(), https?.listening ? new Promise((resolve) => https.close(resolve)) : undefined]);
    const cut = this.deps.clock.after(CLOSE_GRACE_MS, () => {
      for (const socket of this.connections) socket.destroy();
    });
    await closed;
    cut();
  }
}

/** Listens on `port` (0 picks one) and resolves with the port bound. */
async function listen(server: HttpServer | HttpsServer, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

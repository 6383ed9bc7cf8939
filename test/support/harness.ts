import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { io as connectClient, type Socket } from 'socket.io-client';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { CertificateAuthority } from '../../src/adapters/tls/certificate-authority.js';
import { certificateSubjects } from '../../src/app/certificate-names.js';
import { loadScoringRules, loadTokenCatalog } from '../../src/adapters/show-files.js';
import type {
  AckResponse,
  ClientToServerEvents,
  Cue,
  Envelope,
  GmIdentified,
  ServerEventName,
  ServerToClientEvents,
  Transaction,
} from '../../src/contract/index.js';
import { LoginResponse } from '../../src/contract/index.js';
import { startApp, type App } from '../../src/app/compose.js';
import type { Limits, Timing } from '../../src/app/settings.js';
import { systemClock } from '../../src/adapters/system-clock.js';
import { osMachineIdentity } from '../../src/adapters/machine-identity.js';
import type { MachineIdentity } from '../../src/ports/machine-identity.js';
import type { Clock } from '../../src/ports/clock.js';
import type { HealthSource } from '../../src/ports/health-source.js';
import type { GameStore, SettingsStore, VideoQueueStore } from '../../src/ports/store.js';
import type { SoundPlayer } from '../../src/ports/sound-player.js';
import type { VideoPlayer } from '../../src/ports/video-player.js';
import { AdminAuth } from '../../src/transport/admin-auth.js';
import { NoDisplayPlayer } from '../../src/adapters/video/no-display.js';
import { NoSoundPlayer } from '../../src/adapters/video/no-sound.js';
import { HeaderMediaProbe } from '../../src/adapters/preflight/media-probe.js';
import { SocketTargetProbe } from '../../src/adapters/preflight/target-probe.js';
import { MediaFolder } from '../../src/adapters/video/media-folder.js';
import type { BusyPolicy } from '../../src/domain/video-queue.js';
import { FIXTURE_TOKENS } from './fixtures.js';
import { api, okBody } from './http.js';
import { tempDir } from './temp-dir.js';

export const ADMIN_PASSWORD = 'correct horse battery';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestServerOptions {
  dataDir?: string;
  /** A fixed port (to restart a server where its clients expect it); default: any free one. */
  port?: number;
  tokensFile?: string;
  stationToken?: string;
  maxStations?: number;
  /** Station connections open at once, identified or not; default: the orchestrator's. */
  maxConnections?: number;
  clock?: Clock;
  timing?: Partial<Timing>;
  video?: VideoPlayer;
  /** The sound-effects player, started and closed by the app; default NoSoundPlayer. */
  sound?: SoundPlayer;
  mediaDir?: string;
  videoBusyPolicy?: BusyPolicy;
  /** GAME_MINUTES: a new session's planned length. */
  gameMinutes?: number;
  health?: HealthSource;
  /** Puts something between the orchestrator and its real store (a disk that fails on demand). */
  wrapStore?: (store: SqliteStore) => GameStore & VideoQueueStore & SettingsStore;
  limits?: Partial<Limits>;
  allowedHosts?: string[];
  /** The machine's names and addresses; default this machine's. */
  machine?: MachineIdentity;
  /** A logger whose lines the test reads; default silent (or TEST_LOG_LEVEL). */
  logger?: Logger;
  /** ADMIN_PASSWORD for this start; default ADMIN_PASSWORD. */
  adminPassword?: string;
  /** HTTPS on a free port too, its CA made (or kept from a previous start) in the data directory's `tls` folder. */
  https?: boolean;
  /** The show's cues (a checked CUES_FILE), kept in the test's SQLite file; default none. */
  cues?: Cue[];
}

export interface TestServer {
  url: string;
  /** With `https`: the HTTPS address and the CA certificate (PEM) that signs its certificate. */
  httpsUrl?: string;
  caCertificate?: string;
  orchestrator: App;
  store: SqliteStore;
  dataDir: string;
  /** Stops the server and closes the store; the data directory stays for a restart. */
  stop(): Promise<void>;
  /** Stops and removes the data directory. */
  destroy(): Promise<void>;
  adminToken(): Promise<string>;
}

/** A player the test owns: the app uses it but neither starts nor closes it. */
function startedByTheTest(player: VideoPlayer): VideoPlayer {
  return {
    get displayReady() {
      return player.displayReady;
    },
    get audioReady() {
      return player.audioReady;
    },
    start: () => Promise.resolve(),
    play: (request) => player.play(request),
    pause: () => player.pause(),
    resume: () => player.resume(),
    stop: () => player.stop(),
    showRoom: (view) => player.showRoom(view),
    onStatus: (listener) => player.onStatus(listener),
    close: () => Promise.resolve(),
  };
}

/** A real orchestrator on 127.0.0.1 and an ephemeral port, with a real SQLite file. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir();
  const store = new SqliteStore(join(dataDir, 'orchestrator.db'));
  const logger = options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const password = options.adminPassword ?? ADMIN_PASSWORD;
  const machine = options.machine ?? osMachineIdentity;
  const media = new MediaFolder(options.mediaDir ?? dataDir);
  // Certificates are dated by the real clock: a test's manual clock starts in 1970.
  const tls = options.https
    ? await CertificateAuthority.open({
        dir: join(dataDir, 'tls'),
        subjects: () => certificateSubjects(machine, options.allowedHosts ?? []),
        clock: systemClock,
        logger,
        applianceName: 'test',
      })
    : undefined;
  const adminAuth = await AdminAuth.create({
    settings: store,
    password,
    announceGeneratedPassword: () => undefined,
  });
  // The same recipe main uses; only the adapters are the test's.
  const orchestrator = await startApp(
    {
      host: '127.0.0.1',
      port: options.port ?? 0,
      ...(tls ? { httpsPort: 0 } : {}),
      maxStations: options.maxStations ?? 10,
      ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
      stationToken: options.stationToken,
      videoBusyPolicy: options.videoBusyPolicy ?? 'reject',
      ...(options.gameMinutes === undefined ? {} : { gameMinutes: options.gameMinutes }),
      webDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
      ...(options.timing ? { timing: options.timing } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
    },
    {
      store: options.wrapStore ? options.wrapStore(store) : store,
      catalog: loadTokenCatalog(options.tokensFile ?? FIXTURE_TOKENS, loadScoringRules(undefined)),
      // A player the test passes is the test's to start and close.
      video: options.video ? startedByTheTest(options.video) : new NoDisplayPlayer(),
      sound: options.sound ?? new NoSoundPlayer(),
      ...(options.cues ? { cues: { cues: options.cues, store: store.cueStore() } } : {}),
      media,
      probes: { media: new HeaderMediaProbe(media), targets: new SocketTargetProbe() },
      adminAuth,
      machine,
      ...(tls ? { tls } : {}),
      clock: options.clock ?? systemClock,
      logger,
      ...(options.health ? { health: options.health } : {}),
    },
  );
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await orchestrator.stop();
    store.close();
  };
  return {
    url: orchestrator.url,
    ...(orchestrator.httpsUrl === undefined || !tls ? {} : { httpsUrl: orchestrator.httpsUrl, caCertificate: tls.caCertificate }),
    orchestrator,
    store,
    dataDir,
    stop,
    async destroy() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
    async adminToken() {
      return LoginResponse.parse(okBody(await api(orchestrator.url, 'POST', '/api/admin/login', { body: { password } }), 'admin login')).token;
    },
  };
}


/** Records every envelope a client receives, in order, and waits for them with a bound. */
export class Peer {
  readonly received: Envelope[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  constructor(readonly socket: ClientSocket) {
    socket.onAny((_event: string, envelope: Envelope) => {
      this.received.push(envelope);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.check()) return true;
        waiter.resolve();
        return false;
      });
    });
  }

  of<E extends ServerEventName>(event: E): Envelope<E>[] {
    return this.received.filter((e): e is Envelope<E> => e.event === event);
  }

  /** Resolves once `count` envelopes of `event` matching `predicate` have arrived. */
  waitFor<E extends ServerEventName>(
    event: E,
    predicate: (envelope: Envelope<E>) => boolean = () => true,
    count = 1,
    timeoutMs = 10_000,
  ): Promise<Envelope<E>[]> {
    const matches = () => this.of(event).filter(predicate);
    return new Promise((resolve, reject) => {
      const check = () => matches().length >= count;
      if (check()) {
        resolve(matches());
        return;
      }
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.check !== check);
        reject(new Error(`timed out waiting for ${count} × ${event} (got ${matches().length})`));
      }, timeoutMs);
      this.waiters.push({
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve(matches());
        },
      });
    });
  }

  /** Emits an event and resolves with its acknowledgement. */
  request(event: string, ...args: unknown[]): Promise<AckResponse> {
    return (this.socket.timeout(10_000) as unknown as { emitWithAck(e: string, ...a: unknown[]): Promise<AckResponse> }).emitWithAck(
      event,
      ...args,
    );
  }

  async identify(stationId: string, extra: Record<string, unknown> = {}): Promise<GmIdentified> {
    const ack = await this.request('gm:identify', { stationId, version: '1.0.0', ...extra });
    if (!ack.ok) throw new Error(`identify failed: ${ack.error.code} ${ack.error.message}`);
    return ack.data as GmIdentified;
  }

  async submit(tokenId: string, teamId: string, scannerId = 'scanner'): Promise<Transaction> {
    const ack = await this.request('transaction:submit', { tokenId, teamId, scannerId });
    if (!ack.ok) throw new Error(`submit failed: ${ack.error.code} ${ack.error.message}`);
    return ack.data as Transaction;
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** A real socket.io-client peer on the websocket transport; resolves once connected. `ca`: the CA to trust for wss. */
export function connect(url: string, auth: Record<string, unknown> = {}, tls: { ca?: string } = {}): Promise<Peer> {
  const socket: ClientSocket = connectClient(url, { transports: ['websocket'], auth, reconnection: false, forceNew: true, ...tls });
  const peer = new Peer(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(peer));
    socket.once('connect_error', (error) => {
      socket.disconnect();
      reject(error);
    });
  });
}

/** Connects and identifies a GM station. */
export async function station(url: string, stationId: string, auth: Record<string, unknown> = {}, tls: { ca?: string } = {}): Promise<Peer> {
  const peer = await connect(url, auth, tls);
  await peer.identify(stationId);
  return peer;
}

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ApplianceStatus } from '../domain/appliance-status.js';
import { DeviceRegistry } from '../domain/device-registry.js';
import { CueEngine } from '../domain/cue-engine.js';
import { Game } from '../domain/game.js';
import { Show } from '../domain/show.js';
import { LiveCorrections } from '../domain/live-corrections.js';
import type { TokenCatalog } from '../domain/token-catalog.js';
import { VideoQueue } from '../domain/video-queue.js';
import type { ButtonHardware } from '../ports/button-line.js';
import type { Clock } from '../ports/clock.js';
import type { CueStore } from '../ports/cue-actions.js';
import type { Cue } from '../contract/index.js';
import { CueActions } from '../adapters/cues/cue-actions.js';
import type { HealthSource } from '../ports/health-source.js';
import type { MachineIdentity } from '../ports/machine-identity.js';
import type { MediaLibrary } from '../ports/media-library.js';
import type { ServerTls } from '../ports/server-tls.js';
import type { MediaProbe, TargetProbe } from '../ports/preflight-probes.js';
import type { SoundPlayer } from '../ports/sound-player.js';
import type { GameStore, SettingsStore, VideoQueueStore } from '../ports/store.js';
import type { VideoPlayer } from '../ports/video-player.js';
import type { AdminAuth } from '../transport/admin-auth.js';
import { HealthSampler } from './health-sampler.js';
import { IntervalTask } from './interval-task.js';
import { Lifecycle, type Component } from './lifecycle.js';
import { ResetButtonControl } from './reset-button-control.js';
import { defaultLimits, defaultTiming, type AppSettings, type ListeningPorts } from './settings.js';
import { StationServer } from './station-server.js';
import { RoomScreen } from './room-screen.js';
import { ShowNotifiers } from './show-notifiers.js';
import { CueListener } from './cue-listener.js';
import { Preflight } from './preflight.js';

/** A TV connection watcher (the DRM connector's status), where there is one. */
export interface DisplayMonitor extends Component {
  readonly isConnected: boolean;
  onChange(listener: (connected: boolean) => void): void;
}

/** The outside world the app runs against: real adapters from main, test ones from the tests. */
export interface AppAdapters {
  store: GameStore & VideoQueueStore & SettingsStore;
  catalog: TokenCatalog;
  media: MediaLibrary;
  /** The TV, not started yet: the app starts it first and stops it last. */
  video: VideoPlayer;
  /**
   * Sound effects on the TV's speakers, not started yet: the app starts it right after the TV
   * and stops it just before; its status is `systemStatus.sound`. Cues play through it.
   */
  sound?: SoundPlayer;
  /** The show's cues (CUES_FILE, checked) and where their state is kept; none without. */
  cues?: { cues: readonly Cue[]; store: CueStore };
  /** How the preflight looks at media files and cue targets. */
  probes: { media: MediaProbe; targets: TargetProbe };
  adminAuth: AdminAuth;
  machine: MachineIdentity;
  clock: Clock;
  logger: Logger;
  health?: HealthSource;
  display?: DisplayMonitor;
  button?: ButtonHardware;
  /** The appliance's CA and server certificate, for HTTPS on `settings.httpsPort`. */
  tls?: ServerTls;
  /** Runs last on start (systemd readiness) and first on stop. */
  readiness?: Component;
}

export interface App {
  readonly port: number;
  readonly url: string;
  /** The HTTPS address (`https://127.0.0.1:port` for a server on every address); undefined when HTTPS is off. */
  readonly httpsUrl: string | undefined;
  readonly show: Show;
  /** Stops every component in reverse order, each bounded; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The composition root's one recipe, for main and the tests alike: builds the game and its
 * components from the settings and adapters, then starts them in order — the TV, the display
 * watcher, the server, the health sampler, the presence sweep, the reset button, readiness.
 */
export async function startApp(settings: AppSettings, adapters: AppAdapters): Promise<App> {
  const { clock, logger: log } = adapters;
  const timing = { ...defaultTiming, ...settings.timing };
  const limits = { ...defaultLimits, ...settings.limits };
  const lifecycle = new Lifecycle(log, timing.stopTimeoutMs);
  try {
    await lifecycle.start({ name: 'tv', start: () => adapters.video.start(), stop: () => adapters.video.close() });
    const sound = adapters.sound;
    if (sound) await lifecycle.start({ name: 'sound', start: () => sound.start(), stop: () => sound.close() });
    // The address GMs open names the port, known once listening (PORT=0 picks one).
    let listening: ListeningPorts = { http: settings.port, https: settings.httpsPort };
    const server = new StationServer({
      settings,
      timing,
      limits,
      adminAuth: adapters.adminAuth,
      machine: adapters.machine,
      clock,
      logger: log,
      media: adapters.media,
      ...(adapters.tls ? { tls: adapters.tls } : {}),
    });
    const game = new Game({
        store: adapters.store,
        catalog: adapters.catalog,
        clock,
        newId: randomUUID,
        maxTeams: limits.maxTeams,
        playerScanStaleMs: timing.playerScanStaleMs,
        ...(settings.gameMinutes === undefined ? {} : { plannedMs: settings.gameMinutes * 60_000 }),
    });
    // The room's screens (the TV between clips, /scoreboard) listen to the show like the stations.
    const room: RoomScreen = new RoomScreen({
      clock,
      displays: [adapters.video, server.roomDisplays],
      source: () => ({ session: show.session, state: show.state() }),
      welcomeLines: (session) => welcomeLines(settings.idleText?.(session, listening)),
      settings: adapters.store,
      modeChanged: () => server.broadcaster.stateChanged(() => show.state()),
      logger: log,
    });
    const cueLog = log.child({ component: 'cues' });
    const cues = new CueEngine({
      cues: adapters.cues?.cues ?? [],
      clock,
      store: adapters.cues?.store ?? noCueStore,
      runner: new CueActions({ video: { controlVideo: (command) => show.controlVideo(command) }, room: { setMode: (mode) => room.setMode(mode), showMessage: (text, seconds) => room.showMessage(text, seconds) }, ...(adapters.sound ? { sound: adapters.sound } : {}) }),
      game: () => {
        const { sessionId, clock: gameClock } = show.state();
        return sessionId === null || gameClock === undefined ? undefined : { sessionId, clock: gameClock };
      },
      fired: (firing) => {
        cueLog.info({ cueId: firing.cueId, trigger: firing.trigger, failed: firing.results.filter((result) => !result.ok).length }, 'cue fired');
        server.broadcaster.cueFired(firing);
      },
      actionFailed: (cueId, result) => cueLog.warn({ cueId, action: result.action, error: result.error }, 'cue action failed'),
      fireFailed: (cueId, error) => cueLog.error({ cueId, err: error }, 'cue firing not recorded'),
    });
    const cueListener = new CueListener(cues);
    const show: Show = new Show({
      appliance: new ApplianceStatus(clock),
      displayState: () => room.display,
      game,
      devices: new DeviceRegistry(clock, timing.reconnectWindowMs),
      video: adapters.video,
      videoQueue: new VideoQueue({
        player: adapters.video,
        store: adapters.store,
        media: adapters.media,
        clock,
        newId: randomUUID,
        busyPolicy: settings.videoBusyPolicy,
        maxWaiting: limits.maxVideoQueue,
      }),
      notifier: new ShowNotifiers([server.broadcaster, room, cueListener]),
      maxPlayerDevices: limits.maxPlayerDevices,
      playerTimeoutMs: timing.playerTimeoutMs,
    });
    const session = show.start();
    log.info({ sessionId: session.id, name: session.name, status: session.status }, 'session ready');
    if (sound) {
      sound.onStatus((status) => show.soundStatus(status));
      show.soundStatus(sound.status);
    }

    const display = adapters.display;
    if (display) {
      display.onChange((connected) => {
        log.info({ connected }, connected ? 'TV connected' : 'TV disconnected');
        show.displayConnection(connected);
      });
      await lifecycle.start(display);
      show.displayConnection(display.isConnected);
    }
    const corrections = new LiveCorrections({ game, notifier: new ShowNotifiers([server.broadcaster, room]), flushSubmissions: () => show.commitSubmissions(), state: () => show.state() });
    server.serve(show, corrections, room, {
      cues: { list: () => cues.list(), fire: (id) => cues.fire(id), setEnabled: (id, enabled) => cues.setEnabled(id, enabled), firings: (id) => (adapters.cues?.store ?? noCueStore).cueFirings(id) },
      sounds: adapters.sound,
      preflight: new Preflight({
        state: () => show.state(),
        roomScreen: () => room.view().screen,
        session: () => show.session,
        stations: () => show.connectedStations(),
        tokens: () => show.tokens(),
        cues: adapters.cues?.cues ?? [],
        media: adapters.probes.media,
        targets: adapters.probes.targets,
        sound: adapters.sound,
        health: adapters.health,
        lastHealth: () => show.status().health,
        clock,
      }),
    });
    await lifecycle.start(server);
    const port = server.port;
    listening = { http: port, https: server.httpsPort };
    await lifecycle.start({ name: 'room screens', start: () => room.start(), stop: () => room.stop() });
    cueListener.knowSession(show.session?.status);
    await lifecycle.start({ name: 'cues', start: () => cues.start(), stop: () => cues.stop() });
    if (adapters.health) {
      await lifecycle.start(new HealthSampler(adapters.health, (sample) => show.healthSampled(sample), clock, timing.healthIntervalMs, log));
    }
    const sweepEveryMs = Math.max(50, Math.min(5000, timing.playerTimeoutMs / 6));
    await lifecycle.start(
      new IntervalTask(
        'presence sweep',
        () => {
          show.expireSilentPlayers();
          server.reconnectQueue.prune();
        },
        clock,
        sweepEveryMs,
      ),
    );
    if (server.httpsPort !== undefined) {
      // The hotspot may come up, or the venue's network hand out a new address, after the start.
      await lifecycle.start(new IntervalTask('certificate check', () => void server.refreshCertificate(), clock, timing.certificateCheckMs));
    }
    if (adapters.button) {
      await lifecycle.start(new ResetButtonControl(adapters.button, show, clock, timing.resetHoldMs, log.child({ component: 'button' })));
    }
    if (adapters.readiness) await lifecycle.start(adapters.readiness);

    let stopping: Promise<void> | undefined;
    const host = settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host;
    return {
      port,
      url: `http://${host}:${port}`,
      httpsUrl: server.httpsPort === undefined ? undefined : `https://${host}:${server.httpsPort}`,
      show,
      stop: () => (stopping ??= lifecycle.stopAll()),
    };
  } catch (error) {
    await lifecycle.stopAll();
    throw error;
  }
}

/** Without a cues file: nothing to keep. */
const noCueStore: CueStore = { cueStates: () => [], saveCueState: () => undefined, appendCueFiring: () => undefined, cueFirings: () => [] };

/** The idle text's parts ("GM stations: … · Friday 20:00"), one line each on the welcome screen. */
function welcomeLines(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text.split('·').map((line) => line.trim()).filter((line) => line !== '');
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { startApp, type App, type DisplayMonitor } from './app/compose.js';
import type { Component } from './app/lifecycle.js';
import type { AppSettings } from './app/settings.js';
import { openButtonHardware } from './adapters/button/button-hardware.js';
import { prepareDataDir } from './adapters/data-dir.js';
import { PiHealth } from './adapters/health/pi-health.js';
import { HeaderMediaProbe } from './adapters/preflight/media-probe.js';
import { SocketTargetProbe } from './adapters/preflight/target-probe.js';
import { osMachineIdentity } from './adapters/machine-identity.js';
import { DisplayWatcher } from './adapters/mpv/display-watcher.js';
import { MpvPlayer } from './adapters/mpv/mpv-player.js';
import { MpvProcess } from './adapters/mpv/mpv-process.js';
import { detectBoard, findHdmiConnector, hdmiAudioDevice, piDisplayArgs } from './adapters/mpv/pi-display.js';
import { chooseAudioOutput, type AudioOutput } from './adapters/mpv/audio-output.js';
import { MpvSoundPlayer, soundArgs } from './adapters/mpv/sound-player.js';
import { checkVideos, loadScoringRules, loadTokenCatalog } from './adapters/show-files.js';
import { cuesFileOf, loadCues } from './adapters/cue-file.js';
import { SqliteStore } from './adapters/sqlite/sqlite-store.js';
import { CertificateAuthority } from './adapters/tls/certificate-authority.js';
import { certificateSubjects } from './app/certificate-names.js';
import { SdNotify, systemdNotifyCli } from './adapters/systemd/sd-notify.js';
import { systemClock } from './adapters/system-clock.js';
import { fillIdleText, stationUrl, wifiJoinText } from './adapters/video/idle-text.js';
import { MediaFolder } from './adapters/video/media-folder.js';
import { MpvOrNoDisplay } from './adapters/video/mpv-or-no-display.js';
import { NoDisplayPlayer } from './adapters/video/no-display.js';
import { NoSoundPlayer } from './adapters/video/no-sound.js';
import { chooseVideoOutput } from './adapters/video/video-output.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import type { SoundPlayer } from './ports/sound-player.js';
import type { VideoPlayer } from './ports/video-player.js';
import { AdminAuth } from './transport/admin-auth.js';
import { stationAccessOf } from './transport/station-access.js';

/** The checkout (or install) folder: relative paths in the configuration start here. */
const baseDir = fileURLToPath(new URL('../..', import.meta.url));

/** The composition root: configuration, adapters, the app, and the signals that stop it. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig({ env: process.env, argv: process.argv.slice(2), baseDir });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const logger = pino({ level: config.LOG_LEVEL, base: { app: 'orchestrator' } });

  const catalog = loadTokenCatalog(config.TOKENS_FILE, loadScoringRules(config.SCORING_FILE));
  const media = new MediaFolder(config.MEDIA_DIR);
  const { missing } = checkVideos(catalog, media);
  logger.info({ file: config.TOKENS_FILE, tokens: catalog.size }, 'tokens loaded');
  if (missing.length > 0) logger.warn({ mediaDir: config.MEDIA_DIR, missing }, 'videos named by tokens are missing');
  const cuesFile = cuesFileOf(config);
  const cues = loadCues(cuesFile, { cueHosts: (config.CUE_HOSTS ?? '').split(','), catalog });
  if (cues.length > 0) logger.info({ file: cuesFile, cues: cues.length }, 'cues loaded');

  const dataDir = prepareDataDir(config.DATA_DIR);
  if (!dataDir.tightened) logger.warn({ dataDir: config.DATA_DIR, reason: dataDir.reason }, 'DATA_DIR could not be made private (0700)');
  const store = new SqliteStore(join(config.DATA_DIR, 'orchestrator.db'));
  const adminAuth = await AdminAuth.create({
    settings: store,
    password: config.ADMIN_PASSWORD,
    announceGeneratedPassword: (password) => {
      process.stdout.write(`\n  Admin password (shown once; set ADMIN_PASSWORD to choose your own): ${password}\n\n`);
    },
  });
  const stations = stationAccessOf(config.STATION_TOKEN, store);
  if (stations.open) {
    logger.warn(
      { STATION_TOKEN: config.STATION_TOKEN ?? '(unset)' },
      'GM stations are OPEN: any device on the network can act as a GM station and record transactions. Set STATION_TOKEN (or STATION_TOKEN=generate) to close them',
    );
  } else logger.info('GM stations need the station token (shown on /admin)');

  const tls =
    config.HTTPS_PORT === 'none'
      ? undefined
      : await CertificateAuthority.open({
          dir: join(config.DATA_DIR, 'tls'),
          subjects: () => certificateSubjects(osMachineIdentity, allowedHostsOf(config)),
          clock: systemClock,
          logger: logger.child({ component: 'tls' }),
          applianceName: osMachineIdentity.hostname(),
        });
  const { video, display, audio } = tvOf(config, media, logger);
  const sound = soundOf(config, media, audio, logger);
  const systemd = new SdNotify(process.env, systemdNotifyCli, systemClock, (error) => logger.warn({ err: error }, 'sd_notify failed'));
  const readiness: Component = { name: 'systemd', start: () => systemd.ready(), stop: () => systemd.stopping() };

  let app: App;
  try {
    app = await startApp(settingsOf(config, stations.open ? undefined : stations.token), {
      store,
      catalog,
      media,
      video,
      sound,
      cues: { cues, store: store.cueStore() },
      probes: { media: new HeaderMediaProbe(media), targets: new SocketTargetProbe({ hostRoot: config.HOST_ROOT }) },
      adminAuth,
      machine: osMachineIdentity,
      ...(tls ? { tls } : {}),
      clock: systemClock,
      logger,
      health: new PiHealth(config.HOST_ROOT, config.DATA_DIR),
      ...(display ? { display } : {}),
      button: await openButtonHardware(
        {
          driver: config.RESET_BUTTON_DRIVER,
          device: config.RESET_BUTTON_DEVICE,
          pin: config.RESET_BUTTON_PIN,
          hostRoot: config.HOST_ROOT,
          keyCode: config.RESET_BUTTON_KEYCODE,
          ledPin: config.RESET_LED_PIN,
        },
        logger.child({ component: 'button' }),
      ),
      readiness,
    });
  } catch (error) {
    store.close();
    throw error;
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    // Each component's stop is bounded; this is the last resort if the process still hangs.
    setTimeout(() => process.exit(1), 15_000).unref();
    void app.stop().finally(() => {
      store.close();
      logger.info('stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function settingsOf(config: Config, stationToken: string | undefined): AppSettings {
  return {
    host: config.HOST,
    port: config.PORT,
    ...(config.HTTPS_PORT === 'none' ? {} : { httpsPort: config.HTTPS_PORT }),
    maxStations: config.MAX_GM_STATIONS,
    ...(config.MAX_CONNECTIONS === undefined ? {} : { maxConnections: config.MAX_CONNECTIONS }),
    stationToken,
    videoBusyPolicy: config.VIDEO_BUSY_POLICY,
    ...(config.GAME_MINUTES === undefined ? {} : { gameMinutes: config.GAME_MINUTES }),
    idleText: (session, ports) => {
      if (config.IDLE_TEXT === 'none') return undefined;
      const url = ports.https === undefined ? stationUrl(config.HOST, ports.http) : stationUrl(config.HOST, ports.https, 'https');
      return fillIdleText(config.IDLE_TEXT, { url, ssid: config.WIFI_SSID ?? '', session: session?.name ?? 'no session' });
    },
    webDir: join(baseDir, 'dist/web'),
    allowedHosts: allowedHostsOf(config),
    timing: { identifyTimeoutMs: config.IDENTIFY_TIMEOUT_MS, resetHoldMs: config.RESET_HOLD_MS, playerScanStaleMs: config.PLAYER_SCAN_STALE_S * 1000 },
    limits: {
      maxTeams: config.MAX_TEAMS,
      maxPlayerDevices: config.MAX_PLAYER_DEVICES,
      maxVideoQueue: config.MAX_VIDEO_QUEUE,
      maxDisplays: config.MAX_DISPLAYS,
      ...(config.MAX_CONNECTIONS_PER_ADDRESS === undefined ? {} : { maxConnectionsPerAddress: config.MAX_CONNECTIONS_PER_ADDRESS }),
    },
  };
}

function allowedHostsOf(config: Config): string[] {
  return (config.ALLOWED_HOSTS ?? '').split(',').map((host) => host.trim()).filter((host) => host !== '');
}

/**
 * Sound effects: a second, audio-only mpv with its own socket and pid file, restarted like the
 * TV's. On a Pi driving the TV it plays to the same HDMI port as the clips (SOUND_MPV_ARGS,
 * last, may name another device: a sound server's, say).
 */
function soundOf(config: Config, media: MediaFolder, audio: AudioOutput, logger: Logger): SoundPlayer {
  if (config.SOUND_PLAYER === 'none') return new NoSoundPlayer();
  const mpv = new MpvProcess({
    binary: config.MPV_BINARY,
    socketPath: join(config.DATA_DIR, 'sound.sock'),
    pidFile: join(config.DATA_DIR, 'sound.pid'),
    baseArgs: soundArgs,
    extraArgs: [...audio.args, ...config.SOUND_MPV_ARGS.split(/\s+/).filter((arg) => arg !== '')],
    component: 'sound',
    logger,
    clock: systemClock,
  });
  return new MpvSoundPlayer({ process: mpv, media, logger, clock: systemClock });
}

/**
 * The TV: mpv when configured (no display when it is not installed), the HDMI connector's
 * watcher on a Pi, and where the sound goes (the same for the sound effects).
 */
function tvOf(config: Config, media: MediaFolder, logger: Logger): { video: VideoPlayer; display?: DisplayMonitor; audio: AudioOutput } {
  const log = logger.child({ component: 'video' });
  const audioOf = (hdmiDevice: string | undefined) => {
    const audio = chooseAudioOutput({ setting: config.AUDIO_OUTPUT, hdmiDevice, env: process.env });
    log.info({ output: audio.output, args: audio.args }, 'audio output');
    return audio;
  };
  if (config.VIDEO_PLAYER === 'none') {
    log.warn('VIDEO_PLAYER=none: no display is driven; video scans are logged and reported as errors to GMs');
    return { video: new NoDisplayPlayer(), audio: audioOf(undefined) };
  }
  const board = detectBoard(config.HOST_ROOT);
  const desktop = process.env.DISPLAY !== undefined || process.env.WAYLAND_DISPLAY !== undefined;
  const chosen = chooseVideoOutput({ setting: config.VIDEO_OUTPUT, board, desktop, hostRoot: config.HOST_ROOT });
  if (chosen.output === 'none') {
    log.warn({ board, reason: chosen.reason }, 'no display found: running without a TV (video scans are reported as errors to GMs); set VIDEO_OUTPUT=window or drm to start mpv anyway');
    return { video: new NoDisplayPlayer('no display was found when the orchestrator started (VIDEO_OUTPUT=auto)'), audio: audioOf(undefined) };
  }
  let idleMedia: string | undefined;
  if (config.IDLE_MEDIA !== 'none') {
    idleMedia = media.resolve(config.IDLE_MEDIA);
    if (!existsSync(idleMedia)) {
      log.warn({ idleMedia }, 'IDLE_MEDIA not found: the TV shows black between videos');
      idleMedia = undefined;
    }
  }
  const drm = chosen.output === 'drm';
  const connector = drm ? findHdmiConnector(config.HOST_ROOT) : undefined;
  const outputArgs = drm ? piDisplayArgs(config.HOST_ROOT, board, connector, config.DISPLAY_MODE) : [];
  const audio = audioOf(connector ? hdmiAudioDevice(connector) : undefined);
  const mpv = new MpvProcess({
    binary: config.MPV_BINARY,
    socketPath: config.MPV_SOCKET ?? join(config.DATA_DIR, 'mpv.sock'),
    pidFile: join(config.DATA_DIR, 'mpv.pid'),
    // MPV_ARGS come last so that they override the computed output arguments.
    extraArgs: [...outputArgs, ...audio.args, ...config.MPV_ARGS.split(/\s+/).filter((arg) => arg !== '')],
    logger,
    clock: systemClock,
  });
  log.info({ board, output: drm ? 'drm' : 'window', connector: connector?.connector, args: outputArgs }, 'video output');
  const wifi =
    config.IDLE_WIFI_QR !== 'off' && config.WIFI_SSID !== undefined && config.WIFI_PSK !== undefined
      ? { text: wifiJoinText(config.WIFI_SSID, config.WIFI_PSK), caption: `Wi-Fi: ${config.WIFI_SSID}` }
      : undefined;
  const video = new MpvOrNoDisplay(new MpvPlayer({ process: mpv, idleMedia, logger, clock: systemClock, ...(wifi ? { idleQr: wifi, idleQrWhen: config.IDLE_WIFI_QR === 'on' ? 'on' : 'setup' } : {}) }), log);
  if (!connector) return { video, audio };
  const watcher = new DisplayWatcher(connector.statusFile, () => mpv.reinitOutput(), systemClock);
  if (!watcher.isConnected) log.warn({ connector: connector.connector }, 'no TV detected yet: the picture starts when one is connected');
  return { video, display: watcher, audio };
}

main().catch((error: unknown) => {
  process.stderr.write(`orchestrator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

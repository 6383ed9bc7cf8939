import type {
  DisconnectReason,
  GameState,
  PlayerScan,
  Session,
  SessionStatus,
  SoundStatus,
  SyncFull,
  SystemStatus,
  Transaction,
  VideoStatus,
} from '../contract/index.js';
import { AppError, type DisplayState, type GameClock, type HealthSample, type ResetSource, type SessionExport, type StatusResponse, type VideoControl, type VideoOverview } from '../contract/index.js';
export type { ResetSource } from '../contract/index.js';
import type { GameReset } from '../ports/game-reset.js';
import type { ShowNotifier } from '../ports/notifier.js';
import type { ShowOperations } from '../ports/show-operations.js';
import type { StationSessions } from '../ports/station-sessions.js';
import type { VideoPlayer } from '../ports/video-player.js';
import type { ApplianceStatus } from './appliance-status.js';
import { DeviceRegistry, type DeviceInfo } from './device-registry.js';
import type { ClockCorrection, Game, ScanOnDevice, Submission, SubmitOutcome } from './game.js';
import type { VideoQueue } from './video-queue.js';
import { UnknownTokenError } from './errors.js';


export interface ShowDeps {
  game: Game;
  /** The TV's and the system's status, beside the game. */
  appliance: ApplianceStatus;
  devices: DeviceRegistry;
  video: VideoPlayer;
  videoQueue: VideoQueue;
  notifier: ShowNotifier;
  /** Player scanners silent this long are reported disconnected (`timeout`). */
  playerTimeoutMs?: number;
  /**
   * Runs the group commit once the submissions that arrived together have been staged;
   * default setImmediate (after the socket reads of this event-loop turn).
   */
  deferCommit?: (commit: () => void) => void;
  /** Player scanners known at once (connected, or disconnected and not yet forgotten). */
  maxPlayerDevices?: number;
  /** First answers to player scans named by a scanId kept in memory (older ones are answered from the store). */
  rememberedScanAnswers?: number;
  /** What the room screens show between clips, for the state. */
  displayState?: () => DisplayState;
}

export const DEFAULT_MAX_PLAYER_DEVICES = 100;
export const DEFAULT_REMEMBERED_SCAN_ANSWERS = 1000;

/** A staged submission or player scan waiting for its group commit. */
interface WaitingForCommit {
  committed: () => void;
  failed: (error: unknown) => void;
}

/**
 * The show as its users drive it: GM transactions, player scans, sessions, devices and the
 * reset. It decides, then tells the notifier what to broadcast; it never talks to sockets.
 */
export class Show implements StationSessions, ShowOperations, GameReset {
  private readonly game: Game;
  private readonly devices: DeviceRegistry;
  private readonly notifier: ShowNotifier;
  private readonly playerTimeoutMs: number;
  private readonly currentState = () => this.state();
  private health: HealthSample | undefined;
  private readonly waiting: WaitingForCommit[] = [];
  private commitScheduled = false;
  /** The first answer to each recent scan a device named (deviceId, scanId), settled or still waiting for its commit. */
  private readonly scanAnswers = new Map<string, Promise<PlayerScan>>();

  constructor(private readonly deps: ShowDeps) {
    this.game = deps.game;
    this.devices = deps.devices;
    this.notifier = deps.notifier;
    this.playerTimeoutMs = deps.playerTimeoutMs ?? 30_000;
    this.deps.appliance.update(this.tvReadiness());
    deps.video.onStatus((status) => this.videoStatusChanged(status));
  }

  /** Resumes or starts the session, then whatever the video queue left unfinished. */
  start(): Session {
    const session = this.game.start();
    this.deps.videoQueue.restore();
    return session;
  }

  get session(): Session | undefined {
    return this.game.session;
  }

  /** The game's state with the clip on the TV, which the video queue knows. */
  state(): GameState {
    const currentVideo = this.deps.videoQueue.currentVideo();
    const game = this.game.state();
    const appliance = this.deps.appliance;
    const state: GameState = {
      ...game,
      ...(this.deps.displayState ? { display: this.deps.displayState() } : {}),
      // ISO timestamps of one format: the later one is the greater string.
      lastUpdate: game.lastUpdate > appliance.lastUpdate ? game.lastUpdate : appliance.lastUpdate,
      video: appliance.video,
      systemStatus: appliance.system,
    };
    return currentVideo ? { ...state, currentVideo } : state;
  }

  tokens() {
    return this.game.catalog.list();
  }

  /**
   * A GM's transaction. It is judged at once (so the next submission sees it) and answered
   * once durable: the submissions that arrive in one event-loop turn share one commit, then
   * are broadcast, then answered. A failed commit rejects every one of them.
   */
  submitTransaction(input: Submission): Promise<SubmitOutcome> {
    const outcome = this.game.stage(input);
    return this.afterCommit().then(() => outcome);
  }

  /** Resolves once what was staged so far is durable (the next group commit). */
  private afterCommit(): Promise<void> {
    return new Promise((committed, failed) => {
      this.waiting.push({ committed, failed });
      if (this.commitScheduled) return;
      this.commitScheduled = true;
      (this.deps.deferCommit ?? setImmediate)(() => this.commitSubmissions());
    });
  }

  /** The group commit of the waiting submissions and scans; other changes to the game run it first. */
  commitSubmissions(): void {
    this.commitScheduled = false;
    const waiting = this.waiting.splice(0);
    if (waiting.length === 0) return;
    let committed: Transaction[];
    try {
      committed = this.game.commitStaged();
    } catch (error) {
      for (const entry of waiting) entry.failed(error);
      // Stations may have seen the staged transactions in a state read meanwhile.
      this.notifier.stateChanged(this.currentState);
      return;
    }
    for (const transaction of committed) this.notifier.transactionRecorded(transaction);
    if (committed.length > 0) this.notifier.stateChanged(this.currentState);
    for (const entry of waiting) entry.committed();
  }

  sessions(): Session[] {
    return this.game.sessions();
  }

  sessionRecord(sessionId: string): SessionExport {
    return this.game.sessionRecord(sessionId);
  }

  syncPayload(): SyncFull {
    return {
      session: this.game.session ?? null,
      state: this.state(),
      devices: this.devices.list(),
      transactions: this.game.recentTransactions(),
    };
  }

  newSession(name?: string): Session {
    this.commitSubmissions();
    const previous = this.game.session?.id;
    const session = this.game.startSession(name);
    this.notifier.sessionChanged(this.syncPayload(), previous, 'started');
    this.notifier.stateChanged(this.currentState);
    return session;
  }

  setSessionStatus(status: SessionStatus): Session {
    this.commitSubmissions();
    const previous = this.game.session?.id;
    const session = this.game.setSessionStatus(status);
    this.notifier.sessionChanged(this.syncPayload(), previous, 'status');
    this.notifier.stateChanged(this.currentState);
    return session;
  }

  /** Staff correct the game clock (its planned length, its elapsed time). */
  correctClock(correction: ClockCorrection, by: string): GameClock {
    this.commitSubmissions();
    const clock = this.game.correctClock(correction, by);
    this.notifier.stateChanged(this.currentState);
    return clock;
  }

  /** Ends the game and starts a fresh one: the one reset the admin route and the button share. */
  reset(source: ResetSource): Session {
    this.commitSubmissions();
    const previous = this.game.session?.id;
    this.deps.videoQueue.stop();
    const session = this.game.startSession();
    this.deps.appliance.update({ lastReset: { source, at: session.startTime } });
    this.notifier.sessionChanged(this.syncPayload(), previous, 'reset');
    this.notifier.stateChanged(this.currentState);
    return session;
  }

  /**
   * A player scanner's scan: logged (in the next group commit, like transactions), then a
   * video token's clip is played (each scan plays it again), unless the scan is stale. While
   * another clip plays the busy policy may refuse it with VIDEO_BUSY; the scan stays logged.
   *
   * A scan the device names with a scanId is recorded once. A repeat gets the first answer, the
   * same promise (VIDEO_BUSY included), even while the first still waits for its commit; once
   * that answer is forgotten (a restart, or rememberedScanAnswers later scans) the stored scan
   * answers it, and no clip is asked for again. A first attempt that recorded nothing (an
   * unknown token, a failed commit) is forgotten at once, so its repeat is tried afresh.
   */
  async playerScan(tokenId: string, deviceId: string, ipAddress?: string, onDevice: ScanOnDevice = {}): Promise<PlayerScan> {
    this.playerSeen(deviceId, ipAddress);
    const key = onDevice.scanId === undefined ? undefined : JSON.stringify([deviceId, onDevice.scanId]);
    const first = key === undefined ? undefined : this.scanAnswers.get(key);
    if (first) return first;
    let recorded = false;
    const answer = (async () => {
      const { scan, fresh } = this.game.stagePlayerScan(tokenId, deviceId, onDevice);
      await this.afterCommit();
      recorded = true;
      // A stale scan (replayed after a Wi-Fi gap) or a repeat starts no clip and fires no cue.
      if (fresh) this.notifier.playerScanned?.(scan);
      const video = this.game.catalog.get(scan.tokenId)?.video;
      if (fresh && scan.video && video !== undefined) this.deps.videoQueue.requestFromScan(scan.tokenId, video, `player:${deviceId}`);
      return scan;
    })();
    if (key !== undefined) this.rememberAnswer(key, answer, () => recorded);
    return answer;
  }

  private rememberAnswer(key: string, answer: Promise<PlayerScan>, recorded: () => boolean): void {
    this.scanAnswers.set(key, answer);
    const max = this.deps.rememberedScanAnswers ?? DEFAULT_REMEMBERED_SCAN_ANSWERS;
    for (const oldest of this.scanAnswers.keys()) {
      if (this.scanAnswers.size <= max) break;
      this.scanAnswers.delete(oldest);
    }
    answer.catch(() => {
      if (!recorded() && this.scanAnswers.get(key) === answer) this.scanAnswers.delete(key);
    });
  }

  /** An admin's video command. */
  controlVideo(command: VideoControl): VideoOverview {
    const queue = this.deps.videoQueue;
    switch (command.action) {
      case 'play': {
        const token = this.game.catalog.get(command.tokenId);
        if (!token) throw new UnknownTokenError(command.tokenId);
        if (token.video === undefined) {
          throw new AppError('INVALID_DATA', `token ${token.id} has no video`, { details: [{ field: 'tokenId', message: 'has no video' }] });
        }
        queue.enqueue(token.id, token.video, 'admin');
        break;
      }
      case 'pause':
        queue.pause();
        break;
      case 'resume':
        queue.resume();
        break;
      case 'stop':
        queue.stop();
        break;
      case 'skip':
        queue.skip();
        break;
    }
    this.notifier.stateChanged(this.currentState);
    return queue.overview();
  }

  videoOverview(): VideoOverview {
    return this.deps.videoQueue.overview();
  }

  playerHeartbeat(deviceId: string, ipAddress?: string): void {
    this.playerSeen(deviceId, ipAddress);
  }

  /** A GM station identified; returns true when it was not already connected. */
  stationConnected(stationId: string, info: Omit<DeviceInfo, 'type'>): boolean {
    const fresh = this.devices.connect(stationId, { ...info, type: 'gm' });
    if (fresh) this.notifier.deviceConnected({ deviceId: stationId, type: 'gm', ...definedInfo(info) });
    return fresh;
  }

  stationHeartbeat(stationId: string): void {
    this.devices.heartbeat('gm', stationId);
  }

  stationDisconnected(stationId: string, reason: DisconnectReason): void {
    if (this.devices.disconnect('gm', stationId)) this.notifier.deviceDisconnected(stationId, reason, 'gm');
  }

  connectedStations(): number {
    return this.devices.connectedCount('gm');
  }

  /** Reports player scanners that went silent; called on an interval by the composition root. */
  expireSilentPlayers(): void {
    for (const deviceId of this.devices.silentSince('player', this.playerTimeoutMs)) {
      this.devices.disconnect('player', deviceId);
      this.notifier.deviceDisconnected(deviceId, 'timeout', 'player');
    }
  }

  /** A fresh health sample: kept for GET /api/status; an under-voltage warning goes to every station. */
  healthSampled(sample: HealthSample): void {
    this.health = sample;
    const throttling = sample.throttling;
    const underVoltage = throttling ? throttling.underVoltageNow || throttling.underVoltageSinceBoot : undefined;
    if (underVoltage !== this.deps.appliance.system.underVoltage) {
      this.deps.appliance.update(underVoltage === undefined ? {} : { underVoltage });
      this.notifier.stateChanged(this.currentState);
    }
  }

  status(): StatusResponse {
    return { system: this.state().systemStatus, health: this.health ?? null };
  }

  /** The reset button's health changed (a stuck line, a lost device). */
  resetButtonStatus(status: 'ok' | 'fault' | 'unavailable'): void {
    this.deps.appliance.update({ resetButton: status });
    this.notifier.stateChanged(this.currentState);
  }

  /** The sound-effects player's status changed (ready, a sound started or ended, an error). */
  soundStatus(status: SoundStatus): void {
    this.deps.appliance.update({ sound: status });
    this.notifier.stateChanged(this.currentState);
  }

  /** A TV was plugged into or unplugged from the HDMI port (or switched on or off). */
  displayConnection(connected: boolean): void {
    if (this.deps.appliance.system.displayConnected === connected) return;
    this.deps.appliance.update({ displayConnected: connected });
    this.deps.appliance.update(this.tvReadiness());
    this.notifier.stateChanged(this.currentState);
  }

  /**
   * A player scanner's sign of life. Player ids live apart from GM stations' (an id a station
   * uses is refused, so a player cannot relist a station), and at most maxPlayerDevices are
   * known at once, so no flood of invented ids can grow the device list.
   */
  private playerSeen(deviceId: string, ipAddress: string | undefined): void {
    if (this.devices.knows('gm', deviceId)) {
      throw new AppError('INVALID_DATA', `${deviceId} is a GM station's id: a player scanner needs its own`, {
        details: [{ field: 'deviceId', message: 'used by a GM station' }],
      });
    }
    const max = this.deps.maxPlayerDevices ?? DEFAULT_MAX_PLAYER_DEVICES;
    if (!this.devices.knows('player', deviceId) && this.devices.count('player') >= max) {
      throw new AppError('DEVICE_LIMIT', `at most ${max} player scanners may be connected`);
    }
    if (this.devices.connect(deviceId, { type: 'player', ipAddress })) {
      this.notifier.deviceConnected({ deviceId, type: 'player', ...definedInfo({ ipAddress }) });
    }
  }

  /**
   * What the TV can do now: show a clip only while mpv drives a display and the HDMI TV, where
   * its connector is watched, is connected; sound once the player knows.
   */
  private tvReadiness(): Pick<SystemStatus, 'videoDisplayReady' | 'audioReady'> {
    const { displayReady, audioReady } = this.deps.video;
    return {
      videoDisplayReady: displayReady && this.deps.appliance.system.displayConnected !== false,
      ...(audioReady === undefined ? {} : { audioReady }),
    };
  }

  /**
   * The TV's status goes out first; only then may the queue react (starting the next clip
   * emits its `loading`), so stations see the statuses in the order they happened.
   */
  private videoStatusChanged(status: VideoStatus): void {
    this.deps.appliance.setVideo(status);
    this.deps.appliance.update(this.tvReadiness());
    this.notifier.videoStatus(status);
    this.deps.videoQueue.statusChanged(status);
    this.notifier.stateChanged(this.currentState);
  }
}

function definedInfo(info: { name?: string | undefined; ipAddress?: string | undefined }) {
  return {
    ...(info.name === undefined ? {} : { name: info.name }),
    ...(info.ipAddress === undefined ? {} : { ipAddress: info.ipAddress }),
  };
}

import type {
  DeviceConnection,
  DisconnectReason,
  GameState,
  PlayerScan,
  Session,
  SessionStatus,
  SyncFull,
  Transaction,
  TransactionSubmit,
  VideoStatus,
} from '../contract/index.js';
import type { ShowNotifier } from '../ports/notifier.js';
import type { VideoPlayer } from '../ports/video-player.js';
import { DeviceRegistry, type DeviceInfo } from './device-registry.js';
import type { Game, SessionArchive, SubmitOutcome } from './game.js';

export type ResetSource = 'admin' | 'button';

export interface ShowDeps {
  game: Game;
  devices: DeviceRegistry;
  video: VideoPlayer;
  notifier: ShowNotifier;
  /** Player scanners silent this long are reported disconnected (`timeout`). */
  playerTimeoutMs?: number;
}

/**
 * The show as its users drive it: GM transactions, player scans, sessions, devices and the
 * reset. It decides, then tells the notifier what to broadcast; it never talks to sockets.
 */
export class Show {
  private readonly game: Game;
  private readonly devices: DeviceRegistry;
  private readonly notifier: ShowNotifier;
  private readonly playerTimeoutMs: number;
  private readonly currentState = () => this.game.state();

  constructor(private readonly deps: ShowDeps) {
    this.game = deps.game;
    this.devices = deps.devices;
    this.notifier = deps.notifier;
    this.playerTimeoutMs = deps.playerTimeoutMs ?? 30_000;
    this.game.setSystemStatus({ videoDisplayReady: deps.video.displayReady });
    deps.video.onStatus((status) => this.videoStatusChanged(status));
  }

  start(): Session {
    return this.game.start();
  }

  get session(): Session | undefined {
    return this.game.session;
  }

  state(): GameState {
    return this.game.state();
  }

  tokens() {
    return this.game.catalog.list();
  }

  submitTransaction(input: TransactionSubmit): SubmitOutcome {
    const outcome = this.game.submit(input);
    if (outcome.fresh) {
      this.notifier.transactionRecorded(outcome.transaction);
      this.notifier.stateChanged(this.currentState);
    }
    return outcome;
  }

  sessions(): Session[] {
    return this.game.sessions();
  }

  sessionRecord(sessionId: string): SessionArchive {
    return this.game.sessionRecord(sessionId);
  }

  recentTransactions(limit?: number): Transaction[] {
    return this.game.recentTransactions(limit);
  }

  syncPayload(): SyncFull {
    return {
      session: this.game.session ?? null,
      state: this.game.state(),
      devices: this.devices.list(),
      transactions: this.game.recentTransactions(100),
    };
  }

  newSession(name?: string): Session {
    const previous = this.game.session?.id;
    const session = this.game.startSession(name);
    this.notifier.sessionChanged(this.syncPayload(), previous, 'started');
    this.notifier.stateChanged(this.currentState);
    return session;
  }

  setSessionStatus(status: SessionStatus): Session {
    const previous = this.game.session?.id;
    const session = this.game.setSessionStatus(status);
    this.notifier.sessionChanged(this.syncPayload(), previous, 'status');
    this.notifier.stateChanged(this.currentState);
    return session;
  }

  /** Ends the game and starts a fresh one: the one reset the admin route and the button share. */
  reset(_source: ResetSource): Session {
    const previous = this.game.session?.id;
    this.deps.video.clear();
    const session = this.game.startSession();
    this.notifier.sessionChanged(this.syncPayload(), previous, 'reset');
    this.notifier.stateChanged(this.currentState);
    return session;
  }

  playerScan(tokenId: string, deviceId: string, ipAddress?: string): PlayerScan {
    this.deviceSeen(deviceId, { type: 'player', ipAddress });
    return this.game.recordPlayerScan(tokenId, deviceId);
  }

  playerHeartbeat(deviceId: string, ipAddress?: string): void {
    this.deviceSeen(deviceId, { type: 'player', ipAddress });
  }

  /** A GM station identified; returns true when it was not already connected. */
  stationConnected(stationId: string, info: Omit<DeviceInfo, 'type'>): boolean {
    const fresh = this.devices.connect(stationId, { ...info, type: 'gm' });
    if (fresh) this.notifier.deviceConnected({ deviceId: stationId, type: 'gm', ...definedInfo(info) });
    return fresh;
  }

  stationHeartbeat(stationId: string): void {
    this.devices.heartbeat(stationId);
  }

  stationDisconnected(stationId: string, reason: DisconnectReason): void {
    if (this.devices.disconnect(stationId)) this.notifier.deviceDisconnected(stationId, reason);
  }

  connectedStations(): number {
    return this.devices.connectedCount('gm');
  }

  deviceList(): DeviceConnection[] {
    return this.devices.list();
  }

  /** Reports player scanners that went silent; called on an interval by the composition root. */
  expireSilentPlayers(): void {
    for (const deviceId of this.devices.silentSince('player', this.playerTimeoutMs)) {
      this.devices.disconnect(deviceId);
      this.notifier.deviceDisconnected(deviceId, 'timeout');
    }
  }

  private deviceSeen(deviceId: string, info: DeviceInfo): void {
    if (this.devices.connect(deviceId, info)) {
      this.notifier.deviceConnected({ deviceId, type: info.type, ...definedInfo(info) });
    }
  }

  private videoStatusChanged(status: VideoStatus): void {
    this.game.setVideoStatus(status);
    this.notifier.videoStatus(status);
    this.notifier.stateChanged(this.currentState);
  }
}

function definedInfo(info: { name?: string | undefined; ipAddress?: string | undefined }) {
  return {
    ...(info.name === undefined ? {} : { name: info.name }),
    ...(info.ipAddress === undefined ? {} : { ipAddress: info.ipAddress }),
  };
}

import type {
  GameClock,
  GameState,
  PlayerScan,
  ResetSource,
  Session,
  SessionExport,
  SessionStatus,
  ShowToken,
  StatusResponse,
  VideoControl,
  VideoOverview,
} from '../contract/index.js';
import type { ScanOnDevice } from '../domain/game.js';

/** What the HTTP API routes to the show: the admin's operations and the player scanners'. */
export interface ShowOperations {
  readonly session: Session | undefined;
  state(): GameState;
  tokens(): ShowToken[];
  newSession(name?: string): Session;
  setSessionStatus(status: SessionStatus): Session;
  sessions(): Session[];
  sessionRecord(sessionId: string): SessionExport;
  /**
   * Answered once durable; a video token's clip is then asked for, unless the scan is stale. A
   * repeated (deviceId, scanId) gets the first answer and records nothing.
   */
  playerScan(tokenId: string, deviceId: string, ipAddress?: string, onDevice?: ScanOnDevice): Promise<PlayerScan>;
  playerHeartbeat(deviceId: string, ipAddress?: string): void;
  status(): StatusResponse;
  videoOverview(): VideoOverview;
  controlVideo(command: VideoControl): VideoOverview;
  reset(source: ResetSource): Session;
  correctClock(correction: { plannedMinutes?: number | null | undefined; adjustSeconds?: number | undefined }, by: string): GameClock;
}

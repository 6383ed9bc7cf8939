import type {
  DisconnectReason,
  GameState,
  Session,
  SyncFull,
  Transaction,
  TransactionSubmit,
  VideoControl,
  VideoOverview,
} from '../contract/index.js';

/** What the GM stations' gateway asks of the show. */
export interface StationSessions {
  readonly session: Session | undefined;
  state(): GameState;
  syncPayload(): SyncFull;
  /** Answered once durable; the scanner is the identified station. */
  submitTransaction(input: TransactionSubmit & { scannerId: string }): Promise<{ transaction: Transaction }>;
  stationConnected(stationId: string, info: { name?: string | undefined; ipAddress?: string | undefined }): boolean;
  stationDisconnected(stationId: string, reason: DisconnectReason): void;
  stationHeartbeat(stationId: string): void;
  connectedStations(): number;
  /** Admin connections only. */
  controlVideo(command: VideoControl): VideoOverview;
}

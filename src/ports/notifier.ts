import type { DeviceConnected, DeviceType, DisconnectReason, GameState, PlayerScan, SyncFull, Transaction, VideoStatus } from '../contract/index.js';

export type SessionChange = 'started' | 'status' | 'reset';

/** What the game tells the outside world; the Socket.IO transport implements it. */
export interface ShowNotifier {
  transactionRecorded(transaction: Transaction): void;
  /** A transaction changed after it was recorded (voided). */
  transactionUpdated(transaction: Transaction): void;
  /** The state changed; `current` gives the latest state whenever the notifier sends it. */
  stateChanged(current: () => GameState): void;
  /** The session started, changed status or was reset; `sync` is the full state after it. */
  sessionChanged(sync: SyncFull, previousSessionId: string | undefined, change: SessionChange): void;
  deviceConnected(device: DeviceConnected): void;
  deviceDisconnected(deviceId: string, reason: DisconnectReason, type: DeviceType): void;
  videoStatus(status: VideoStatus): void;
  /** A player scan was recorded (durable); only the cue engine listens. */
  playerScanned?(scan: PlayerScan): void;
}

import type { DeviceConnected, DeviceType, DisconnectReason, GameState, PlayerScan, SyncFull, Transaction, VideoStatus } from '../contract/index.js';
import type { SessionChange, ShowNotifier } from '../ports/notifier.js';

/** Tells every listener of the show the same things, in order: the stations' broadcaster, the room screens. */
export class ShowNotifiers implements ShowNotifier {
  constructor(private readonly listeners: readonly ShowNotifier[]) {}

  transactionRecorded(transaction: Transaction): void {
    for (const listener of this.listeners) listener.transactionRecorded(transaction);
  }

  transactionUpdated(transaction: Transaction): void {
    for (const listener of this.listeners) listener.transactionUpdated(transaction);
  }

  stateChanged(current: () => GameState): void {
    for (const listener of this.listeners) listener.stateChanged(current);
  }

  sessionChanged(sync: SyncFull, previousSessionId: string | undefined, change: SessionChange): void {
    for (const listener of this.listeners) listener.sessionChanged(sync, previousSessionId, change);
  }

  deviceConnected(device: DeviceConnected): void {
    for (const listener of this.listeners) listener.deviceConnected(device);
  }

  deviceDisconnected(deviceId: string, reason: DisconnectReason, type: DeviceType): void {
    for (const listener of this.listeners) listener.deviceDisconnected(deviceId, reason, type);
  }

  videoStatus(status: VideoStatus): void {
    for (const listener of this.listeners) listener.videoStatus(status);
  }

  playerScanned(scan: PlayerScan): void {
    for (const listener of this.listeners) listener.playerScanned?.(scan);
  }
}

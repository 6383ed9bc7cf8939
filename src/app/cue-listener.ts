import type { DeviceConnected, DeviceType, DisconnectReason, PlayerScan, SessionStatus, SyncFull, Transaction, VideoStatus } from '../contract/index.js';
import type { CueEvent } from '../domain/cue-engine.js';
import type { SessionChange, ShowNotifier } from '../ports/notifier.js';

/**
 * Listens to the show like the stations do and tells the cue engine of the game events cues
 * fire on: transactions, group completions, player scans, clips starting and ending, the
 * session starting, pausing and resuming, and every state change (the clock).
 */
export class CueListener implements ShowNotifier {
  private sessionStatus: SessionStatus | undefined;
  private video: VideoStatus['status'] = 'idle';

  constructor(private readonly cues: { event(event: CueEvent): void; clockChanged(): void }) {}

  transactionRecorded(transaction: Transaction): void {
    if (transaction.status !== 'accepted') return;
    const { teamId, tokenId } = transaction;
    this.cues.event({ trigger: 'transaction:accepted', teamId, tokenId });
    if (transaction.groupCompleted) this.cues.event({ trigger: 'group:completed', teamId, tokenId, group: transaction.groupCompleted.group });
  }

  transactionUpdated(): void {}

  stateChanged(): void {
    this.cues.clockChanged();
  }

  sessionChanged(sync: SyncFull, _previousSessionId: string | undefined, change: SessionChange): void {
    const status = sync.session?.status;
    const before = this.sessionStatus;
    this.sessionStatus = status;
    this.cues.clockChanged();
    if (change !== 'status') {
      this.cues.event({ trigger: 'session:started' });
    } else if (status === 'paused' && before !== 'paused') {
      this.cues.event({ trigger: 'session:paused' });
    } else if (status === 'active' && before === 'paused') {
      this.cues.event({ trigger: 'session:resumed' });
    }
  }

  /** The session's status as the show started with, so the first resume is told. */
  knowSession(status: SessionStatus | undefined): void {
    this.sessionStatus = status;
  }

  playerScanned(scan: PlayerScan): void {
    this.cues.event({ trigger: 'player:scan', tokenId: scan.tokenId });
  }

  deviceConnected(_device: DeviceConnected): void {}

  deviceDisconnected(_deviceId: string, _reason: DisconnectReason, _type: DeviceType): void {}

  videoStatus(status: VideoStatus): void {
    const before = this.video;
    this.video = status.status;
    const tokenId = status.tokenId === undefined ? {} : { tokenId: status.tokenId };
    // Progress reports repeat `playing`; a resume from pause is no new start.
    if (status.status === 'playing' && before !== 'playing' && before !== 'paused') this.cues.event({ trigger: 'video:started', ...tokenId });
    if (status.status === 'completed' && before !== 'completed') this.cues.event({ trigger: 'video:completed', ...tokenId });
  }
}

import type { SystemStatus, VideoStatus } from '../contract/index.js';
import type { Clock } from '../ports/clock.js';

/**
 * What the stations know of the appliance beside the game: the TV's latest status and the
 * system's (display, button, power, last reset), with when either last changed.
 */
export class ApplianceStatus {
  private currentVideo: VideoStatus = { status: 'idle' };
  private currentSystem: SystemStatus = { orchestratorOnline: true, videoDisplayReady: false, resetButton: 'unavailable' };
  private changedAt: string;

  constructor(private readonly clock: Pick<Clock, 'now'>) {
    this.changedAt = this.nowIso();
  }

  get video(): VideoStatus {
    return this.currentVideo;
  }

  get system(): SystemStatus {
    return this.currentSystem;
  }

  get lastUpdate(): string {
    return this.changedAt;
  }

  setVideo(status: VideoStatus): void {
    this.currentVideo = status;
    this.changedAt = this.nowIso();
  }

  update(status: Partial<SystemStatus>): void {
    this.currentSystem = { ...this.currentSystem, ...status };
    this.changedAt = this.nowIso();
  }

  private nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }
}

import { readFileSync } from 'node:fs';

/**
 * Watches a DRM connector's sysfs status and calls `onConnected` when a display appears
 * (a TV switched on after the Pi). sysfs status files cannot be watched with inotify, so
 * they are read on a fixed interval; reading one small file every 2 s costs nothing.
 */
export class DisplayWatcher {
  private timer: NodeJS.Timeout | undefined;
  private connected: boolean;

  constructor(
    private readonly statusFile: string,
    private readonly onConnected: () => void,
    private readonly intervalMs = 2000,
  ) {
    this.connected = this.read();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  start(): void {
    this.timer ??= setInterval(() => this.check(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads the status once; public so the interval's work can be driven by a test. */
  check(): void {
    const now = this.read();
    const appeared = now && !this.connected;
    this.connected = now;
    if (appeared) this.onConnected();
  }

  private read(): boolean {
    try {
      return readFileSync(this.statusFile, 'utf8').trim() === 'connected';
    } catch {
      return false;
    }
  }
}

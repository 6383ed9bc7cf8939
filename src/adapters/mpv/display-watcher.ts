import { readFileSync } from 'node:fs';
import type { Cancel, Clock } from '../../ports/clock.js';

/**
 * Watches a DRM connector's sysfs status and calls `onConnected` when a display appears
 * (a TV switched on after the Pi). sysfs status files cannot be watched with inotify, so
 * they are read on a fixed interval; reading one small file every 2 s costs nothing.
 */
export class DisplayWatcher {
  readonly name = 'display watcher';
  private stopWatching: Cancel | undefined;
  private connected: boolean;
  private readonly listeners: ((connected: boolean) => void)[] = [];

  constructor(
    private readonly statusFile: string,
    private readonly onConnected: () => void,
    private readonly clock: Clock,
    private readonly intervalMs = 2000,
  ) {
    this.connected = this.read();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Called on every change, connected or disconnected. */
  onChange(listener: (connected: boolean) => void): void {
    this.listeners.push(listener);
  }

  start(): void {
    this.stopWatching ??= this.clock.every(this.intervalMs, () => this.check());
  }

  stop(): void {
    this.stopWatching?.();
    this.stopWatching = undefined;
    this.listeners.length = 0;
  }

  /** Reads the status once; public so the interval's work can be driven by a test. */
  check(): void {
    const now = this.read();
    if (now === this.connected) return;
    this.connected = now;
    if (now) this.onConnected();
    for (const listener of this.listeners) listener(now);
  }

  private read(): boolean {
    try {
      return readFileSync(this.statusFile, 'utf8').trim() === 'connected';
    } catch {
      return false;
    }
  }
}

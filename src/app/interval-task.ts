import type { Cancel, Clock } from '../ports/clock.js';
import type { Component } from './lifecycle.js';

/** Runs `task` every `intervalMs` while started (the presence sweep: silent players, expired replay queues). */
export class IntervalTask implements Component {
  private stopRunning: Cancel | undefined;

  constructor(
    readonly name: string,
    private readonly task: () => void,
    private readonly clock: Clock,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.stopRunning ??= this.clock.every(this.intervalMs, this.task);
  }

  stop(): void {
    this.stopRunning?.();
    this.stopRunning = undefined;
  }
}

import type { Logger } from 'pino';
import type { HealthSample } from '../contract/index.js';
import type { Cancel, Clock } from '../ports/clock.js';
import type { HealthSource } from '../ports/health-source.js';
import type { Component } from './lifecycle.js';

/**
 * Samples the appliance's health on an interval (never per request) and hands each sample
 * on; a sample still running when the next is due is not doubled.
 */
export class HealthSampler implements Component {
  readonly name = 'health';
  private stopSampling: Cancel | undefined;
  private sampling = false;

  constructor(
    private readonly source: HealthSource,
    private readonly sampled: (sample: HealthSample) => void,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.sample();
    this.stopSampling ??= this.clock.every(this.intervalMs, () => this.sample());
  }

  stop(): void {
    this.stopSampling?.();
    this.stopSampling = undefined;
  }

  private sample(): void {
    if (this.sampling) return;
    this.sampling = true;
    this.source
      .sample()
      .then((sample) => {
        if (this.stopSampling !== undefined) this.sampled(sample);
      })
      .catch((error: unknown) => this.log.warn({ err: error }, 'health sample failed'))
      .finally(() => {
        this.sampling = false;
      });
  }
}

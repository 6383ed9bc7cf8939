import type { TransactionSubmit } from '../../contract/index.js';


/**
 * Scans submitted while the orchestrator cannot be reached, kept in the browser so that a
 * reload or a dead battery does not lose them; flushed in order once connected. The server
 * answers a resubmission with the original transaction, so flushing after a lost ack is safe.
 */
export class OfflineQueue {
  private readonly key: string;

  /** One queue per station, so two tabs acting as different stations never send each other's scans. */
  constructor(stationId: string, private readonly storage: Storage = localStorage) {
    this.key = `gm.pendingScans.${stationId}`;
  }

  list(): TransactionSubmit[] {
    try {
      const parsed: unknown = JSON.parse(this.storage.getItem(this.key) ?? '[]');
      return Array.isArray(parsed) ? (parsed as TransactionSubmit[]) : [];
    } catch {
      return [];
    }
  }

  push(scan: TransactionSubmit): void {
    this.storage.setItem(this.key, JSON.stringify([...this.list(), scan]));
  }

  /** Removes the oldest scan once the server has acknowledged it. */
  shift(): void {
    this.storage.setItem(this.key, JSON.stringify(this.list().slice(1)));
  }

  get size(): number {
    return this.list().length;
  }
}

import type { TransactionSubmit } from '../../contract/index.js';
import { StoredList } from './stored-list.js';

/**
 * Scans submitted while the orchestrator cannot be reached, kept in the browser so that a
 * reload or a dead battery does not lose them; flushed in order once connected. The server
 * answers a resubmission with the original transaction, so flushing after a lost ack is safe.
 */
export class OfflineQueue {
  private readonly stored: StoredList<TransactionSubmit>;

  /** One queue per station, so two tabs acting as different stations never send each other's scans. */
  constructor(stationId: string, storage: Storage = localStorage) {
    this.stored = new StoredList(`gm.pendingScans.${stationId}`, storage);
  }

  list(): TransactionSubmit[] {
    return this.stored.read();
  }

  push(scan: TransactionSubmit): void {
    this.stored.write([...this.list(), scan]);
  }

  /** Removes the oldest scan once the server has acknowledged it. */
  shift(): void {
    this.stored.write(this.list().slice(1));
  }

  get size(): number {
    return this.list().length;
  }
}

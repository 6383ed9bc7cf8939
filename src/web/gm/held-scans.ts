import type { TransactionSubmit } from '../../contract/index.js';
import { StoredList } from './stored-list.js';

/** Why the orchestrator would not score a scan yet: its session is paused, or there is none. */
export type HoldReason = 'paused' | 'no-game';

export interface HeldScan {
  /** Local to this browser, so Discard removes exactly the entry it is next to. */
  id: string;
  scan: TransactionSubmit;
  reason: HoldReason;
}

/**
 * Scans the orchestrator refused only because no game was running, kept in the browser until
 * the GM sends them once the game runs, or discards them: nothing typed is silently dropped.
 * One list per station, as the offline queue.
 */
export class HeldScans {
  private readonly stored: StoredList<HeldScan>;

  constructor(stationId: string, storage: Storage = localStorage) {
    this.stored = new StoredList(`gm.heldScans.${stationId}`, storage);
  }

  list(): HeldScan[] {
    return this.stored.read();
  }

  hold(scan: TransactionSubmit, reason: HoldReason): void {
    const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    this.save([...this.list(), { id, scan, reason }]);
  }

  has(id: string): boolean {
    return this.list().some((held) => held.id === id);
  }

  /** Marks a scan refused again, keeping its place in the list. */
  stillHeld(id: string, reason: HoldReason): void {
    this.save(this.list().map((held) => (held.id === id ? { ...held, reason } : held)));
  }

  remove(id: string): void {
    this.save(this.list().filter((held) => held.id !== id));
  }

  private save(list: HeldScan[]): void {
    this.stored.write(list);
  }
}

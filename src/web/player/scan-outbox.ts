import type { PlayerScanBatchResponse, PlayerScanRequest } from '../../contract/index.js';

/** The contract's MAX_SCANS_PER_BATCH, copied: importing a value from the contract would bundle zod into the page. */
export const SCANS_PER_BATCH = 50;

/** A scanner offline for a whole show keeps at most this many scans; past it, it refuses more. */
export const MAX_WAITING_SCANS = 500;

/** The part of the browser's `localStorage` the outbox uses (and a test's stand-in). */
export interface PageStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const KEY = 'player.waitingScans';

/** What the orchestrator said to the scans sent after a Wi-Fi gap. */
export interface Replayed {
  sent: number;
  /** Recorded too late to start their clips. */
  stale: number;
  refused: number;
}

/**
 * Scans made while the orchestrator could not be reached, kept in the browser (a reload or a
 * flat battery does not lose them) with their own `scanId` and the time they were made, and
 * sent in batches once it answers again. The orchestrator answers a `scanId` it has seen with
 * its first answer, so sending again after a lost answer records nothing twice; a scan older
 * than PLAYER_SCAN_STALE_S is recorded without starting its clip.
 */
export class ScanOutbox {
  private sending: Promise<Replayed | undefined> | undefined;

  constructor(private readonly storage: PageStorage) {}

  get size(): number {
    return this.read().length;
  }

  /** False when the scanner already keeps MAX_WAITING_SCANS, or the browser refuses to store it. */
  keep(scan: PlayerScanRequest): boolean {
    const waiting = this.read();
    if (waiting.some((kept) => kept.scanId === scan.scanId)) return true;
    if (waiting.length >= MAX_WAITING_SCANS) return false;
    try {
      this.write([...waiting, scan]);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Sends every waiting scan, oldest first, a batch at a time, each batch dropped once
   * answered; stops at the first batch without an answer. One sending at a time: a second
   * call while one runs gets that one's outcome. Undefined when nothing was answered.
   */
  flush(send: (scans: PlayerScanRequest[]) => Promise<PlayerScanBatchResponse | undefined>): Promise<Replayed | undefined> {
    this.sending ??= this.sendAll(send).finally(() => {
      this.sending = undefined;
    });
    return this.sending;
  }

  private async sendAll(send: (scans: PlayerScanRequest[]) => Promise<PlayerScanBatchResponse | undefined>): Promise<Replayed | undefined> {
    const total: Replayed = { sent: 0, stale: 0, refused: 0 };
    for (;;) {
      const batch = this.read().slice(0, SCANS_PER_BATCH);
      if (batch.length === 0) break;
      const answer = await send(batch);
      if (!answer) break;
      for (const result of answer.results) {
        total.sent += 1;
        if (result.status === 'rejected') total.refused += 1;
        else if (result.stale === true) total.stale += 1;
      }
      const answered = new Set(batch.map((scan) => scan.scanId));
      try {
        this.write(this.read().filter((scan) => !answered.has(scan.scanId)));
      } catch {
        // Not forgotten: sent again later, answered the same by their scanIds.
        break;
      }
    }
    return total.sent === 0 ? undefined : total;
  }

  /** Read whole and written whole, so another tab's scans are never lost; unreadable as none. */
  private read(): PlayerScanRequest[] {
    try {
      const parsed: unknown = JSON.parse(this.storage.getItem(KEY) ?? '[]');
      return Array.isArray(parsed) ? (parsed as PlayerScanRequest[]) : [];
    } catch {
      return [];
    }
  }

  private write(scans: readonly PlayerScanRequest[]): void {
    this.storage.setItem(KEY, JSON.stringify(scans));
  }
}

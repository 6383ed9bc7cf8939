import { describe, expect, it } from 'vitest';
import { MAX_SCANS_PER_BATCH, type PlayerScanBatchResponse, type PlayerScanRequest } from '../../../src/contract/index.js';
import { MAX_WAITING_SCANS, SCANS_PER_BATCH, ScanOutbox, type PageStorage } from '../../../src/web/player/scan-outbox.js';

/** The browser's storage, as the page uses it. */
class MemoryStorage implements PageStorage {
  private readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

const scan = (n: number, tokenId = `tok${n}`): PlayerScanRequest => ({
  tokenId,
  deviceId: 'PLAYER_0123456789ab',
  scanId: `scan-${n}`,
  scannedAt: new Date(Date.UTC(2026, 10, 27, 20, 0, n)).toISOString(),
});

/** Answers every scan accepted, `stale` ones as stale, `refused` ones rejected; records each batch. */
function orchestrator(options: { stale?: string[]; refused?: string[]; down?: boolean } = {}) {
  const batches: PlayerScanRequest[][] = [];
  const send = (scans: PlayerScanRequest[]): Promise<PlayerScanBatchResponse | undefined> => {
    if (options.down) return Promise.resolve(undefined);
    batches.push(scans);
    return Promise.resolve({
      results: scans.map((s) =>
        options.refused?.includes(s.tokenId)
          ? { status: 'rejected' as const, code: 'INVALID_DATA' as const, message: 'unknown token', scanId: s.scanId! }
          : { status: 'accepted' as const, tokenId: s.tokenId, video: false, scanId: s.scanId!, ...(options.stale?.includes(s.tokenId) ? { stale: true as const } : {}) },
      ),
    });
  };
  return { batches, send };
}

describe('ScanOutbox', () => {
  it('keeps scans in the order they were made, each scanId once, in the browser storage', () => {
    const storage = new MemoryStorage();
    const outbox = new ScanOutbox(storage);
    expect(outbox.keep(scan(1))).toBe(true);
    expect(outbox.keep(scan(2))).toBe(true);
    expect(outbox.keep(scan(1))).toBe(true);
    expect(outbox.size).toBe(2);
    // Another page of the same browser (a reload) finds them.
    expect(new ScanOutbox(storage).size).toBe(2);
  });

  it('refuses more than MAX_WAITING_SCANS', () => {
    const outbox = new ScanOutbox(new MemoryStorage());
    for (let n = 0; n < MAX_WAITING_SCANS; n++) expect(outbox.keep(scan(n))).toBe(true);
    expect(outbox.keep(scan(MAX_WAITING_SCANS))).toBe(false);
    expect(outbox.size).toBe(MAX_WAITING_SCANS);
  });

  it("sends them oldest first in batches of the contract's size, and counts what the orchestrator said", async () => {
    expect(SCANS_PER_BATCH).toBe(MAX_SCANS_PER_BATCH);
    const outbox = new ScanOutbox(new MemoryStorage());
    for (let n = 0; n < 120; n++) outbox.keep(scan(n, n === 7 ? 'old' : n === 99 ? 'nope' : `tok${n}`));
    const server = orchestrator({ stale: ['old'], refused: ['nope'] });
    expect(await outbox.flush(server.send)).toEqual({ sent: 120, stale: 1, refused: 1 });
    expect(server.batches.map((batch) => batch.length)).toEqual([50, 50, 20]);
    expect(server.batches.flat().map((s) => s.scanId)).toEqual(Array.from({ length: 120 }, (_, n) => `scan-${n}`));
    expect(outbox.size).toBe(0);
    expect(await outbox.flush(server.send)).toBeUndefined();
    expect(server.batches).toHaveLength(3);
  });

  it('keeps every scan when the orchestrator does not answer, and sends one batch at a time however often asked', async () => {
    const outbox = new ScanOutbox(new MemoryStorage());
    outbox.keep(scan(1));
    outbox.keep(scan(2));
    expect(await outbox.flush(orchestrator({ down: true }).send)).toBeUndefined();
    expect(outbox.size).toBe(2);

    const server = orchestrator();
    const [first, second] = await Promise.all([outbox.flush(server.send), outbox.flush(server.send)]);
    expect(first).toEqual({ sent: 2, stale: 0, refused: 0 });
    expect(second).toBe(first);
    expect(server.batches).toHaveLength(1);
  });

  it('keeps a scan made while a batch is on its way for the next one', async () => {
    const outbox = new ScanOutbox(new MemoryStorage());
    outbox.keep(scan(1));
    const server = orchestrator();
    const sending = outbox.flush((scans) => {
      outbox.keep(scan(2));
      return server.send(scans);
    });
    expect(await sending).toEqual({ sent: 2, stale: 0, refused: 0 });
    expect(server.batches.map((batch) => batch.map((s) => s.scanId))).toEqual([['scan-1'], ['scan-2']]);
  });
});

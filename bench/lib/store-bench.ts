import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import type { Transaction } from '../../src/contract/index.js';

export interface StoreBenchResult {
  /** One commit (one WAL sync) per transaction: what the server does today. */
  oneByOne: { transactions: number; ms: number; commitsPerSecond: number };
  /** `appendTransactions` groups of `groupSize`: one sync per group. */
  grouped: { groupSize: number; transactions: number; ms: number; transactionsPerSecond: number; commitsPerSecond: number };
}

/**
 * Durable commits per second through the real SqliteStore (WAL, synchronous=FULL) on a file
 * in `dir`, bounded by count and time.
 */
export function benchStore(dir: string, options = { maxCount: 4000, maxMs: 2500, groupSize: 20 }): StoreBenchResult {
  const store = new SqliteStore(join(dir, 'store-bench.db'));
  try {
    const sessionId = randomUUID();
    store.switchSession(undefined, { id: sessionId, name: 'store bench', startTime: new Date().toISOString(), status: 'active' });
    let n = 0;
    const transaction = (): Transaction => {
      n += 1;
      return {
        id: randomUUID(),
        tokenId: `BENCH${String(n).padStart(6, '0')}`,
        teamId: `Team ${(n % 10) + 1}`,
        scannerId: 'GM_001',
        sessionId,
        timestamp: new Date().toISOString(),
        status: 'accepted',
        points: 50_000,
      };
    };

    let count = 0;
    let start = performance.now();
    while (count < options.maxCount && performance.now() - start < options.maxMs) {
      store.appendTransaction(transaction());
      count += 1;
    }
    const oneMs = performance.now() - start;

    let groups = 0;
    start = performance.now();
    while (groups * options.groupSize < options.maxCount && performance.now() - start < options.maxMs) {
      store.appendLog({ transactions: Array.from({ length: options.groupSize }, transaction), playerScans: [] });
      groups += 1;
    }
    const groupMs = performance.now() - start;
    const round = (x: number) => Math.round(x);
    return {
      oneByOne: { transactions: count, ms: round(oneMs), commitsPerSecond: round((count * 1000) / oneMs) },
      grouped: {
        groupSize: options.groupSize,
        transactions: groups * options.groupSize,
        ms: round(groupMs),
        transactionsPerSecond: round((groups * options.groupSize * 1000) / groupMs),
        commitsPerSecond: round((groups * 1000) / groupMs),
      },
    };
  } finally {
    store.close();
  }
}

import { readFileSync } from 'node:fs';
import { writeGeneratedTokens } from '../../scripts/lib/generated-tokens.js';

/** mulberry32: small, fast and reproducible from a 32-bit seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of a randomized suite: from `variable` to replay a failure, otherwise a fresh one, logged. */
export function seedFrom(variable: string, suite: string): number {
  const raw = process.env[variable];
  const seed = raw === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`${variable} must be an integer, not ${raw}`);
  console.log(`${suite}: seed ${seed} (replay with ${variable}=${seed})`);
  return seed;
}

/** Rejects when `promise` has not settled within `ms`: every wait in these suites is bounded. */
export function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it holds; fails after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** The q-quantile (0..1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('no samples');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** Least-squares slope of y over x. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) throw new Error('a slope needs two points');
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - meanX) * (p.y - meanY);
    den += (p.x - meanX) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** A process's resident set in bytes, from /proc (Linux). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) * 1024;
}

export const showTokenId = (n: number) => `rt${String(n).padStart(4, '0')}`;

/** The reliability suites' show: `count` generated tokens, the first `grouped` in ×2 groups of three. */
export function writeShowTokens(file: string, count: number, grouped = 0): void {
  writeGeneratedTokens(file, count, showTokenId, grouped);
}

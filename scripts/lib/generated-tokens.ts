import { writeFileSync } from 'node:fs';

const MEMORY_TYPES = ['Personal', 'Business', 'Technical', 'Mention', 'Party'] as const;

/**
 * Writes a show's tokens file of `count` generated tokens (values 1–5 and memory types in
 * turn, no media) for load tests and benchmarks. The first `grouped` tokens form groups of
 * three worth a ×2 bonus, so group scoring is exercised too.
 */
export function writeGeneratedTokens(file: string, count: number, idOf: (n: number) => string, grouped = 0): void {
  const tokens: Record<string, unknown> = {};
  for (let n = 0; n < count; n += 1) {
    const id = idOf(n);
    tokens[id] = {
      SF_RFID: id,
      SF_ValueRating: (n % 5) + 1,
      SF_MemoryType: MEMORY_TYPES[n % MEMORY_TYPES.length],
      SF_Group: n < grouped ? `G${Math.floor(n / 3)} (x2)` : '',
      image: null,
      audio: null,
      video: null,
      processingImage: null,
    };
  }
  writeFileSync(file, JSON.stringify(tokens));
}

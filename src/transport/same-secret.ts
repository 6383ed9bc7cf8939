import { createHash, timingSafeEqual } from 'node:crypto';

/** Whether a presented secret is the expected one, in time that does not depend on where they differ (nor on their lengths). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

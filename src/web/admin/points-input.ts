/**
 * Signed whole points as staff type them into the Adjust score form: "-75000", "−75,000",
 * "+5 000". Undefined for anything else, and for 0, which changes nothing. A text field, not a
 * number field: a phone's number pad may have no minus key.
 */
export function parsePoints(text: string): number | undefined {
  const cleaned = text.trim().replace(/[\s,_']/g, '').replace(/^[−–]/, '-');
  if (!/^[+-]?\d{1,9}$/.test(cleaned)) return undefined;
  const points = Number(cleaned);
  return points === 0 ? undefined : points;
}

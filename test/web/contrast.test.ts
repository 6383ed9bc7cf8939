import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = readFileSync(new URL('../../src/web/shared/style.css', import.meta.url), 'utf8');
const colour = (name: string): string => {
  const match = new RegExp(`--${name}:\\s*(#[0-9a-f]{6})`, 'i').exec(css);
  if (!match?.[1]) throw new Error(`no --${name} in style.css`);
  return match[1];
};

/** WCAG 2 relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

describe('colours readable in a dark venue', () => {
  it.each([
    ['text on cards', 'text', 'card'],
    ['muted labels on cards', 'muted', 'card'],
    ['accepted results', 'ok', 'card'],
    ['duplicate results', 'warn', 'card'],
    ['rejected results and errors', 'bad', 'card'],
    ['the game clock in overtime', 'overtime', 'card'],
    ['text on the page', 'text', 'bg'],
  ])('%s meet WCAG AA (4.5:1)', (_what, fg, bg) => {
    expect(contrast(colour(fg), colour(bg))).toBeGreaterThanOrEqual(4.5);
  });
});

import { describe, expect, it } from 'vitest';
import { parsePoints } from '../../../src/web/admin/points-input.js';

describe('the points staff type into Adjust score', () => {
  it.each([
    ['-75000', -75000],
    ['−75,000', -75000],
    ['– 75 000', -75000],
    ['+5000', 5000],
    ['5,000', 5000],
    [' 125000 ', 125000],
  ])('reads %j as %d', (text, points) => {
    expect(parsePoints(text)).toBe(points);
  });

  it.each(['', '0', '-0', 'lots', '1.5', '12e3', '--5', '1234567890'])('refuses %j', (text) => {
    expect(parsePoints(text)).toBeUndefined();
  });
});

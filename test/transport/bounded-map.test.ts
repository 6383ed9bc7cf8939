import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/transport/bounded-map.js';

describe('BoundedMap', () => {
  it('forgets the oldest key when a new one comes in full; updating a key keeps the size', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    map.set('a', 3);
    expect([...map.entries()]).toEqual([['a', 3], ['b', 2]]);
    map.set('c', 4);
    expect([...map.keys()]).toEqual(['b', 'c']);
    expect(map.size).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { roomAssEvents } from '../../../src/adapters/mpv/room-ass.js';
import type { RoomView } from '../../../src/contract/index.js';

const view: RoomView = { screen: 'scoreboard', title: 'Friday', lines: [], clock: null, rows: [], moreTeams: 0, announcement: null, setup: false };

describe('roomAssEvents', () => {
  it("draws a cue's message as an amber band at the bottom, above the welcome screen's own band", () => {
    const without = roomAssEvents(view, { drawHeadline: false });
    const board = roomAssEvents({ ...view, message: 'Raid {now}' }, { drawHeadline: false });
    expect(board.slice(0, without.length)).toEqual(without);
    const band = board.slice(without.length);
    expect(band).toHaveLength(2);
    expect(band[0]).toContain('m 0 624 l 1280 624 1280 720 0 720');
    expect(band[1]).toMatch(/\\pos\(640,672\).*\\1c&H3DC8FF&.*Raid \\\{now\\\}$/);
    const welcome = roomAssEvents({ ...view, screen: 'welcome', message: 'Doors open' }, { drawHeadline: false });
    expect(welcome.at(-2)).toContain('m 0 448 l 1280 448 1280 544 0 544');
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DisplayWatcher } from '../../../src/adapters/mpv/display-watcher.js';
import { systemClock } from '../../../src/adapters/system-clock.js';
import { fakeHostPerTest } from '../../support/fake-host.js';

const host = fakeHostPerTest();

describe('DisplayWatcher', () => {
  it('calls back once when the display appears, not while it stays or goes away', () => {
    host.write('sys/class/drm/card1-HDMI-A-1/status', 'disconnected\n');
    const status = join(host.root, 'sys/class/drm/card1-HDMI-A-1/status');
    let calls = 0;
    const changes: boolean[] = [];
    const watcher = new DisplayWatcher(status, () => (calls += 1), systemClock);
    watcher.onChange((connected) => changes.push(connected));
    expect(watcher.isConnected).toBe(false);
    watcher.check();
    expect(calls).toBe(0);
    writeFileSync(status, 'connected\n');
    watcher.check();
    watcher.check();
    expect(calls).toBe(1);
    writeFileSync(status, 'disconnected\n');
    watcher.check();
    writeFileSync(status, 'connected\n');
    watcher.check();
    expect(calls).toBe(2);
    // Every change, both ways, for the health shown to the admin.
    expect(changes).toEqual([true, false, true]);
  });
});

import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openButtonHardware } from '../../src/adapters/button/button-hardware.js';
import { systemClock } from '../../src/adapters/system-clock.js';
import { ResetButtonControl } from '../../src/app/reset-button-control.js';
import { fakeHostPerTest } from '../support/fake-host.js';

const host = fakeHostPerTest('reset-button-control-test-');

describe('ResetButtonControl with the hardware openButtonHardware finds', () => {
  it('reports the button unavailable, with one log line, when none is wired', async () => {
    const statuses: string[] = [];
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const game = { resetButtonStatus: (status: string) => statuses.push(status), reset: () => { throw new Error('no reset expected'); } };
    const hardware = await openButtonHardware({ driver: 'auto', device: undefined, pin: 17, hostRoot: host.root, keyCode: 148, ledPin: undefined }, logger);
    const control = new ResetButtonControl(hardware, game, systemClock, 3000, logger);
    control.start();
    control.stop();
    expect(statuses).toEqual(['unavailable']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('no reset button: no gpio-keys input device');
  });
});

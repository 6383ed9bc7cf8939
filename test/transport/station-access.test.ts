import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { stationAccessOf } from '../../src/transport/station-access.js';
import { tempDir } from '../support/temp-dir.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function store(dir = tempDir('station-access-')): SqliteStore {
  dirs.push(dir);
  return new SqliteStore(join(dir, 'orchestrator.db'));
}

describe('STATION_TOKEN', () => {
  it('is open when unset or `none`, closed with a value', () => {
    const settings = store();
    expect(stationAccessOf(undefined, settings)).toEqual({ open: true });
    expect(stationAccessOf('none', settings)).toEqual({ open: true });
    expect(stationAccessOf('venue-secret', settings)).toEqual({ open: false, token: 'venue-secret' });
    settings.close();
  });

  it('`generate` makes one 32-character token per data folder, kept across starts', () => {
    const dir = tempDir('station-access-');
    const first = store(dir);
    const made = stationAccessOf('generate', first);
    first.close();
    expect(made.open).toBe(false);
    expect(made.open ? '' : made.token).toMatch(/^[A-Za-z0-9]{32}$/);
    const again = store(dir);
    expect(stationAccessOf('generate', again)).toEqual(made);
    again.close();
    // Another card (another data folder) gets its own.
    const other = store();
    expect(stationAccessOf('generate', other)).not.toEqual(made);
    other.close();
  });
});

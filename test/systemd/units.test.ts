import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../systemd/', import.meta.url));
const units = readdirSync(dir).filter((name) => /\.(service|timer|socket)$/.test(name));

describe('systemd units', () => {
  it('exist', () => {
    expect(units).toContain('orchestrator.service');
  });

  it.each(units)('%s passes systemd-analyze verify without a single warning', (unit) => {
    const result = spawnSync('systemd-analyze', ['verify', '--man=no', `${dir}${unit}`], { encoding: 'utf8' });
    expect(result.error).toBeUndefined();
    // verify exits 0 on unknown keys and bad values; it only says so on stderr.
    expect(result.stderr.trim()).toBe('');
    expect(result.status).toBe(0);
  });
});

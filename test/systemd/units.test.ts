import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';

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

/**
 * The units as installed: `install.sh --root` stages them, the base system the image brings is
 * stood in for by this machine's systemd units and an executable file at each command path the
 * units run (node, bash, mv come from the image's packages), and systemd-analyze checks the
 * result with `--root`, so unit dependencies and Exec paths resolve inside the staged tree.
 */
describe('systemd units installed into a staged root', () => {
  let root: string;
  beforeAll(() => {
    root = tempDir('units-root-');
    const install = spawnSync('bash', [join(dir, '../scripts/install.sh'), '--root', root], { encoding: 'utf8' });
    if (install.status !== 0) throw new Error(install.stderr);
    cpSync('/usr/lib/systemd/system', join(root, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
    for (const unit of installedUnits()) {
      for (const line of readFileSync(join(root, 'etc/systemd/system', unit), 'utf8').split('\n')) {
        const command = /^Exec\w*=[-@:+!]*(\S+)/.exec(line)?.[1];
        if (command === undefined) continue;
        mkdirSync(join(root, dirname(command)), { recursive: true });
        writeFileSync(join(root, command), '#!/bin/sh\n', { mode: 0o755 });
      }
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const installedUnits = () => readdirSync(join(root, 'etc/systemd/system')).filter((name) => name.endsWith('.service'));

  it('installs every unit of systemd/ and enables it', () => {
    expect(installedUnits().sort()).toEqual([...units].sort());
    expect(readdirSync(join(root, 'etc/systemd/system/multi-user.target.wants')).sort()).toEqual([...units].sort());
  });

  it('keeps what the orchestrator writes readable by its own user only', () => {
    const unit = readFileSync(join(root, 'etc/systemd/system/orchestrator.service'), 'utf8');
    expect(unit).toMatch(/^UMask=0077$/m);
    expect(unit).toMatch(/^StateDirectoryMode=0700$/m);
  });

  it('passes systemd-analyze verify --root without a single warning', () => {
    const result = spawnSync('systemd-analyze', ['verify', '--man=no', `--root=${root}`, ...installedUnits()], { encoding: 'utf8' });
    expect(result.error).toBeUndefined();
    expect(result.stderr.trim()).toBe('');
    expect(result.status).toBe(0);
  });

  it('finds a missing command inside the root (the check is not vacuous)', () => {
    rmSync(join(root, 'usr/bin/node'));
    const result = spawnSync('systemd-analyze', ['verify', '--man=no', `--root=${root}`, 'orchestrator.service'], { encoding: 'utf8' });
    expect(result.stderr).toContain('/usr/bin/node is not executable');
    writeFileSync(join(root, 'usr/bin/node'), '#!/bin/sh\n', { mode: 0o755 });
  });
});

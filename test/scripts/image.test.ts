import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.js';

const checkout = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
const stage = () => join(dir, 'stage-orchestrator');

function run(command: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return result;
}

beforeAll(() => {
  dir = tempDir('pi-gen-');
  run('bash', [join(checkout, 'image/build.sh'), '--prepare', dir, '--ssid', 'Venue Show', '--psk', 'venue-passphrase', '--country', 'FR']);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('image/build.sh --prepare (what can run without pi-gen, Docker or the internet)', () => {
  it("writes pi-gen's config: Lite stages of Trixie then ours, no SSH, our host name", () => {
    const config = readFileSync(join(dir, 'config'), 'utf8');
    expect(config).toMatch(/^IMG_NAME=orchestrator$/m);
    expect(config).toMatch(/^RELEASE=trixie$/m);
    expect(config).toMatch(/^STAGE_LIST="stage0 stage1 stage2 stage-orchestrator"$/m);
    expect(config).toMatch(/^ENABLE_SSH=0$/m);
    expect(config).toMatch(/^TARGET_HOSTNAME=orchestrator$/m);
    expect(config).toMatch(/^WPA_COUNTRY=FR$/m);
    expect(config).toMatch(/^FIRST_USER_PASS=[a-z0-9]{16}$/m);
    // pi-gen sources the config with bash: it must parse.
    run('bash', ['-n', join(dir, 'config')]);
  });

  it('lays out the stage as pi-gen runs it, with the same package list as a hand install', () => {
    expect(statSync(join(stage(), 'prerun.sh')).mode & 0o111).not.toBe(0);
    expect(statSync(join(stage(), '00-orchestrator/01-run.sh')).mode & 0o111).not.toBe(0);
    expect(existsSync(join(stage(), 'EXPORT_IMAGE'))).toBe(true);
    expect(readFileSync(join(stage(), '00-orchestrator/00-packages-nr'), 'utf8')).toBe(readFileSync(join(checkout, 'image/packages'), 'utf8'));
    for (const file of ['dist/src/main.js', 'scripts/install.sh', 'systemd/orchestrator.service', 'package-lock.json', 'image/packages']) {
      expect(existsSync(join(stage(), '00-orchestrator/files/orchestrator', file)), file).toBe(true);
    }
  });

  it('refuses settings the image could not use', () => {
    const bad = spawnSync('bash', [join(checkout, 'image/build.sh'), '--prepare', join(dir, 'bad'), '--psk', 'short'], { encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('at least 8 characters');
  });

  it("runs install.sh --image in the chroot, with the settings, and leaves no copy of the app's source behind", () => {
    const rootfs = join(dir, 'rootfs');
    mkdirSync(join(rootfs, 'tmp'), { recursive: true });
    const captured = join(dir, 'chroot-script');
    // pi-gen exports on_chroot to the stage's scripts; this stand-in records what it is given.
    const result = run('bash', ['-c', `on_chroot() { cat > "${captured}"; }; export -f on_chroot; "${join(stage(), '00-orchestrator/01-run.sh')}"`], {
      ROOTFS_DIR: rootfs,
    });
    expect(result.stderr).toBe('');
    const script = readFileSync(captured, 'utf8').replace(/\s+/g, ' ');
    expect(script).toContain(
      "/tmp/orchestrator-src/scripts/install.sh --image --source /tmp/orchestrator-src --ssid 'Venue Show' --psk 'venue-passphrase' --country 'FR'",
    );
    expect(existsSync(join(rootfs, 'tmp/orchestrator-src'))).toBe(false);
  });
});

describe('image scripts', () => {
  it('are shellcheck clean', () => {
    const scripts = ['image/build.sh', 'image/chroot-install-check.sh', 'image/chroot-mounts.sh', 'image/boot-check.sh', 'image/boot/guest/hotspot-client.sh', 'image/stage-orchestrator/prerun.sh', 'image/stage-orchestrator/00-orchestrator/01-run.sh'];
    const result = spawnSync('shellcheck', scripts.map((p) => join(checkout, p)), { encoding: 'utf8' });
    expect(result.error).toBeUndefined();
    expect(result.stdout + result.stderr).toBe('');
    const exportImage = spawnSync('shellcheck', ['--shell=bash', join(checkout, 'image/stage-orchestrator/EXPORT_IMAGE')], { encoding: 'utf8' });
    expect(exportImage.stdout + exportImage.stderr).toBe('');
  });
});

import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { MediaFolder } from '../../../src/adapters/video/media-folder.js';
import { AppError } from '../../../src/contract/index.js';
import { tempDirPerTest } from '../../support/temp-dir.js';

const tmp = tempDirPerTest('media-folder-test-');
let mediaDir: string;
/** The media folder with every symlink in the temp path resolved, as resolve() reports it. */
let realMedia: string;
let outside: string;

beforeEach(() => {
  mediaDir = join(tmp.path, 'media');
  outside = join(tmp.path, 'outside');
  mkdirSync(join(mediaDir, 'sub', 'dir'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(mediaDir, 'a.mp4'), 'a');
  writeFileSync(join(mediaDir, '..dots.mp4'), 'dots');
  writeFileSync(join(mediaDir, 'sub', 'dir', 'b.mp4'), 'b');
  writeFileSync(join(outside, 'secret.mp4'), 'secret');
  realMedia = realpathSync(mediaDir);
});

function refusal(folder: MediaFolder, name: string): AppError {
  try {
    folder.resolve(name);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(name)} to be refused`);
}

describe('MediaFolder.resolve: names inside the folder', () => {
  it('resolves a plain name to its absolute path', () => {
    expect(new MediaFolder(mediaDir).resolve('a.mp4')).toBe(join(realMedia, 'a.mp4'));
  });

  it('resolves a name in a subfolder', () => {
    expect(new MediaFolder(mediaDir).resolve('sub/dir/b.mp4')).toBe(join(realMedia, 'sub', 'dir', 'b.mp4'));
  });

  it('accepts a `..` that stays inside, and a file name that merely starts with dots', () => {
    const folder = new MediaFolder(mediaDir);
    expect(folder.resolve('sub/dir/../../a.mp4')).toBe(join(realMedia, 'a.mp4'));
    expect(folder.resolve('..dots.mp4')).toBe(join(realMedia, '..dots.mp4'));
  });

  it('accepts a relative folder given to the constructor', () => {
    const relativeFolder = new MediaFolder(join(mediaDir, 'sub', '..'));
    expect(relativeFolder.resolve('a.mp4')).toBe(join(realMedia, 'a.mp4'));
  });

  it('returns the path of a missing file, for the player to report', () => {
    expect(new MediaFolder(mediaDir).resolve('missing.mp4')).toBe(join(resolve(mediaDir), 'missing.mp4'));
    expect(new MediaFolder(mediaDir).resolve('sub/new/missing.mp4')).toBe(join(resolve(mediaDir), 'sub', 'new', 'missing.mp4'));
  });
});

describe('MediaFolder.resolve: names that leave the folder', () => {
  it.each([
    ['..', '..'],
    ['a parent file', '../outside/secret.mp4'],
    ['a `..` deeper down', 'sub/dir/../../../outside/secret.mp4'],
    ['the folder itself', '.'],
    ['the folder itself via a subfolder', 'sub/..'],
    ['an absolute path outside', '/etc/passwd'],
    ['an absolute path outside via the temp dir', '/tmp/../etc/passwd'],
    ['a NUL byte', 'a.mp4\u0000.txt'],
    ['a lone NUL byte', '\u0000'],
    ['the empty string', ''],
  ])('refuses %s (%j) with INVALID_DATA', (_what, name) => {
    const error = refusal(new MediaFolder(mediaDir), name);
    expect(error.code).toBe('INVALID_DATA');
    expect(error.details).toEqual([{ field: 'video', message: 'must stay inside MEDIA_DIR' }]);
  });

  it('refuses an absolute path even when it points inside the folder', () => {
    expect(refusal(new MediaFolder(mediaDir), join(mediaDir, 'a.mp4')).code).toBe('INVALID_DATA');
  });
});

describe('MediaFolder.resolve: symlinks', () => {
  it('refuses a symlink inside that points to a file outside', () => {
    symlinkSync(join(outside, 'secret.mp4'), join(mediaDir, 'leak.mp4'));
    expect(refusal(new MediaFolder(mediaDir), 'leak.mp4').code).toBe('INVALID_DATA');
  });

  it('refuses a file reached through a symlinked folder that points outside', () => {
    symlinkSync(outside, join(mediaDir, 'elsewhere'));
    expect(refusal(new MediaFolder(mediaDir), 'elsewhere/secret.mp4').code).toBe('INVALID_DATA');
  });

  it('refuses a relative symlink climbing out of the folder', () => {
    symlinkSync('../../outside/secret.mp4', join(mediaDir, 'sub', 'up.mp4'));
    expect(refusal(new MediaFolder(mediaDir), 'sub/up.mp4').code).toBe('INVALID_DATA');
  });

  it('allows a symlink inside that points inside, and returns its target', () => {
    symlinkSync(join(mediaDir, 'a.mp4'), join(mediaDir, 'alias.mp4'));
    symlinkSync('../a.mp4', join(mediaDir, 'sub', 'relative-alias.mp4'));
    symlinkSync(join(mediaDir, 'sub', 'dir'), join(mediaDir, 'shortcut'));
    const folder = new MediaFolder(mediaDir);
    expect(folder.resolve('alias.mp4')).toBe(join(realMedia, 'a.mp4'));
    expect(folder.resolve('sub/relative-alias.mp4')).toBe(join(realMedia, 'a.mp4'));
    expect(folder.resolve('shortcut/b.mp4')).toBe(join(realMedia, 'sub', 'dir', 'b.mp4'));
  });

  it('works when the media folder itself is a symlink', () => {
    const link = join(tmp.path, 'media-link');
    symlinkSync(mediaDir, link);
    const folder = new MediaFolder(link);

    expect(folder.resolve('a.mp4')).toBe(join(realMedia, 'a.mp4'));
    expect(folder.resolve('sub/dir/b.mp4')).toBe(join(realMedia, 'sub', 'dir', 'b.mp4'));
    expect(folder.resolve('missing.mp4')).toBe(join(realMedia, 'missing.mp4'));
    expect(refusal(folder, '../outside/secret.mp4').code).toBe('INVALID_DATA');
    expect(refusal(folder, '../media/a.mp4').code).toBe('INVALID_DATA');

    symlinkSync(join(outside, 'secret.mp4'), join(mediaDir, 'leak.mp4'));
    expect(refusal(folder, 'leak.mp4').code).toBe('INVALID_DATA');
  });

  it('refuses a dangling symlink and a missing file under a folder symlinked out', () => {
    symlinkSync(join(outside, 'later.mp4'), join(mediaDir, 'dangling.mp4'));
    symlinkSync(outside, join(mediaDir, 'elsewhere'));
    const folder = new MediaFolder(mediaDir);
    expect(() => folder.resolve('dangling.mp4')).toThrow(/media folder/);
    expect(() => folder.resolve('elsewhere/not-yet.mp4')).toThrow(/media folder/);
  });
});

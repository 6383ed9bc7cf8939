import { chmodSync, copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HeaderMediaProbe } from '../../../src/adapters/preflight/media-probe.js';
import { MediaFolder } from '../../../src/adapters/video/media-folder.js';
import { tempDirPerTest } from '../../support/temp-dir.js';

const demo = (name: string) => new URL(`../../../demo/media/${name}`, import.meta.url).pathname;
const folder = tempDirPerTest('media-probe-');

describe('the media probe (file headers)', () => {
  it('recognises the demo show\'s clip, picture and sound by their first bytes', async () => {
    for (const name of ['hos001.mp4', 'idle.png', 'sting.wav']) copyFileSync(demo(name), join(folder.path, name));
    const probe = new HeaderMediaProbe(new MediaFolder(folder.path));
    expect(await probe.probe('hos001.mp4')).toEqual({ state: 'ok', mediaType: 'video/mp4' });
    expect(await probe.probe('idle.png')).toEqual({ state: 'ok', mediaType: 'image/png' });
    expect(await probe.probe('sting.wav')).toEqual({ state: 'ok', mediaType: 'audio/wav' });
  });

  it('tells a missing, an empty, a renamed text file and a folder apart', async () => {
    writeFileSync(join(folder.path, 'empty.mp4'), '');
    writeFileSync(join(folder.path, 'notes.mp4'), 'these are the GM notes, not a video\n'.repeat(20));
    mkdirSync(join(folder.path, 'clips.mp4'));
    const probe = new HeaderMediaProbe(new MediaFolder(folder.path));
    expect(await probe.probe('gone.mp4')).toEqual({ state: 'missing' });
    expect(await probe.probe('empty.mp4')).toEqual({ state: 'empty' });
    expect(await probe.probe('notes.mp4')).toEqual({ state: 'unrecognised' });
    expect(await probe.probe('clips.mp4')).toEqual({ state: 'unreadable', reason: 'not a file' });
  });

  it('never looks outside the media folder', async () => {
    const media = join(folder.path, 'media');
    mkdirSync(media);
    copyFileSync(demo('sting.wav'), join(folder.path, 'outside.wav'));
    symlinkSync(join(folder.path, 'outside.wav'), join(media, 'link.wav'));
    const probe = new HeaderMediaProbe(new MediaFolder(media));
    expect(await probe.probe('../outside.wav')).toEqual({ state: 'unreadable', reason: 'the name leads out of the media folder' });
    expect(await probe.probe('link.wav')).toEqual({ state: 'unreadable', reason: 'the name leads out of the media folder' });
  });

  it.skipIf(process.getuid?.() === 0)('says when a file cannot be read', async () => {
    copyFileSync(demo('sting.wav'), join(folder.path, 'locked.wav'));
    chmodSync(join(folder.path, 'locked.wav'), 0o000);
    expect(await new HeaderMediaProbe(new MediaFolder(folder.path)).probe('locked.wav')).toEqual({ state: 'unreadable', reason: 'permission denied' });
  });
});

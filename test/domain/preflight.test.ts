import { describe, expect, it } from 'vitest';
import type { PreflightCheck, Session } from '../../src/contract/index.js';
import { judgePreflight, type PreflightFacts } from '../../src/domain/preflight.js';

const NOW = Date.parse('2026-11-27T19:00:00.000Z');
const GiB = 1024 ** 3;

const session: Session = {
  id: 's1',
  name: 'Friday 20:00',
  startTime: '2026-11-27T18:30:00.000Z',
  status: 'active',
  transactionCount: 0,
  acceptedCount: 0,
  playerScanCount: 0,
};

/** Everything ready: a connected TV, a working sound player, present files, a button, a station. */
function facts(changes: Partial<PreflightFacts> = {}): PreflightFacts {
  return {
    now: NOW,
    browserTime: NOW - 20_000,
    system: { orchestratorOnline: true, videoDisplayReady: true, displayConnected: true, resetButton: 'ok', sound: { ready: true, playing: 0 } },
    currentVideo: undefined,
    roomScreen: 'welcome',
    sound: { outcome: 'played' },
    soundCues: 1,
    media: [
      { file: 'hos001.mp4', use: 'video', usedBy: 'token hos001', found: { state: 'ok', mediaType: 'video/mp4' } },
      { file: 'sting.wav', use: 'sound', usedBy: 'cue sting', found: { state: 'ok', mediaType: 'audio/wav' } },
    ],
    disk: { freeBytes: 20 * GiB, totalBytes: 29 * GiB },
    stations: 2,
    session,
    cueTargets: [{ target: 'OSC 192.168.4.20:53000', usedBy: ['cue raid'], state: 'reachable', detail: 'the machine answers' }],
    ...changes,
  };
}

function check(changes: Partial<PreflightFacts>, id: PreflightCheck['id']): PreflightCheck {
  const found = judgePreflight(facts(changes)).checks.find((each) => each.id === id);
  if (!found) throw new Error(`no ${id} check`);
  return found;
}

describe('the preflight judgement', () => {
  it('says "Ready for the show" when every check is ok, with all nine checks in order', () => {
    const report = judgePreflight(facts());
    expect(report.ready).toBe(true);
    expect(report.summary).toBe('Ready for the show');
    expect(report.checks.map((each) => [each.id, each.status])).toEqual([
      ['tv', 'ok'],
      ['audio', 'ok'],
      ['media', 'ok'],
      ['button', 'ok'],
      ['disk', 'ok'],
      ['stations', 'ok'],
      ['session', 'ok'],
      ['clock', 'ok'],
      ['cue-targets', 'ok'],
    ]);
    expect(report.checks.every((each) => each.fix === undefined)).toBe(true);
    expect(report.checkedAt).toBe('2026-11-27T19:00:00.000Z');
  });

  it('stays ready with warnings, and counts them', () => {
    const report = judgePreflight(facts({ stations: 0, browserTime: NOW - 5 * 60_000 }));
    expect(report.ready).toBe(true);
    expect(report.summary).toBe('Ready for the show (2 warnings)');
  });

  it('is not ready when one check fails, and names it', () => {
    const report = judgePreflight(facts({ media: [{ file: 'hos001.mp4', use: 'video', usedBy: 'token hos001', found: { state: 'missing' } }] }));
    expect(report.ready).toBe(false);
    expect(report.summary).toBe('Not ready: 1 check failed (Media files)');
  });

  it('names each missing, empty, unknown or wrong-kind file with who uses it, and the fix', () => {
    const media = check(
      {
        media: [
          { file: 'hos001.mp4', use: 'video', usedBy: 'token hos001', found: { state: 'missing' } },
          { file: 'rat001.mp4', use: 'video', usedBy: 'token rat001', found: { state: 'empty' } },
          { file: 'notes.mp4', use: 'video', usedBy: 'token jaw011', found: { state: 'unrecognised' } },
          { file: 'photo.png', use: 'video', usedBy: 'token vik003', found: { state: 'ok', mediaType: 'image/png' } },
          { file: 'sting.wav', use: 'sound', usedBy: 'cue sting', found: { state: 'ok', mediaType: 'audio/wav' } },
          { file: 'clip.mp4', use: 'sound', usedBy: 'cue raid', found: { state: 'ok', mediaType: 'video/mp4' } },
        ],
      },
      'media',
    );
    expect(media.status).toBe('failed');
    expect(media.detail).toBe('4 files of 6 cannot be played: hos001.mp4, rat001.mp4, notes.mp4 and 1 more.');
    expect(media.items).toEqual([
      "hos001.mp4 (token hos001's clip): missing from the media folder",
      "rat001.mp4 (token rat001's clip): an empty file",
      "notes.mp4 (token jaw011's clip): not a clip file this player knows",
      "photo.png (token vik003's clip): is image/png, not a clip",
    ]);
    expect(media.fix).toContain('MEDIA_DIR');
  });

  it('fails the TV when none is connected or the player is not on a screen; says when a clip plays', () => {
    const base = facts().system;
    expect(check({ system: { ...base, displayConnected: false, videoDisplayReady: false } }, 'tv')).toMatchObject({ status: 'failed', detail: expect.stringContaining('No TV is connected') as string });
    expect(check({ system: { ...base, videoDisplayReady: false } }, 'tv').status).toBe('failed');
    expect(check({ roomScreen: 'scoreboard' }, 'tv').detail).toBe('Connected and showing the scoreboard.');
    expect(check({ currentVideo: { tokenId: 'hos001', startTime: '2026-11-27T18:59:00.000Z', requestedBy: 'admin' } }, 'tv')).toMatchObject({ status: 'ok', detail: expect.stringContaining('hos001') as string });
  });

  it('judges the sound test: failed output fails; no sound player fails only when cues play sounds', () => {
    expect(check({ sound: { outcome: 'failed', error: 'the audio output could not open' } }, 'audio')).toMatchObject({ status: 'failed', detail: expect.stringContaining('could not open') as string });
    expect(check({ sound: { outcome: 'absent', reason: 'SOUND_PLAYER=none' }, soundCues: 2 }, 'audio')).toMatchObject({ status: 'failed', detail: expect.stringContaining('2 cues play a sound') as string });
    expect(check({ sound: { outcome: 'absent', reason: 'SOUND_PLAYER=none' }, soundCues: 0 }, 'audio').status).toBe('warning');
    expect(check({ sound: { outcome: 'busy' } }, 'audio').status).toBe('ok');
    expect(check({ system: { ...facts().system, audioReady: false } }, 'audio')).toMatchObject({ status: 'warning', detail: expect.stringContaining('Clips play without sound') as string });
  });

  it('judges the button, the disk, the stations and the session', () => {
    const system = facts().system;
    expect(check({ system: { ...system, resetButton: 'fault' } }, 'button').status).toBe('failed');
    expect(check({ system: { ...system, resetButton: 'unavailable' } }, 'button').status).toBe('warning');
    expect(check({ disk: { freeBytes: 100 * 1024 ** 2, totalBytes: 29 * GiB } }, 'disk')).toMatchObject({ status: 'failed', detail: expect.stringMatching(/^100 MB free of 29\.0 GB/) as string });
    expect(check({ disk: { freeBytes: 600 * 1024 ** 2, totalBytes: 29 * GiB } }, 'disk').status).toBe('warning');
    expect(check({ disk: undefined }, 'disk').status).toBe('warning');
    expect(check({ stations: 0 }, 'stations')).toMatchObject({ status: 'warning', fix: expect.stringContaining('/gm') as string });
    expect(check({ stations: 1 }, 'stations').detail).toBe('1 GM station connected.');
    expect(check({ session: undefined }, 'session').status).toBe('failed');
    expect(check({ session: { ...session, status: 'completed' } }, 'session').status).toBe('failed');
    expect(check({ session: { ...session, status: 'paused' } }, 'session').status).toBe('warning');
  });

  it("warns when the Pi's clock is more than 2 minutes from the browser's, either way, and says by how much", () => {
    expect(check({ browserTime: NOW - 2 * 60_000 }, 'clock').status).toBe('ok');
    expect(check({ browserTime: NOW + 2 * 60_000 + 1000 }, 'clock')).toMatchObject({ status: 'warning', detail: expect.stringContaining('2 minutes behind') as string });
    expect(check({ browserTime: NOW - 3 * 86_400_000 }, 'clock').detail).toContain('3 days ahead of');
    expect(check({ browserTime: undefined }, 'clock').status).toBe('warning');
  });

  it('fails unreachable cue targets, warns on unconfirmed ones, and lists them first', () => {
    const targets = check(
      {
        cueTargets: [
          { target: 'HTTP 10.0.0.5:80', usedBy: ['cue lights'], state: 'reachable', detail: 'accepts connections' },
          { target: 'OSC 127.0.0.1:53000', usedBy: ['cue raid', 'cue sting'], state: 'unreachable', detail: 'nothing listens on UDP port 53000 on this Pi' },
        ],
      },
      'cue-targets',
    );
    expect(targets.status).toBe('failed');
    expect(targets.items).toEqual(['OSC 127.0.0.1:53000 (cue raid, cue sting): nothing listens on UDP port 53000 on this Pi', 'HTTP 10.0.0.5:80 (cue lights): accepts connections']);
    expect(check({ cueTargets: [{ target: 'OSC 192.168.4.20:53000', usedBy: ['cue raid'], state: 'unconfirmed', detail: 'no answer' }] }, 'cue-targets').status).toBe('warning');
    expect(check({ cueTargets: [] }, 'cue-targets')).toMatchObject({ status: 'ok', detail: 'No cue sends OSC or HTTP.' });
  });
});

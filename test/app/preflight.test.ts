import { describe, expect, it } from 'vitest';
import { Preflight, type PreflightDeps } from '../../src/app/preflight.js';
import { CuesFile, type GameState } from '../../src/contract/index.js';
import type { CueTarget, MediaProbeResult } from '../../src/ports/preflight-probes.js';

const NOW = Date.parse('2026-11-27T19:00:00.000Z');

/** Probes that record what they were asked and answer when the test says so. */
function probes() {
  const asked: string[] = [];
  const targets: CueTarget[] = [];
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  return {
    asked,
    targets,
    release: () => release(),
    media: {
      probe: async (name: string): Promise<MediaProbeResult> => {
        asked.push(name);
        await gate;
        return name.startsWith('gone') ? { state: 'missing' } : { state: 'ok', mediaType: name.endsWith('.wav') ? 'audio/wav' : 'video/mp4' };
      },
    },
    targetProbe: {
      reach: (target: CueTarget) => {
        targets.push(target);
        return Promise.resolve({ state: 'reachable' as const, detail: 'accepts connections' });
      },
    },
  };
}

function preflight(fake: ReturnType<typeof probes>, changes: Partial<PreflightDeps> = {}): Preflight {
  const state = {
    systemStatus: { orchestratorOnline: true, videoDisplayReady: true, displayConnected: true, resetButton: 'ok' },
  } as unknown as GameState;
  return new Preflight({
    state: () => state,
    roomScreen: () => 'welcome',
    session: () => ({ id: 's', name: 'Friday', startTime: new Date(NOW).toISOString(), status: 'active', transactionCount: 0, acceptedCount: 0, playerScanCount: 0 }),
    stations: () => 1,
    tokens: () => [
      { id: 'hos001', value: 10, rating: 1, memoryType: 'Personal', video: 'hos001.mp4' },
      { id: 'rat001', value: 10, rating: 1, memoryType: 'Personal', video: 'hos001.mp4', image: 'gone.png' },
    ],
    cues: CuesFile.parse([
      { id: 'sting', name: 'Sting', trigger: 'group:completed', actions: [{ sound: 'sting.wav' }, { osc: { host: '10.0.0.9', port: 53000, address: '/go' } }] },
      { id: 'raid', name: 'Raid', actions: [{ osc: { host: '10.0.0.9', port: 53000, address: '/raid' } }, { http: { method: 'GET', url: 'https://[fd00::5]/lights' } }] },
    ]),
    media: fake.media,
    targets: fake.targetProbe,
    sound: { testOutput: () => Promise.resolve({ outcome: 'played' }) },
    health: undefined,
    lastHealth: () => null,
    clock: { now: () => NOW },
    ...changes,
  });
}

describe('the preflight run', () => {
  it("looks at each file once, however many tokens name it, and names every user of a missing one", async () => {
    const fake = probes();
    const running = preflight(fake).run(NOW);
    await Promise.resolve();
    fake.release();
    const report = await running;
    expect(fake.asked.sort()).toEqual(['gone.png', 'hos001.mp4', 'sting.wav']);
    const media = report.checks.find((check) => check.id === 'media');
    expect(media).toMatchObject({ status: 'failed', items: ["gone.png (token rat001's picture): missing from the media folder"] });
  });

  it('looks for each cue target once, naming every cue that uses it; an HTTPS URL without a port is 443', async () => {
    const fake = probes();
    fake.release();
    const report = await preflight(fake).run(NOW);
    expect(fake.targets).toEqual([
      { protocol: 'osc', host: '10.0.0.9', port: 53000 },
      { protocol: 'http', host: 'fd00::5', port: 443 },
    ]);
    expect(report.checks.find((check) => check.id === 'cue-targets')?.items).toEqual([
      'OSC 10.0.0.9:53000 (cue sting, cue raid): accepts connections',
      'HTTP [fd00::5]:443 (cue raid): accepts connections',
    ]);
  });

  it('shares one set of probes between requests that arrive together, each judged with its own browser time', async () => {
    const fake = probes();
    let soundTests = 0;
    const shared = preflight(fake, { sound: { testOutput: () => Promise.resolve({ outcome: soundTests++ === 0 ? 'played' : 'busy' }) } });
    const first = shared.run(NOW);
    const second = shared.run(NOW - 10 * 60_000);
    await Promise.resolve();
    fake.release();
    const [a, b] = await Promise.all([first, second]);
    expect(fake.asked).toHaveLength(3);
    expect(soundTests).toBe(1);
    expect(a.checks.find((check) => check.id === 'clock')?.status).toBe('ok');
    expect(b.checks.find((check) => check.id === 'clock')?.status).toBe('warning');
    // Once answered, the next request probes afresh.
    await shared.run(NOW);
    expect(fake.asked).toHaveLength(6);
  });

  it('takes the disk from a fresh sample, and from the last one when sampling fails', async () => {
    const fake = probes();
    fake.release();
    const sample = (freeBytes: number) => ({ sampledAt: new Date(NOW).toISOString(), load1: 0, cpuPercent: 0, memory: { totalBytes: 1, availableBytes: 1 }, uptimeSeconds: 1, disk: { path: '/var/lib/orchestrator', freeBytes, totalBytes: 32 * 1024 ** 3 } });
    const fresh = await preflight(fake, { health: { sample: () => Promise.resolve(sample(5 * 1024 ** 3)) }, lastHealth: () => sample(1) }).run(NOW);
    expect(fresh.checks.find((check) => check.id === 'disk')?.detail).toBe('5.0 GB free of 32.0 GB.');
    const stale = await preflight(fake, { health: { sample: () => Promise.reject(new Error('statfs failed')) }, lastHealth: () => sample(100 * 1024 ** 2) }).run(NOW);
    expect(stale.checks.find((check) => check.id === 'disk')?.status).toBe('failed');
  });
});

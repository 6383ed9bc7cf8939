import type { Cue, GameState, HealthSample, PreflightReport, RoomView, Session, ShowToken } from '../contract/index.js';
import { cueTargetOf } from '../domain/cue-target.js';
import { judgePreflight, type MediaFinding, type MediaUse, type TargetFinding } from '../domain/preflight.js';
import type { Clock } from '../ports/clock.js';
import type { HealthSource } from '../ports/health-source.js';
import type { CueTarget, MediaProbe, PreflightRunner, TargetProbe } from '../ports/preflight-probes.js';
import type { SoundCheck, SoundPlayer } from '../ports/sound-player.js';

export interface PreflightDeps {
  /** The game as stations see it: the TV, the button, the display mode, the clip playing. */
  state: () => GameState;
  /** What the room screens show between clips now. */
  roomScreen: () => RoomView['screen'];
  session: () => Session | undefined;
  /** GM stations connected now. */
  stations: () => number;
  tokens: () => readonly ShowToken[];
  cues: readonly Cue[];
  media: MediaProbe;
  targets: TargetProbe;
  sound: Pick<SoundPlayer, 'testOutput'> | undefined;
  /** A fresh sample for the free disk space; the last one if sampling fails. */
  health: HealthSource | undefined;
  lastHealth: () => HealthSample | null;
  clock: Pick<Clock, 'now'>;
}

interface Probed {
  sound: SoundCheck;
  media: MediaFinding[];
  cueTargets: TargetFinding[];
  disk: { freeBytes: number; totalBytes: number } | undefined;
}

/** Probes run this many at a time: a show with hundreds of files does not open them all at once; concurrent runs share one set. */
const PROBES_AT_ONCE = 8;

/**
 * The preflight before doors open (`GET /api/preflight`): gathers the facts — a silent test
 * sound, every token's and cue's file looked at, every cue target looked for, a fresh disk
 * sample — and has the domain judge them.
 */
export class Preflight implements PreflightRunner {
  /** The probes under way: a request arriving meanwhile shares them instead of probing again. */
  private probing: Promise<Probed> | undefined;

  constructor(private readonly deps: PreflightDeps) {}

  async run(browserTime?: number): Promise<PreflightReport> {
    const { deps } = this;
    this.probing ??= this.probe().finally(() => {
      this.probing = undefined;
    });
    const { sound, media, cueTargets, disk } = await this.probing;
    const state = deps.state();
    return judgePreflight({
      now: deps.clock.now(),
      browserTime,
      system: state.systemStatus,
      currentVideo: state.currentVideo,
      roomScreen: deps.roomScreen(),
      sound,
      soundCues: deps.cues.filter((cue) => cue.actions.some((action) => 'sound' in action)).length,
      media,
      disk,
      stations: deps.stations(),
      session: deps.session(),
      cueTargets,
    });
  }

  private async probe(): Promise<Probed> {
    const [sound, media, cueTargets, disk] = await Promise.all([this.soundCheck(), this.mediaFindings(), this.targetFindings(), this.disk()]);
    return { sound, media, cueTargets, disk };
  }

  private soundCheck(): Promise<SoundCheck> {
    const sound = this.deps.sound;
    return sound ? sound.testOutput() : Promise.resolve({ outcome: 'absent', reason: 'no sound player is configured (SOUND_PLAYER=none)' });
  }

  private async mediaFindings(): Promise<MediaFinding[]> {
    const uses: Omit<MediaFinding, 'found'>[] = [];
    for (const token of this.deps.tokens()) {
      for (const use of ['video', 'image', 'audio'] as const) {
        const file = token[use];
        if (file !== undefined) uses.push({ file, use, usedBy: `token ${token.id}` });
      }
    }
    for (const cue of this.deps.cues) {
      for (const action of cue.actions) if ('sound' in action) uses.push({ file: action.sound, use: 'sound' satisfies MediaUse, usedBy: `cue ${cue.id}` });
    }
    const files = [...new Set(uses.map((use) => use.file))];
    const found = new Map(await inBatches(files, (file) => this.deps.media.probe(file).then((result) => [file, result] as const)));
    return uses.map((use) => ({ ...use, found: found.get(use.file) ?? { state: 'unreadable', reason: 'not probed' } }));
  }

  private async targetFindings(): Promise<TargetFinding[]> {
    const targets = new Map<string, { target: CueTarget; usedBy: string[] }>();
    for (const cue of this.deps.cues) {
      for (const action of cue.actions) {
        const target = cueTargetOf(action);
        if (target === undefined) continue;
        const key = `${target.protocol.toUpperCase()} ${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
        const entry = targets.get(key) ?? { target, usedBy: [] };
        if (!entry.usedBy.includes(`cue ${cue.id}`)) entry.usedBy.push(`cue ${cue.id}`);
        targets.set(key, entry);
      }
    }
    return inBatches([...targets], async ([key, { target, usedBy }]) => ({ target: key, usedBy, ...(await this.deps.targets.reach(target)) }));
  }

  private async disk(): Promise<{ freeBytes: number; totalBytes: number } | undefined> {
    const fresh = await this.deps.health?.sample().catch(() => undefined);
    return (fresh ?? this.deps.lastHealth() ?? undefined)?.disk;
  }
}

/** Maps `items` through `probe`, at most PROBES_AT_ONCE at a time, in order. */
async function inBatches<T, R>(items: readonly T[], probe: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += PROBES_AT_ONCE) {
    results.push(...(await Promise.all(items.slice(start, start + PROBES_AT_ONCE).map(probe))));
  }
  return results;
}

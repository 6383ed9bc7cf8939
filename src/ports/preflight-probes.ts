import type { PreflightReport } from '../contract/index.js';

/** What staff ask of the preflight: `browserTime` is the admin browser's clock (ms since the epoch). */
export interface PreflightRunner {
  run(browserTime?: number): Promise<PreflightReport>;
}

/** What a look at a media file's first bytes found. */
export type MediaProbeResult =
  | { state: 'ok'; mediaType: string }
  | { state: 'missing' }
  | { state: 'empty' }
  | { state: 'unrecognised' }
  | { state: 'unreadable'; reason: string };

/** Tells what a file under MEDIA_DIR is, from its header (no decoder run). */
export interface MediaProbe {
  probe(name: string): Promise<MediaProbeResult>;
}

/** Where a cue sends OSC (UDP) or HTTP (TCP). */
export interface CueTarget {
  protocol: 'osc' | 'http';
  host: string;
  port: number;
}

/**
 * Whether a cue target is there, found without sending it anything it would act on.
 * `unconfirmed`: nothing proves it either way (OSC over UDP has no reply).
 */
export type TargetReach = { state: 'reachable' | 'unconfirmed' | 'unreachable'; detail: string };

/** Looks for a cue target: bounded in time, never rejects. */
export interface TargetProbe {
  reach(target: CueTarget): Promise<TargetReach>;
}

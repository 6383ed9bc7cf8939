import type { CurrentVideo, PreflightCheck, PreflightReport, RoomView, Session, SystemStatus } from '../contract/index.js';
import type { MediaProbeResult, TargetReach } from '../ports/preflight-probes.js';
import type { SoundCheck } from '../ports/sound-player.js';

/** What a file is used for: a token's clip, picture or audio, or a cue's sound effect. */
export type MediaUse = 'video' | 'image' | 'audio' | 'sound';

export interface MediaFinding {
  file: string;
  use: MediaUse;
  /** Who names it: `token hos001`, `cue sting`. */
  usedBy: string;
  found: MediaProbeResult;
}

/** An OSC or HTTP cue target and whether it is there. */
export interface TargetFinding extends TargetReach {
  /** `OSC 192.168.1.20:53000`, `HTTP 10.0.0.5:80`. */
  target: string;
  usedBy: string[];
}

export interface PreflightFacts {
  now: number;
  /** The admin browser's clock, when the page sent it. */
  browserTime: number | undefined;
  system: SystemStatus;
  currentVideo: CurrentVideo | undefined;
  /** What the room screens show between clips now. */
  roomScreen: RoomView['screen'];
  sound: SoundCheck;
  /** How many cues play a sound: without a sound player they would fail. */
  soundCues: number;
  media: MediaFinding[];
  disk: { freeBytes: number; totalBytes: number } | undefined;
  stations: number;
  session: Session | undefined;
  cueTargets: TargetFinding[];
}

const MiB = 1024 * 1024;
/** The game log grows by kilobytes an hour; below this the next writes may fail. */
export const DISK_FAILED_BELOW = 200 * MiB;
export const DISK_WARNING_BELOW = 1024 * MiB;
/** The issue's bound for a plausible clock; scan times and exports carry the Pi's time. */
export const CLOCK_WARNING_MS = 2 * 60_000;
const MAX_ITEMS = 50;

/** Judges the facts: one check per concern, with the fix in plain words, and the summary. */
export function judgePreflight(facts: PreflightFacts): PreflightReport {
  const checks: PreflightCheck[] = [
    tvCheck(facts),
    audioCheck(facts),
    mediaCheck(facts.media),
    buttonCheck(facts.system),
    diskCheck(facts.disk),
    stationsCheck(facts.stations),
    sessionCheck(facts.session),
    clockCheck(facts.now, facts.browserTime),
    cueTargetsCheck(facts.cueTargets),
  ];
  const failed = checks.filter((check) => check.status === 'failed');
  const warnings = checks.filter((check) => check.status === 'warning').length;
  const summary =
    failed.length === 0
      ? warnings === 0
        ? 'Ready for the show'
        : `Ready for the show (${plural(warnings, 'warning')})`
      : `Not ready: ${plural(failed.length, 'check')} failed (${failed.map((check) => check.name).join(', ')})`;
  return { ready: failed.length === 0, summary, checkedAt: new Date(facts.now).toISOString(), checks };
}

function tvCheck({ system, currentVideo, roomScreen }: PreflightFacts): PreflightCheck {
  const name = 'The TV';
  if (system.displayConnected === false) {
    return failed('tv', name, 'No TV is connected to the HDMI port (or it is switched off).', 'Plug the TV into the Pi\'s HDMI port (the one next to the power socket), switch it on and choose that input.');
  }
  if (!system.videoDisplayReady) {
    return failed('tv', name, 'The video player is not running on a screen, so clips cannot play.', 'Connect the TV before powering the Pi on, then restart the Pi. On a computer without a TV, VIDEO_PLAYER=none turns the TV off on purpose.');
  }
  if (currentVideo) return ok('tv', name, `Connected; a clip plays now (${currentVideo.tokenId}); ${screenWords[roomScreen]} returns when it ends.`);
  return ok('tv', name, `Connected and showing ${screenWords[roomScreen]}.`);
}

const screenWords: Record<RoomView['screen'], string> = { welcome: 'the welcome screen', scoreboard: 'the scoreboard', announcement: 'a group completion' };

function audioCheck({ sound, soundCues, system }: PreflightFacts): PreflightCheck {
  const name = 'Sound';
  const clipsSilent = system.audioReady === false ? ' Clips play without sound: the video player could not open the audio output.' : '';
  switch (sound.outcome) {
    case 'absent':
      if (soundCues > 0) {
        return failed('audio', name, `No sound effects: ${sound.reason}; but ${plural(soundCues, 'cue')} play a sound.${clipsSilent}`, 'Set SOUND_PLAYER=mpv (the default) and restart, or take the sounds out of the cues file.');
      }
      return warning('audio', name, `No sound effects: ${sound.reason}; no cue plays a sound.${clipsSilent}`, 'Nothing to do unless you want sound effects: set SOUND_PLAYER=mpv.');
    case 'failed':
      return failed('audio', name, `The silent test sound did not play: ${sound.error}.${clipsSilent}`, 'Check that the TV is on and not muted; restart the Pi if it stays. The sound player restarts by itself after a crash.');
    case 'busy':
    case 'played': {
      if (clipsSilent !== '') return warning('audio', name, `The sound player works.${clipsSilent}`, 'Check the TV\'s sound settings, then play a clip from the Video card to test.');
      return ok('audio', name, sound.outcome === 'busy' ? 'The sound player is playing a sound now, so it works.' : 'A short silent test sound played through the sound player.');
    }
  }
}

const useWords: Record<MediaUse, string> = { video: 'clip', image: 'picture', audio: 'audio file', sound: 'sound' };

/** Whether a recognised file type can be used for this purpose (mpv plays the audio of a video file too). */
function fits(use: MediaUse, mediaType: string): boolean {
  switch (use) {
    case 'video':
      return mediaType.startsWith('video/') || mediaType === 'application/mp4';
    case 'image':
      return mediaType.startsWith('image/');
    case 'audio':
    case 'sound':
      return mediaType.startsWith('audio/') || mediaType.startsWith('video/') || mediaType === 'application/ogg';
  }
}

function mediaProblem(finding: MediaFinding): string | undefined {
  const { found } = finding;
  switch (found.state) {
    case 'missing':
      return 'missing from the media folder';
    case 'empty':
      return 'an empty file';
    case 'unrecognised':
      return `not a ${useWords[finding.use]} file this player knows`;
    case 'unreadable':
      return `cannot be read (${found.reason})`;
    case 'ok':
      return fits(finding.use, found.mediaType) ? undefined : `is ${found.mediaType}, not a ${useWords[finding.use]}`;
  }
}

function mediaCheck(media: readonly MediaFinding[]): PreflightCheck {
  const name = 'Media files';
  if (media.length === 0) return ok('media', name, 'No token or cue names a file.');
  const bad = media.flatMap((finding) => {
    const problem = mediaProblem(finding);
    return problem === undefined ? [] : [{ file: finding.file, line: `${finding.file} (${finding.usedBy}'s ${useWords[finding.use]}): ${problem}` }];
  });
  const problems = bad.map((each) => each.line);
  const badFiles = [...new Set(bad.map((each) => each.file))];
  const files = new Set(media.map((finding) => finding.file)).size;
  if (problems.length === 0) return ok('media', name, `All ${plural(files, 'file')} named by the tokens and cues are present and readable.`);
  return {
    ...failed(
      'media',
      name,
      `${plural(badFiles.length, 'file')} of ${files} cannot be played: ${badFiles.slice(0, 3).join(', ')}${badFiles.length > 3 ? ` and ${badFiles.length - 3} more` : ''}.`,
      'Copy the missing or broken files into the media folder (MEDIA_DIR) under exactly these names, or correct the names in the tokens or cues file.',
    ),
    items: problems.slice(0, MAX_ITEMS),
  };
}

function buttonCheck(system: SystemStatus): PreflightCheck {
  const name = 'Reset button';
  switch (system.resetButton) {
    case 'ok':
      return ok('button', name, 'Readable: a long press resets the game.');
    case 'fault':
      return failed('button', name, 'The button reads as held down all the time (stuck or wired wrong), so it is ignored.', 'Check the button\'s wiring to its GPIO pin and ground; until then reset from this page.');
    case 'unavailable':
      return warning('button', name, 'No reset button was found.', 'Without it, reset the game from this page. On a Pi, check that the button overlay is set up (the installer does it) and the button is wired.');
  }
}

function diskCheck(disk: PreflightFacts['disk']): PreflightCheck {
  const name = 'Free disk space';
  if (disk === undefined) return warning('disk', name, 'Not measured yet (the health sampler has not run).', 'Run the preflight again in a minute.');
  const free = `${formatBytes(disk.freeBytes)} free of ${formatBytes(disk.totalBytes)}`;
  if (disk.freeBytes < DISK_FAILED_BELOW) return failed('disk', name, `${free}: the game log may fail to save scans.`, 'Delete old files from the SD card, or use a larger card.');
  if (disk.freeBytes < DISK_WARNING_BELOW) return warning('disk', name, `${free}.`, 'Enough for tonight; make room before adding more clips.');
  return ok('disk', name, `${free}.`);
}

function stationsCheck(stations: number): PreflightCheck {
  const name = 'GM stations';
  if (stations === 0) return warning('stations', name, 'No GM station is connected.', 'Open /gm on each GM tablet (the QR code on the GM stations card) and log in.');
  return ok('stations', name, `${plural(stations, 'GM station')} connected.`);
}

function sessionCheck(session: Session | undefined): PreflightCheck {
  const name = 'Session';
  if (session === undefined) return failed('session', name, 'There is no session: scans would be refused.', 'Start a new session on the Session card.');
  switch (session.status) {
    case 'active':
      return ok('session', name, `"${session.name}" is running${session.transactionCount > 0 ? ` (${plural(session.transactionCount, 'scan')} already)` : ' with no scans yet'}.`);
    case 'paused':
      return warning('session', name, `"${session.name}" is paused: scans are refused until it resumes.`, 'Press Resume on the Session card when the game starts.');
    case 'completed':
      return failed('session', name, `"${session.name}" has ended: scans would be refused.`, 'Start a new session on the Session card.');
  }
}

function clockCheck(now: number, browserTime: number | undefined): PreflightCheck {
  const name = 'System clock';
  const pi = new Date(now).toISOString().replace('T', ' ').slice(0, 16);
  if (browserTime === undefined) return warning('clock', name, `The Pi says ${pi} UTC; not compared with this device's clock.`, 'Run the preflight from the /admin page, which sends its own time.');
  const off = now - browserTime;
  if (Math.abs(off) <= CLOCK_WARNING_MS) return ok('clock', name, `Agrees with this device's clock (within ${Math.max(1, Math.round(Math.abs(off) / 1000))} s).`);
  return warning(
    'clock',
    name,
    `The Pi's clock is ${formatDuration(Math.abs(off))} ${off > 0 ? 'ahead of' : 'behind'} this device's (the Pi says ${pi} UTC). Scan times and exports carry the Pi's time.`,
    'The Pi has no clock battery and no internet on its own Wi-Fi: connect it once to a network with internet (it sets its clock by itself), or set it with `sudo date -s` over ssh. The game clock is not affected.',
  );
}

function cueTargetsCheck(targets: readonly TargetFinding[]): PreflightCheck {
  const name = 'Cue targets';
  if (targets.length === 0) return ok('cue-targets', name, 'No cue sends OSC or HTTP.');
  const line = (target: TargetFinding) => `${target.target} (${target.usedBy.join(', ')}): ${target.detail}`;
  const down = targets.filter((target) => target.state === 'unreachable');
  const unsure = targets.filter((target) => target.state === 'unconfirmed');
  const items = [...down, ...unsure, ...targets.filter((target) => target.state === 'reachable')].map(line).slice(0, MAX_ITEMS);
  const fix = 'Switch on the lighting desk or show controller, join it to the same network, and check the address and port in the cues file.';
  if (down.length > 0) {
    return { ...failed('cue-targets', name, `${plural(down.length, 'target')} of ${targets.length} cannot be reached: ${down.map((target) => target.target).join(', ')}.`, fix), items };
  }
  if (unsure.length > 0) {
    return { ...warning('cue-targets', name, `${plural(unsure.length, 'target')} of ${targets.length} did not answer the check: ${unsure.map((target) => target.target).join(', ')}.`, `${fix} Fire a manual cue to test it.`), items };
  }
  return { ...ok('cue-targets', name, `All ${plural(targets.length, 'target')} answered.`), items };
}

function ok(id: PreflightCheck['id'], name: string, detail: string): PreflightCheck {
  return { id, name, status: 'ok', detail };
}

function warning(id: PreflightCheck['id'], name: string, detail: string, fix: string): PreflightCheck {
  return { id, name, status: 'warning', detail, fix };
}

function failed(id: PreflightCheck['id'], name: string, detail: string, fix: string): PreflightCheck {
  return { id, name, status: 'failed', detail, fix };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MiB) return `${(bytes / (1024 * MiB)).toFixed(1)} GB`;
  return `${Math.round(bytes / MiB)} MB`;
}

function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hours`;
  return `${Math.round(hours / 24)} days`;
}

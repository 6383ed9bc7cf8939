import type { Session } from '../contract/index.js';
import type { BusyPolicy } from '../domain/video-queue.js';
import { defaultHttpLimits, type HttpLimits } from '../transport/http/http-limits.js';
import { defaultOutputGuardLimits, type OutputGuardLimits } from '../transport/socket/output-guard.js';

/**
 * The tunables of the running app, in one place: the configuration fills them (src/config.ts
 * for what staff set), the defaults below for the rest, and tests override what they need.
 */
export interface Timing {
  /** How long a disconnected GM station is remembered and its missed events kept. */
  reconnectWindowMs: number;
  /** Minimum spacing of `state:update` broadcasts (100 ms = at most 10 per second). */
  stateUpdateIntervalMs: number;
  /** A player scanner silent this long is reported disconnected. */
  playerTimeoutMs: number;
  /** A player scan made longer than this before it arrives is recorded but starts no clip (PLAYER_SCAN_STALE_S). */
  playerScanStaleMs: number;
  /** How often the appliance's health is sampled (never per request). */
  healthIntervalMs: number;
  /** Socket.IO ping interval and timeout: a station silent for their sum is timed out. */
  pingIntervalMs: number;
  pingTimeoutMs: number;
  /** A connection that has not sent gm:identify this long after connecting is closed (admin ones excepted). */
  identifyTimeoutMs: number;
  /** An HTTP request whose headers have not all arrived this long after it started is closed. */
  headersTimeoutMs: number;
  /** An HTTP request (headers and body) not received in full this long after it started is closed. */
  requestTimeoutMs: number;
  /** How long the reset button is held to reset the game. */
  resetHoldMs: number;
  /** How long one component may take to stop before it is given up. */
  stopTimeoutMs: number;
  /** How often the machine's addresses are compared with the HTTPS certificate's (re-issued when they differ). */
  certificateCheckMs: number;
}

export const defaultTiming: Timing = {
  reconnectWindowMs: 30_000,
  stateUpdateIntervalMs: 100,
  playerTimeoutMs: 30_000,
  playerScanStaleMs: 60_000,
  healthIntervalMs: 10_000,
  pingIntervalMs: 10_000,
  pingTimeoutMs: 20_000,
  identifyTimeoutMs: 10_000,
  headersTimeoutMs: 5000,
  requestTimeoutMs: 10_000,
  resetHoldMs: 3000,
  stopTimeoutMs: 5000,
  certificateCheckMs: 60_000,
};

/** Caps on what clients can make the server hold; each refusal is a clear error. */
export interface Limits extends OutputGuardLimits {
  maxTeams: number;
  maxPlayerDevices: number;
  maxVideoQueue: number;
  /** Read-only display connections (`/scoreboard`) open at once; they count against no GM limit. */
  maxDisplays: number;
  /** TCP connections one client address may hold open; default maxStations + 10. */
  maxConnectionsPerAddress?: number;
  http: HttpLimits;
  /** Wrong station tokens (handshake and HTTP alike), per address and from all addresses, per minute. */
  stationTokenFailures: { perAddressPerMinute: number; totalPerMinute: number };
}

export const defaultLimits: Limits = {
  maxTeams: 50,
  maxPlayerDevices: 100,
  maxVideoQueue: 10,
  maxDisplays: 20,
  ...defaultOutputGuardLimits,
  http: defaultHttpLimits,
  stationTokenFailures: { perAddressPerMinute: 10, totalPerMinute: 100 },
};

/** Socket.IO messages above this are refused, so no client can exhaust memory. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

export function defaultMaxConnections(maxStations: number): number {
  return maxStations * 2 + 10;
}

/** What the app is asked to be: where it listens, who may connect, how the show runs. */
export interface AppSettings {
  host: string;
  port: number;
  /** HTTPS_PORT: HTTPS and Socket.IO beside `port` (0 picks one); undefined for none. Needs the app's `tls` adapter. */
  httpsPort?: number;
  maxStations: number;
  /**
   * Station connections open at once, identified or not (admin ones not counted). Default:
   * room for every station twice (a tablet reconnecting while its old connection times out) plus ten.
   */
  maxConnections?: number;
  /** The station token; undefined leaves the stations open. */
  stationToken: string | undefined;
  videoBusyPolicy: BusyPolicy;
  /** A new session's planned length (GAME_MINUTES); undefined counts up only. */
  gameMinutes?: number;
  /** The text on the TV's idle screen for a session. */
  idleText?: (session: Session | undefined, ports: ListeningPorts) => string | undefined;
  /** The built web pages; undefined serves the API only. */
  webDir?: string;
  /** ALLOWED_HOSTS: more names browsers may use to reach the orchestrator. */
  allowedHosts?: readonly string[];
  timing?: Partial<Timing>;
  limits?: Partial<Limits>;
}

/** Where the orchestrator listens once started (a setting of 0 picks a free port). */
export interface ListeningPorts {
  http: number;
  /** Undefined when HTTPS is off. */
  https: number | undefined;
}

import { z } from 'zod';
import {
  ClockCorrectionRequest,
  CueEnableRequest,
  CueFired,
  CueView,
  PreflightQuery,
  PreflightReport,
  CreateTeamRequest,
  DisplayRequest,
  DisplayState,
  MAX_SCANS_PER_BATCH,
  ReassignRequest,
  ReassignResponse,
  RenameTeamRequest,
  ScoreAdjustRequest,
  ScoreAdjustResponse,
  Team,
  Transaction,
  VoidRequest,
  ExportQuery,
  GameClock,
  GameState,
  LoginRequest,
  LoginResponse,
  NewSessionRequest,
  PlayerToken,
  OkResponse,
  PlayerHeartbeatRequest,
  PlayerScanBatchRequest,
  PlayerScanBatchResponse,
  PlayerScanRequest,
  PlayerScanResponse,
  Session,
  SessionExport,
  ShowToken,
  TlsInfo,
  StationAccessResponse,
  StatusResponse,
  UpdateSessionRequest,
  VideoBusyError,
  VideoControl,
  VideoOverview,
} from './index.js';

/**
 * The routes of src/transport/http/http-app.ts as the published OpenAPI document describes them.
 * A test compares this list with the routes the express app registers.
 */

export type HttpMethod = 'get' | 'post' | 'patch';

/** Who may call a route: anyone, an admin (Bearer admin token), GM stations (Bearer station or admin token while stations are closed), player scanners. */
export type Access = 'all' | 'admin' | 'station' | 'players';

/** The error statuses the API answers with. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 503;

export interface RouteError {
  description: string;
  /** The body, when it is not the plain error payload. */
  schema?: z.ZodType;
}

export interface HttpRoute {
  method: HttpMethod;
  /** As express declares it: `/api/sessions/:id/export`. */
  path: string;
  summary: string;
  description?: string;
  access: Access;
  body?: { schema: z.ZodType; required: boolean };
  query?: z.ZodObject;
  /** Path parameters: name → description. */
  params?: Record<string, string>;
  /** `schema`: the JSON body; `files`: a file instead, of these media types (type → what it is). */
  ok: { status: 200 | 201; description: string; schema?: z.ZodType; csv?: string; files?: Record<string, string> };
  /** Failures beyond every route's (403, 500), admin and station routes' (401) and bodies' (400, 413, 415). */
  errors?: Partial<Record<ErrorStatus, string | RouteError>>;
  rateLimit?: string;
}

/** A page the orchestrator serves when it has its built pages (dist/web). */
export interface PageRoute {
  method: 'get';
  path: string;
  summary: string;
  redirect?: string;
}

const videoBusy: RouteError = {
  description: 'VIDEO_BUSY: another clip plays, the queue is full, or this scanner already has a clip waiting.',
  schema: VideoBusyError,
};
const noSession = { 404: 'SESSION_NOT_FOUND: there is no current session.' } as const;
const playerErrors = {
  400: "INVALID_DATA: a malformed body, or a GM station's id.",
  429: 'DEVICE_LIMIT: a new scanner over MAX_PLAYER_DEVICES; RATE_LIMITED: more than 20 requests a second from this address.',
} as const;

type RouteDetails = Omit<HttpRoute, 'method' | 'path' | 'summary' | 'access' | 'ok'>;

/** One route: `'get /api/state'`, what it is, who may call it, its success, and the rest. */
function route(endpoint: `${HttpMethod} /${string}`, summary: string, access: Access, ok: HttpRoute['ok'], details: RouteDetails = {}): HttpRoute {
  const [method, path] = endpoint.split(' ') as [HttpMethod, string];
  return { method, path, summary, access, ok, ...details };
}

function ok(schema: z.ZodType, description: string, status: 200 | 201 = 200): HttpRoute['ok'] {
  return { status, description, schema };
}

function file(description: string, files: Record<string, string>): HttpRoute['ok'] {
  return { status: 200, description, files };
}

export const httpRoutes: readonly HttpRoute[] = [
  route('get /health', 'Readiness', 'all', ok(OkResponse, 'Ready.'), { errors: { 503: 'SERVER_ERROR: starting or stopping.' } }),
  route('post /api/admin/login', 'Log in as admin', 'all', ok(LoginResponse, 'The admin token.'), {
    description: 'Exchanges ADMIN_PASSWORD for an admin token valid for 12 hours.',
    body: { schema: LoginRequest, required: true },
    errors: { 401: 'INVALID_TOKEN: wrong password.', 429: 'RATE_LIMITED: more than 10 attempts a minute from this address, or too many wrong passwords.' },
    rateLimit: '10 a minute per address; wrong passwords are limited per address and in total',
  }),
  route('get /api/state', 'The game state', 'all', ok(GameState, 'The current game state.')),
  route('get /api/tokens', "The show's tokens", 'station', ok(z.array(ShowToken), "The show's tokens."), {
    description: 'With their point values. While stations are closed (STATION_TOKEN set), it needs `Authorization: Bearer <station token or admin token>`.',
    errors: { 429: 'RATE_LIMITED: too many wrong tokens from this address; wait a minute.' },
  }),
  route('get /api/station-access', 'Station access', 'admin', ok(StationAccessResponse, 'Whether stations are open, and the token.'), {
    description: "Whether GM stations need the station token, and the token (for the admin page's join QR code).",
  }),
  route('get /api/tls', 'The secure address', 'all', ok(TlsInfo, 'The ports and the CA fingerprint.'), {
    description: "Where HTTPS listens (the address GMs are given: Web NFC needs a secure page) and the fingerprint of the appliance's CA, for `/admin` and for the GM page on plain HTTP, which offers the secure address.",
  }),
  route('get /ca.crt', "The appliance's certificate authority", 'all', file("The CA certificate, to install once on each tablet.", {
    'application/x-x509-ca-cert': "The CA's certificate (PEM). Made at the first start, kept in DATA_DIR with its key (which never leaves it); it signs the HTTPS certificate.",
  }), {
    description: 'No login: the certificate is public. Compare its SHA-256 fingerprint with the one `/admin` shows before trusting it.',
    errors: { 404: 'NOT_FOUND: HTTPS is off (HTTPS_PORT=none).' },
  }),
  route('get /api/session', 'The current session', 'all', ok(Session, 'The current session.'), { errors: noSession }),
  route('post /api/session', 'Start a new session', 'admin', ok(Session, 'The new session.', 201), {
    description: 'Completes the current session and starts a new one; every GM station moves to it and gets `sync:full`.',
    body: { schema: NewSessionRequest, required: false },
  }),
  route('patch /api/session', 'Pause, resume or complete the current session', 'admin', ok(Session, 'The session.'), {
    body: { schema: UpdateSessionRequest, required: true },
    errors: noSession,
  }),
  route('patch /api/session/clock', 'Correct the game clock', 'admin', ok(GameClock, 'The clock after the correction.'), {
    description: "Sets the planned length and/or corrects the elapsed time; every correction is kept in the session's clock log.",
    body: { schema: ClockCorrectionRequest, required: true },
    errors: noSession,
  }),
  route('get /api/sessions', 'Every session', 'admin', ok(z.array(Session), 'Every session, newest first, with counts.')),
  route('get /api/sessions/:id/export', 'Export a session', 'admin', {
    ...ok(SessionExport, 'An attachment: `session-{id}.json` or `session-{id}.csv`.'),
    csv:
      'Three tables, each with its header line, separated by an empty line: the transactions (timestamp, id, teamId, tokenId, ' +
      'scannerId, status, points, rejectionReason, voidedAt, voidReason), the final leaderboard (rank, teamId, name, score, ' +
      'tokensScanned, bonusPoints, adjustmentPoints, completedGroups) and the corrections (at, kind, by, reason, transactionId, ' +
      'teamId, points, newTransactionId, name). A cell starting with = + - @ is escaped with a quote.',
  }, {
    description: 'The session, leaderboard, teams, transactions, corrections and player scans as a JSON download, or as CSV.',
    params: { id: "The session's id." },
    query: ExportQuery,
    errors: { 404: 'SESSION_NOT_FOUND: no session with this id.' },
  }),
  route('post /api/scan', 'A player scanner read a token', 'players', ok(PlayerScanResponse, 'The scan is recorded.'), {
    description:
      "Answered once the scan is durable (group-committed with transactions); a video token's clip plays, unless the scan was made " +
      'more than PLAYER_SCAN_STALE_S seconds before it arrived (`scannedAt`; `stale: true`). A repeated `scanId` from the same device ' +
      "gets the first answer again and records nothing. Player scanner ids live apart from GM stations': a station's id is refused. " +
      'At most MAX_PLAYER_DEVICES scanners are known at once.',
    body: { schema: PlayerScanRequest, required: true },
    errors: { ...playerErrors, 404: 'INVALID_DATA: a token the show does not have.', 409: videoBusy },
    rateLimit: '20 a second per address',
  }),
  route('post /api/scan/batch', 'A player scanner replays the scans it kept offline', 'players', ok(PlayerScanBatchResponse, 'Each scan answered, in order.'), {
    description:
      'Each scan is handled as `POST /api/scan` would, in order, in one group commit; a refused one (an invalid item, an unknown token, ' +
      'VIDEO_BUSY, ...) gets its own `rejected` result and the others are still recorded. The body must fit in 16 KiB.',
    body: { schema: PlayerScanBatchRequest, required: true },
    errors: {
      400: `INVALID_DATA: not \`{scans: [...]}\` with 1-${MAX_SCANS_PER_BATCH} objects; nothing is recorded.`,
      429: 'RATE_LIMITED: more than 20 requests a second from this address (a new scanner over MAX_PLAYER_DEVICES is refused per scan, DEVICE_LIMIT).',
    },
    rateLimit: '20 a second per address (shared with /api/scan; a batch is one request)',
  }),
  route('post /api/heartbeat', 'A player scanner is alive', 'players', ok(OkResponse, 'Noted.'), {
    description: 'Keeps a player scanner connected (30 s timeout).',
    body: { schema: PlayerHeartbeatRequest, required: true },
    errors: playerErrors,
    rateLimit: '20 a second per address (shared with /api/scan)',
  }),
  route('get /api/player/tokens/:id', 'A token as a player scanner shows it', 'players', ok(PlayerToken, 'The addresses of its picture and sound, and whether it has a clip.'), {
    description: 'Matched case-insensitively. No points, group or memory type: players do not see the economy.',
    params: { id: "The token's id." },
    errors: { 404: 'INVALID_DATA: a token the show does not have.', 429: 'RATE_LIMITED: more than 20 requests a second from this address.' },
    rateLimit: '20 a second per address (shared with /api/scan)',
  }),
  route('get /api/tokens/:id/media/:kind', "A token's picture or sound", 'players', file('The file, with its type from its name; range requests are answered.', {
    'image/*': 'The picture the tokens file names in `image`.',
    'audio/*': 'The sound the tokens file names in `audio`.',
  }), {
    description: "Only the file the tokens file names for this token, under MEDIA_DIR: a name or symlink leading out of MEDIA_DIR is refused, and no other file of MEDIA_DIR is served.",
    params: { id: "The token's id.", kind: '`image` or `audio` (MediaKind).' },
    errors: {
      400: 'INVALID_DATA: a kind other than image or audio, or a file named outside MEDIA_DIR.',
      404: 'INVALID_DATA: a token the show does not have; NOT_FOUND: it has no such file, or the file is missing.',
    },
  }),
  route('get /api/status', "The appliance's status", 'admin', ok(StatusResponse, 'The status.'), {
    description: 'The system summary and the latest health sample (load, CPU, memory, disk free on DATA_DIR, uptime, temperature, throttling).',
  }),
  route('get /api/video', 'The TV', 'admin', ok(VideoOverview, "The TV's status, the current item and the queue.")),
  route('post /api/video', 'Control the TV', 'admin', ok(VideoOverview, 'The video overview after the command.'), {
    description: "The same commands as the admin socket's `video:control`.",
    body: { schema: VideoControl, required: true },
    errors: { 400: 'INVALID_DATA: a malformed body, or a token without a video.', 404: 'INVALID_DATA: a token the show does not have.', 409: videoBusy },
  }),
  route('post /api/reset', 'Reset the game', 'admin', ok(Session, 'The new session.'), {
    description: 'Completes the session, starts a fresh one and clears the video queue (the same as the reset button).',
  }),
  route('get /api/display', 'What the room screens show', 'all', ok(DisplayState, 'The mode.')),
  route('post /api/display', 'Choose what the room screens show', 'admin', ok(DisplayState, 'The mode now.'), {
    description: 'Between clips, while a session runs, the TV and `/scoreboard` show the leaderboard and clock (`scoreboard`, the default) or the welcome screen (`welcome`). Kept across restarts; `GameState.display` reports it.',
    body: { schema: DisplayRequest, required: true },
  }),
  route('get /api/cues', "The show's cues", 'admin', ok(z.array(CueView), 'Every cue of CUES_FILE, in file order, with its switch and last firing in this session (none without CUES_FILE).')),
  route('post /api/cues/:id/fire', 'Fire a cue now', 'admin', ok(CueFired, 'The firing, once every action ran.'), {
    description: 'Runs the cue (any cue, manual or not, enabled or not) as staff asked; the firing also goes to `admin` as `cue:fired`.',
    params: { id: "The cue's id." },
    errors: { 404: 'NOT_FOUND: no cue has this id.' },
  }),
  route('patch /api/cues/:id', 'Switch a cue on or off', 'admin', ok(CueView, 'The cue now.'), {
    description: 'Kept with the session: after a restart the cue is as staff left it.',
    params: { id: "The cue's id." },
    body: { schema: CueEnableRequest, required: true },
    errors: { 404: 'NOT_FOUND: no cue has this id.' },
  }),
  route('get /api/preflight', 'Preflight before doors open', 'admin', ok(PreflightReport, 'Every check, in order, with what was found and the fix; `ready` when none failed.'), {
    description:
      'Checks the TV (connected, showing the idle screen), the sound (a short silent test through the sound player), every file the tokens ' +
      'and cues name (present, and its header a video, picture or sound), the reset button, the free disk space, the GM stations connected, ' +
      'the session, the system clock against `browserTime`, and every OSC/HTTP cue target (looked for, never sent a cue). Takes up to a few seconds.',
    query: PreflightQuery,
  }),
  route('post /api/sounds/stop', 'Stop all sounds', 'admin', ok(OkResponse, 'Whatever sound played is stopped (nothing without a sound player).')),
  route('get /api/teams', "The session's teams", 'station', ok(z.array(Team), 'The registered teams, in the order they were registered.'), {
    description: 'The same list as `GameState.teams`; empty when there is no session.',
    errors: { 429: 'RATE_LIMITED: too many wrong tokens from this address; wait a minute.' },
  }),
  route('post /api/teams', 'Register a team', 'admin', ok(Team, 'The team: 201 when it was registered now, 200 when a team of that name (without case) was there.', 201), {
    body: { schema: CreateTeamRequest, required: true },
    errors: { ...noSession, 409: 'TEAM_LIMIT: the session already has MAX_TEAMS teams.' },
  }),
  route('patch /api/teams/:teamId', 'Rename a team', 'admin', ok(Team, 'The renamed team (its id is unchanged).'), {
    description: "Kept in the session's audit trail.",
    params: { teamId: "The team's id." },
    body: { schema: RenameTeamRequest, required: true },
    errors: { 404: 'SESSION_NOT_FOUND: no current session; NOT_FOUND: no such team.', 409: 'CONFLICT: another team has that name.' },
  }),
  route('post /api/transactions/:id/void', 'Void a transaction', 'admin', ok(Transaction, 'The transaction, voided.'), {
    description:
      'The transaction stops counting: its token is free to be scanned for the right team (accepted, not duplicate) and group ' +
      "bonuses are recomputed. Kept in the session's audit trail; stations and admin get `transaction:updated` and `state:update`.",
    params: { id: "The transaction's id." },
    body: { schema: VoidRequest, required: true },
    errors: {
      404: 'SESSION_NOT_FOUND: no current session; NOT_FOUND: no such transaction in it.',
      409: 'CONFLICT: already voided, or it never counted (a duplicate or rejected scan).',
    },
  }),
  route('post /api/transactions/:id/reassign', 'Give a transaction to another team', 'admin', ok(ReassignResponse, 'The voided transaction and the new one.'), {
    description: 'Voids it and records the same token, accepted, for `teamId`, in one commit (`transaction:updated`, then `transaction:new`).',
    params: { id: "The transaction's id." },
    body: { schema: ReassignRequest, required: true },
    errors: {
      404: 'SESSION_NOT_FOUND: no current session; NOT_FOUND: no such transaction, or an unregistered team.',
      409: 'CONFLICT: already voided, never counted, or already that team\'s.',
    },
  }),
  route('post /api/scores/adjust', "Adjust a team's score", 'admin', ok(ScoreAdjustResponse, 'The adjustment and the score after it.'), {
    description: "A signed number of points for a registered team, with a reason; `TeamScore.adjustmentPoints` sums them. Kept in the audit trail.",
    body: { schema: ScoreAdjustRequest, required: true },
    errors: { 404: 'SESSION_NOT_FOUND: no current session; NOT_FOUND: an unregistered team.' },
  }),
];

export const pageRoutes: readonly PageRoute[] = [
  { method: 'get', path: '/', summary: 'Redirects to the GM station page', redirect: '/gm' },
  { method: 'get', path: '/gm', summary: 'The GM station page' },
  { method: 'get', path: '/admin', summary: 'The admin page' },
  { method: 'get', path: '/scoreboard', summary: 'The room view (leaderboard, clock) for any browser: a read-only display, no login' },
  { method: 'get', path: '/player', summary: 'The player scanner: scan a token by NFC, camera or typing; see its picture, hear its sound, watch its clip on the TV' },
];

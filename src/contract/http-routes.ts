import { z } from 'zod';
import {
  ExportQuery,
  GameState,
  LoginRequest,
  LoginResponse,
  NewSessionRequest,
  OkResponse,
  PlayerHeartbeatRequest,
  PlayerScanRequest,
  PlayerScanResponse,
  Session,
  SessionExport,
  ShowToken,
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
  ok: { status: 200 | 201; description: string; schema: z.ZodType; csv?: string };
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

export const httpRoutes: readonly HttpRoute[] = [
  {
    method: 'get',
    path: '/health',
    summary: 'Readiness',
    access: 'all',
    ok: { status: 200, description: 'Ready.', schema: OkResponse },
    errors: { 503: 'SERVER_ERROR: starting or stopping.' },
  },
  {
    method: 'post',
    path: '/api/admin/login',
    summary: 'Log in as admin',
    description: 'Exchanges ADMIN_PASSWORD for an admin token valid for 12 hours.',
    access: 'all',
    body: { schema: LoginRequest, required: true },
    ok: { status: 200, description: 'The admin token.', schema: LoginResponse },
    errors: { 401: 'INVALID_TOKEN: wrong password.', 429: 'RATE_LIMITED: more than 10 attempts a minute from this address, or too many wrong passwords.' },
    rateLimit: '10 a minute per address; wrong passwords are limited per address and in total',
  },
  {
    method: 'get',
    path: '/api/state',
    summary: 'The game state',
    access: 'all',
    ok: { status: 200, description: 'The current game state.', schema: GameState },
  },
  {
    method: 'get',
    path: '/api/tokens',
    summary: "The show's tokens",
    description: 'With their point values. While stations are closed (STATION_TOKEN set), it needs `Authorization: Bearer <station token or admin token>`.',
    access: 'station',
    ok: { status: 200, description: "The show's tokens.", schema: z.array(ShowToken) },
    errors: { 429: 'RATE_LIMITED: too many wrong tokens from this address; wait a minute.' },
  },
  {
    method: 'get',
    path: '/api/station-access',
    summary: 'Station access',
    description: "Whether GM stations need the station token, and the token (for the admin page's join QR code).",
    access: 'admin',
    ok: { status: 200, description: 'Whether stations are open, and the token.', schema: StationAccessResponse },
  },
  {
    method: 'get',
    path: '/api/session',
    summary: 'The current session',
    access: 'all',
    ok: { status: 200, description: 'The current session.', schema: Session },
    errors: { 404: 'SESSION_NOT_FOUND: there is no current session.' },
  },
  {
    method: 'post',
    path: '/api/session',
    summary: 'Start a new session',
    description: 'Completes the current session and starts a new one; every GM station moves to it and gets `sync:full`.',
    access: 'admin',
    body: { schema: NewSessionRequest, required: false },
    ok: { status: 201, description: 'The new session.', schema: Session },
  },
  {
    method: 'patch',
    path: '/api/session',
    summary: 'Pause, resume or complete the current session',
    access: 'admin',
    body: { schema: UpdateSessionRequest, required: true },
    ok: { status: 200, description: 'The session.', schema: Session },
    errors: { 404: 'SESSION_NOT_FOUND: there is no current session.' },
  },
  {
    method: 'get',
    path: '/api/sessions',
    summary: 'Every session',
    access: 'admin',
    ok: { status: 200, description: 'Every session, newest first, with counts.', schema: z.array(Session) },
  },
  {
    method: 'get',
    path: '/api/sessions/:id/export',
    summary: 'Export a session',
    description: 'The session, scores, transactions and player scans as a JSON download, or its transactions as CSV.',
    access: 'admin',
    params: { id: "The session's id." },
    query: ExportQuery,
    ok: {
      status: 200,
      description: 'An attachment: `session-{id}.json` or `session-{id}.csv`.',
      schema: SessionExport,
      csv: 'Columns timestamp, id, teamId, tokenId, scannerId, status, points, rejectionReason, with a header line; a cell starting with = + - @ is escaped with a quote.',
    },
    errors: { 404: 'SESSION_NOT_FOUND: no session with this id.' },
  },
  {
    method: 'post',
    path: '/api/scan',
    summary: 'A player scanner read a token',
    description:
      "Answered once the scan is durable (group-committed with transactions); a video token's clip plays. Player scanner ids live apart " +
      "from GM stations': a station's id is refused. At most MAX_PLAYER_DEVICES scanners are known at once.",
    access: 'players',
    body: { schema: PlayerScanRequest, required: true },
    ok: { status: 200, description: 'The scan is recorded.', schema: PlayerScanResponse },
    errors: {
      400: "INVALID_DATA: a malformed body, or a GM station's id.",
      404: 'INVALID_DATA: a token the show does not have.',
      409: videoBusy,
      429: 'DEVICE_LIMIT: a new scanner over MAX_PLAYER_DEVICES; RATE_LIMITED: more than 20 requests a second from this address.',
    },
    rateLimit: '20 a second per address',
  },
  {
    method: 'post',
    path: '/api/heartbeat',
    summary: 'A player scanner is alive',
    description: 'Keeps a player scanner connected (30 s timeout).',
    access: 'players',
    body: { schema: PlayerHeartbeatRequest, required: true },
    ok: { status: 200, description: 'Noted.', schema: OkResponse },
    errors: {
      400: "INVALID_DATA: a malformed body, or a GM station's id.",
      429: 'DEVICE_LIMIT: a new scanner over MAX_PLAYER_DEVICES; RATE_LIMITED: more than 20 requests a second from this address.',
    },
    rateLimit: '20 a second per address (shared with /api/scan)',
  },
  {
    method: 'get',
    path: '/api/status',
    summary: "The appliance's status",
    description: 'The system summary and the latest health sample (load, CPU, memory, disk free on DATA_DIR, uptime, temperature, throttling).',
    access: 'admin',
    ok: { status: 200, description: 'The status.', schema: StatusResponse },
  },
  {
    method: 'get',
    path: '/api/video',
    summary: 'The TV',
    access: 'admin',
    ok: { status: 200, description: "The TV's status, the current item and the queue.", schema: VideoOverview },
  },
  {
    method: 'post',
    path: '/api/video',
    summary: 'Control the TV',
    description: 'The same commands as the admin socket\'s `video:control`.',
    access: 'admin',
    body: { schema: VideoControl, required: true },
    ok: { status: 200, description: 'The video overview after the command.', schema: VideoOverview },
    errors: { 400: 'INVALID_DATA: a malformed body, or a token without a video.', 404: 'INVALID_DATA: a token the show does not have.', 409: videoBusy },
  },
  {
    method: 'post',
    path: '/api/reset',
    summary: 'Reset the game',
    description: 'Completes the session, starts a fresh one and clears the video queue (the same as the reset button).',
    access: 'admin',
    ok: { status: 200, description: 'The new session.', schema: Session },
  },
];

export const pageRoutes: readonly PageRoute[] = [
  { method: 'get', path: '/', summary: 'Redirects to the GM station page', redirect: '/gm' },
  { method: 'get', path: '/gm', summary: 'The GM station page' },
  { method: 'get', path: '/admin', summary: 'The admin page' },
];

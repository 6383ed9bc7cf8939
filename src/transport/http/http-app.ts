import express, { type NextFunction, type Request, type Response } from 'express';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  AppError,
  ClockCorrectionRequest,
  DisplayRequest,
  ExportQuery,
  LoginRequest,
  NewSessionRequest,
  parseOrThrow,
  UpdateSessionRequest,
  VideoControl,
  type LoginResponse,
  type StationAccessResponse,
} from '../../contract/index.js';
import { KeyedRateLimiter } from '../rate-limit.js';
import type { ShowOperations } from '../../ports/show-operations.js';
import type { Clock } from '../../ports/clock.js';
import type { AdminAuth } from '../admin-auth.js';
import { toAppError } from '../errors.js';
import { FailedAttempts } from '../failed-attempts.js';
import { LogOncePer } from '../log-once.js';
import type { OriginPolicy } from '../origin-policy.js';
import { securityHeaders } from './security-headers.js';
import { accessGuards } from './access-guards.js';
import { addCorrectionRoutes } from './correction-routes.js';
import { addCueRoutes } from './cue-routes.js';
import { addPreflightRoutes } from './preflight-routes.js';
import type { PreflightRunner } from '../../ports/preflight-probes.js';
import type { CueControl } from '../../ports/cue-actions.js';
import { addTlsRoutes, type TlsEndpoints } from './tls-routes.js';
import { addPlayerRoutes } from './player-routes.js';
import { addMediaRoutes } from './media-routes.js';
import type { MediaLibrary } from '../../ports/media-library.js';
import { sessionCsv } from './session-csv.js';
import type { GameCorrections } from '../../ports/game-corrections.js';
import type { RoomControl } from '../../ports/room-control.js';
import { HttpError, httpReplyOf } from './http-errors.js';
import { defaultHttpLimits, type HttpLimits } from './http-limits.js';

export interface HttpAppDeps {
  show: ShowOperations;
  corrections: GameCorrections;
  /** The room screens: their mode, for staff. */
  room: RoomControl;
  adminAuth: AdminAuth;
  clock: Pick<Clock, 'now'>;
  logger: Logger;
  isReady: () => boolean;
  /** The built pages (dist/web); undefined serves no pages. */
  webDir?: string | undefined;
  /** Which Host and Origin headers are this orchestrator's own. */
  origins: OriginPolicy;
  /** The station token; undefined when the stations are open. */
  stationToken: string | undefined;
  /** Wrong station tokens, shared with the Socket.IO handshake. */
  stationTokenFailures: FailedAttempts;
  /** MEDIA_DIR: the tokens' pictures and sounds for the player scanners. */
  media: MediaLibrary;
  limits?: HttpLimits;
  /** HTTPS: the ports and the CA certificate for `/api/tls` and `/ca.crt`. */
  tls: TlsEndpoints;
  /** The show's cues, for staff. */
  cues: CueControl;
  /** The sound player, for "stop all sounds"; undefined without one. */
  sounds?: { stopAll(): void } | undefined;
  /** The preflight before doors open. */
  preflight: PreflightRunner;
}


/** The HTTP JSON API. Every body and query is parsed by its contract schema. */
export function createHttpApp(deps: HttpAppDeps): express.Express {
  const { show, adminAuth, clock } = deps;
  const limits = deps.limits ?? defaultHttpLimits;
  const log = deps.logger.child({ component: 'http' });
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(securityHeaders());

  // Another site's page (cross-origin) or a DNS-rebinding name that resolves to the appliance.
  const refusals = new LogOncePer(clock);
  app.use((req, _res, next) => {
    const host = req.get('host');
    const origin = req.get('origin');
    if (deps.origins.allowsHost(host) && deps.origins.allowsOrigin(origin)) {
      next();
      return;
    }
    const address = req.socket.remoteAddress ?? 'unknown';
    if (refusals.shouldLog(address)) log.warn({ address, host, origin }, 'request refused: not addressed to this orchestrator');
    throw new AppError('FORBIDDEN', 'this request does not come from the orchestrator\'s own pages or names');
  });

  // A body declared too large is refused before a byte of it is read, and the connection closed.
  app.use((req, res, next) => {
    const declared = Number(req.get('content-length') ?? 0);
    if (!(declared > limits.bodyBytes)) {
      next();
      return;
    }
    res.set('connection', 'close');
    res.once('finish', () => req.socket.destroy());
    throw bodyTooLarge(limits);
  });
  // A body without a declared length (chunked) is counted as it arrives: past the limit it is
  // answered 413 at once and the connection closed, rather than read to its end.
  app.use((req, res, next) => {
    if (req.get('content-length') !== undefined) {
      next();
      return;
    }
    let received = 0;
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limits.bodyBytes || res.headersSent) return;
      req.off('data', count);
      const failure = httpReplyOf(bodyTooLarge(limits));
      res.status(failure.status).set('connection', 'close').json(failure.body);
      res.once('finish', () => req.socket.destroy());
    };
    req.on('data', count);
    next();
  });
  app.use(express.json({ limit: limits.bodyBytes, strict: true }));

  const loginLimiter = new KeyedRateLimiter(clock, limits.logins);
  const loginFailures = new FailedAttempts({ clock, log, what: 'admin password', ...limits.loginFailures });
  // Player scanners: generous, but a stuck reader cannot flood the log.
  const playerLimiter = new KeyedRateLimiter(clock, limits.playerRequests);

  const { requireAdmin, requireStation } = accessGuards(deps);
  const limit = (limiter: KeyedRateLimiter) => (req: Request, _res: Response, next: NextFunction) => {
    if (!limiter.allow(req.ip ?? 'unknown')) throw new AppError('RATE_LIMITED', 'too many requests: slow down and retry');
    next();
  };

  if (deps.webDir !== undefined) {
    const webDir = deps.webDir;
    app.use('/assets', express.static(join(webDir, 'assets'), { index: false, maxAge: '1h' }));
    app.get('/', (_req, res) => res.redirect('/gm'));
    app.get('/gm', (_req, res) => res.sendFile(join(webDir, 'gm.html')));
    app.get('/admin', (_req, res) => res.sendFile(join(webDir, 'admin.html')));
    app.get('/scoreboard', (_req, res) => res.sendFile(join(webDir, 'scoreboard.html')));
    app.get('/player', (_req, res) => res.sendFile(join(webDir, 'player.html')));
  }

  app.get('/health', (_req, res) => {
    if (!deps.isReady()) throw new HttpError(503, 'SERVER_ERROR', 'starting or stopping');
    res.json({ status: 'ok' });
  });

  app.post('/api/admin/login', limit(loginLimiter), async (req, res) => {
    const address = req.ip ?? 'unknown';
    const { password } = parseOrThrow(LoginRequest, req.body, 'login');
    if (!loginFailures.mayTry(address)) throw new AppError('RATE_LIMITED', 'too many wrong passwords: wait a minute');
    if (!(await adminAuth.checkPassword(password))) {
      loginFailures.failed(address);
      throw new AppError('INVALID_TOKEN', 'wrong password');
    }
    loginFailures.succeeded(address);
    const body: LoginResponse = await adminAuth.issueToken(clock.now());
    res.json(body);
  });

  // The station token for the admin page's "join as a GM station" QR code.
  app.get('/api/station-access', requireAdmin, (_req, res) => {
    const body: StationAccessResponse = deps.stationToken === undefined ? { open: true, token: null } : { open: false, token: deps.stationToken };
    res.json(body);
  });

  app.get('/api/state', (_req, res) => {
    res.json(show.state());
  });

  app.get('/api/tokens', requireStation, (_req, res) => {
    res.json(show.tokens());
  });

  app.get('/api/session', (_req, res) => {
    const session = show.session;
    if (!session) throw new AppError('SESSION_NOT_FOUND', 'no current session');
    res.json(session);
  });

  app.post('/api/session', requireAdmin, (req, res) => {
    const { name } = parseOrThrow(NewSessionRequest, req.body ?? {}, 'new session');
    res.status(201).json(show.newSession(name));
  });

  app.patch('/api/session', requireAdmin, (req, res) => {
    const { status } = parseOrThrow(UpdateSessionRequest, req.body, 'session update');
    res.json(show.setSessionStatus(status));
  });

  app.patch('/api/session/clock', requireAdmin, (req, res) => {
    const correction = parseOrThrow(ClockCorrectionRequest, req.body, 'clock correction');
    const clock = show.correctClock(correction, 'admin');
    log.info({ correction }, 'game clock corrected by admin');
    res.json(clock);
  });

  app.get('/api/sessions', requireAdmin, (_req, res) => {
    res.json(show.sessions());
  });

  app.get('/api/sessions/:id/export', requireAdmin, (req, res) => {
    const { format } = parseOrThrow(ExportQuery, req.query, 'export query');
    const id = String(req.params.id);
    const record = { ...show.sessionRecord(id), cues: deps.cues.firings(id) };
    const name = `session-${record.session.id}`;
    if (format === 'json') {
      res.attachment(`${name}.json`).json(record);
      return;
    }
    const csv = sessionCsv(record);
    res.attachment(`${name}.csv`).type('text/csv').send(csv);
  });

  addPlayerRoutes(app, { players: show, limit: limit(playerLimiter), log });

  app.get('/api/status', requireAdmin, (_req, res) => {
    res.json(show.status());
  });

  app.get('/api/video', requireAdmin, (_req, res) => {
    res.json(show.videoOverview());
  });

  app.post('/api/video', requireAdmin, (req, res) => {
    res.json(show.controlVideo(parseOrThrow(VideoControl, req.body, 'video command')));
  });

  app.get('/api/display', (_req, res) => {
    res.json(deps.room.display);
  });

  app.post('/api/display', requireAdmin, (req, res) => {
    const { mode } = parseOrThrow(DisplayRequest, req.body, 'display');
    res.json(deps.room.setMode(mode));
  });

  app.post('/api/reset', requireAdmin, (_req, res) => {
    const session = show.reset('admin');
    log.warn({ sessionId: session.id }, 'game reset by admin');
    res.json(session);
  });

  addCorrectionRoutes(app, deps.corrections, { requireAdmin, requireStation }, log);
  addCueRoutes(app, { cues: deps.cues, sounds: deps.sounds, requireAdmin, log });
  addPreflightRoutes(app, { preflight: deps.preflight, requireAdmin, log });
  addTlsRoutes(app, () => deps.tls);
  addMediaRoutes(app, { tokens: () => show.tokens(), media: deps.media, limit: limit(playerLimiter) });

  app.use('/api', (req) => {
    throw new AppError('NOT_FOUND', `no route ${req.method} ${req.originalUrl.split('?')[0] ?? ''}`);
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    const failure = bodyParserError(error, limits) ?? toAppError(error, log);
    const reply = httpReplyOf(failure);
    res.status(reply.status).json(reply.body);
  });
  return app;
}

/** express.json's own failures (bad JSON, too large) as contract errors. */
function bodyParserError(error: unknown, limits: HttpLimits): AppError | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  switch ((error).type) {
    case 'entity.parse.failed':
      return new AppError('INVALID_DATA', 'the body is not valid JSON');
    case 'entity.too.large':
      return bodyTooLarge(limits);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'INVALID_DATA', 'unsupported body encoding');
    default:
      return undefined;
  }
}

function bodyTooLarge(limits: HttpLimits): HttpError {
  return new HttpError(413, 'INVALID_DATA', `the body is larger than ${limits.bodyBytes / 1024}kb`);
}

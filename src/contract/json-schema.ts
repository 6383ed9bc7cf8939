import { z } from 'zod';
import { ErrorCode, ErrorPayload } from './errors.js';
import { AckError, ackDataSchemas, clientEventSchemas, envelopeOf, HandshakeAuth, serverEventSchemas, type ServerEventName } from './events.js';
import {
  ExportQuery,
  HealthResponse,
  LoginRequest,
  LoginResponse,
  NewSessionRequest,
  PlayerHeartbeatRequest,
  PlayerScanRequest,
  PlayerScanResponse,
  StationAccessResponse,
  StatusResponse,
  UpdateSessionRequest,
  VideoControl,
  VideoOverview,
} from './http.js';
import { DeviceConnection, GameState, PlayerScan, Session, ShowToken, TeamScore, Transaction, VideoStatus } from './model.js';
import { contractRateLimits } from './rate-limits.js';
import { TokensFile } from './show-files.js';

const input = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
const output = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' });

/** The whole wire contract as JSON Schema: one document generated from the zod schemas. */
export function contractDocument() {
  const clientEvents = Object.fromEntries(
    Object.entries(clientEventSchemas).map(([event, schema]) => [
      event,
      {
        payload: input(schema),
        ack: {
          ok: output(z.object({ ok: z.literal(true), data: ackDataSchemas[event as keyof typeof ackDataSchemas] })),
          error: output(AckError),
        },
        rateLimit: contractRateLimits[event as keyof typeof clientEventSchemas] ?? null,
      },
    ]),
  );
  const serverEvents = Object.fromEntries(
    (Object.keys(serverEventSchemas) as ServerEventName[]).map((event) => [event, output(envelopeOf(event))]),
  );
  return {
    title: 'Show orchestrator contract',
    description:
      'Generated from src/contract by `npm run contract`. Client events accept the bare payload or {event, data}; ' +
      'every client event takes an acknowledgement callback. Server events arrive as {event, data, timestamp}.',
    socketIo: {
      path: '/socket.io',
      handshakeAuth: input(HandshakeAuth),
      rateLimitAllEvents: contractRateLimits.all,
      clientEvents,
      serverEvents,
    },
    errorCodes: ErrorCode.options,
    http: {
      'GET /health': { response: output(HealthResponse) },
      'POST /api/admin/login': { body: input(LoginRequest), response: output(LoginResponse) },
      'GET /api/state': { response: output(GameState) },
      'GET /api/tokens': { station: true, response: output(z.array(ShowToken)) },
      'GET /api/station-access': { admin: true, response: output(StationAccessResponse) },
      'GET /api/session': { response: output(Session) },
      'POST /api/session': { admin: true, body: input(NewSessionRequest), response: output(Session) },
      'PATCH /api/session': { admin: true, body: input(UpdateSessionRequest), response: output(Session) },
      'GET /api/sessions': { admin: true, response: output(z.array(Session)) },
      'GET /api/sessions/:id/export': {
        admin: true,
        query: input(ExportQuery),
        response: output(z.object({ session: Session, scores: z.array(TeamScore), transactions: z.array(Transaction), playerScans: z.array(PlayerScan) })),
      },
      'POST /api/scan': {
        body: input(PlayerScanRequest),
        response: output(PlayerScanResponse),
        busy: output(ErrorPayload.extend({ code: z.literal('VIDEO_BUSY'), status: z.literal('rejected') })),
      },
      'POST /api/heartbeat': { body: input(PlayerHeartbeatRequest) },
      'GET /api/status': { admin: true, response: output(StatusResponse) },
      'GET /api/video': { admin: true, response: output(VideoOverview) },
      'POST /api/video': { admin: true, body: input(VideoControl), response: output(VideoOverview) },
      'POST /api/reset': { admin: true, response: output(Session) },
      error: output(ErrorPayload),
    },
    models: {
      GameState: output(GameState),
      Transaction: output(Transaction),
      TeamScore: output(TeamScore),
      Session: output(Session),
      DeviceConnection: output(DeviceConnection),
      VideoStatus: output(VideoStatus),
      TokensFile: input(TokensFile),
    },
  };
}

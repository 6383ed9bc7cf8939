import { z } from 'zod';
import { ErrorCode } from './errors.js';
import {
  ackDataSchemas,
  ackResponses,
  clientEventNames,
  clientEventSchemas,
  clientMessages,
  HandshakeAuth,
  serverEnvelopes,
  serverEventNames,
  serverEventSchemas,
  type ClientEventName,
  type ServerEventName,
} from './events.js';
import { contractRateLimits, type RateLimit } from './rate-limits.js';
import { schemaComponents, schemaId, type JsonSchema } from './schema-components.js';

/**
 * docs/asyncapi.json: the Socket.IO side as AsyncAPI 3.0. The document describes the
 * orchestrator: it `receive`s the client events (each answered through its acknowledgement, the
 * operation's `reply`) and `send`s the server events to the rooms (the channels).
 */

const SCHEMAS = '#/components/schemas/';
const EXAMPLE_TIME = '2025-05-10T20:15:03.120Z';

type EventName = ClientEventName | ServerEventName;

/** `transaction:submit` → `transactionSubmit`, the key of its message. */
const messageKey = (event: EventName) => event.replace(/[:-](\w)/g, (_match, letter: string) => letter.toUpperCase());
const pascal = (key: string) => key.charAt(0).toUpperCase() + key.slice(1);

interface Room {
  address: string;
  title: string;
  description: string;
  parameters?: Record<string, { description: string }>;
  events: readonly ServerEventName[];
}

const toStationsAndAdmin = ['state:update', 'sync:full', 'device:connected', 'device:disconnected', 'video:status'] as const satisfies readonly ServerEventName[];

/** The rooms the orchestrator broadcasts to, and what each gets (src/transport/socket/broadcaster.ts). */
const rooms: Record<string, Room> = {
  gmStations: {
    address: 'gm-stations',
    title: 'All GM stations',
    description: 'Every identified GM station. `device:connected`/`device:disconnected` about a station skip that station itself.',
    events: toStationsAndAdmin,
  },
  admin: {
    address: 'admin',
    title: 'Admin connections',
    description: 'Connections that presented an admin token in the handshake: they see everything, including every `transaction:new`.',
    events: [...toStationsAndAdmin, 'transaction:new', 'transaction:updated', 'cue:fired'],
  },
  session: {
    address: 'session:{sessionId}',
    title: "A session's stations",
    description: "GM stations join the current session's room when they identify; a new session or a reset moves them all to the new session's room.",
    parameters: { sessionId: { description: "The session's id." } },
    events: ['transaction:new', 'transaction:updated'],
  },
  station: {
    address: 'station:{stationId}',
    title: "One station's room",
    description:
      "A GM station's own room, joined by `gm:identify`. Nothing is broadcast to it: it keeps a station's own `device:connected` " +
      'from reaching it. While a station is away (at most 30 s), what is broadcast to its rooms is queued (at most 100 envelopes) ' +
      'and replayed unchanged and in order after its `gm:identified` when it identifies again; past 100 it gets one `sync:full` instead.',
    parameters: { stationId: { description: "The station's id (`gm:identify`'s stationId)." } },
    events: [],
  },
  displays: {
    address: 'displays',
    title: 'Display connections',
    description:
      'Read-only displays (`/scoreboard`: a second TV, a projector, a phone) that connected with `auth: {display: true}`: no token, ' +
      'no GM limit (MAX_DISPLAYS of their own); they get the room view and may send only `state:request`.',
    events: ['display:view'],
  },
};

/** Sent to the one connection they answer or concern, not to a room. */
const toTheConnection = ['gm:identified', 'sync:full', 'display:view', 'error'] as const satisfies readonly ServerEventName[];

const description = `The orchestrator's real-time side, for GM stations and the admin page: Socket.IO 4 (Engine.IO 4) at \`/socket.io\`, websocket or long-polling. Player scanners use the HTTP API (\`docs/openapi.json\`).

This document describes the orchestrator: a \`receive\` operation is an event a client emits, a \`send\` operation an event the orchestrator emits, and a channel is the Socket.IO connection or a room.

- **Envelopes.** Every server → client event is \`{event, data, timestamp}\` (ISO 8601). Client events accept the bare payload or \`{event, data}\`.
- **Acknowledgements.** Every client event takes an optional acknowledgement callback (the operation's \`reply\`), answered \`{ok: true, data}\` or \`{ok: false, error: {code, message, details?}}\`. A failure also arrives as an \`error\` event (RATE_LIMITED at most once a second per connection).
- **Handshake.** \`io(url, {auth: {token}})\` (\`HandshakeAuth\`). While STATION_TOKEN is set, a missing token is refused with AUTH_REQUIRED and a wrong one with INVALID_TOKEN (in the connect error's \`data\`). An admin token joins the \`admin\` room instead.
- **Identify first.** A station connection must send \`gm:identify\` within 10 s, else it gets AUTH_REQUIRED and is closed. Over the connection cap (MAX_GM_STATIONS × 2 + 10, admin ones not counted) a connection gets DEVICE_LIMIT and is closed.
- **Rate limits** per connection (token buckets; \`x-rate-limit: {count, perMs}\` on an operation, and for all events together on the \`connection\` channel): an event over its limit is not processed and gets RATE_LIMITED. All events together: ${rate(contractRateLimits.all)}.
- **Errors.** Malformed payloads and unknown events → INVALID_DATA with \`details: [{field, message}]\`; nothing is written. Unexpected failures → SERVER_ERROR with no stack trace. See \`ErrorCode\`.
- **Reconnection.** A station that disconnects stays known for 30 s; what is broadcast to its rooms meanwhile is replayed when it identifies again (see the \`station\` channel). Socket.IO pings: 10 s interval + 20 s timeout.
- **Sizes.** Messages above 64 KiB close the connection; messages of 1 KiB and more are deflated. A connection whose unsent output passes 1 MiB, or has not drained for 10 s, is cut.

Generated from the zod schemas in \`src/contract/\` by \`npm run docs\`.`;

function rate(limit: RateLimit): string {
  return limit.perMs === 1000 ? `${limit.count} a second` : `${limit.count} per ${limit.perMs / 1000} s`;
}

const schemaRef = (schema: z.ZodType) => ({ $ref: `${SCHEMAS}${schemaId(schema)}` });
const metaOf = (schema: z.ZodType) => z.globalRegistry.get(schema);
const examplesOf = (schema: z.ZodType): unknown[] => {
  const examples: unknown = metaOf(schema)?.examples;
  return Array.isArray(examples) ? examples : [];
};

function clientMessage(event: ClientEventName): JsonSchema {
  const examples = examplesOf(clientEventSchemas[event]);
  return {
    name: event,
    title: event,
    description: metaOf(clientMessages[event])?.description,
    payload: schemaRef(clientMessages[event]),
    ...(examples.length === 0 ? {} : { examples: examples.map((payload) => ({ payload })) }),
  };
}

function serverMessage(event: ServerEventName): JsonSchema {
  const examples = examplesOf(serverEventSchemas[event]);
  return {
    name: event,
    title: event,
    description: metaOf(serverEnvelopes[event])?.description,
    payload: schemaRef(serverEnvelopes[event]),
    ...(examples.length === 0 ? {} : { examples: examples.map((data) => ({ payload: { event, data, timestamp: EXAMPLE_TIME } })) }),
  };
}

function ackMessage(event: ClientEventName): JsonSchema {
  const examples = examplesOf(ackDataSchemas[event]);
  return {
    name: `${event} ack`,
    title: `${event} acknowledgement`,
    description: metaOf(ackResponses[event])?.description,
    payload: schemaRef(ackResponses[event]),
    ...(examples.length === 0 ? {} : { examples: examples.map((data) => ({ payload: { ok: true, data } })) }),
  };
}

const messageRefs = (events: readonly EventName[], suffix = '') =>
  Object.fromEntries(events.map((event) => [`${messageKey(event)}${suffix}`, { $ref: `#/components/messages/${messageKey(event)}${suffix}` }]));

export function asyncapiDocument(version: string) {
  const schemas = schemaComponents({
    target: 'draft-07',
    refPrefix: SCHEMAS,
    inputs: [HandshakeAuth, ...clientEventNames.map((event) => clientMessages[event])],
    outputs: [ErrorCode, ...serverEventNames.map((event) => serverEnvelopes[event]), ...clientEventNames.map((event) => ackResponses[event])],
  });

  const channels: Record<string, JsonSchema> = {
    connection: {
      address: '/',
      title: 'The connection',
      description:
        "The Socket.IO connection (the default namespace): a client emits its events here, and what concerns this connection alone arrives here: `gm:identified`, `sync:full` answering `state:request`, `error`.",
      messages: { ...messageRefs(clientEventNames), ...messageRefs(toTheConnection) },
      'x-rate-limit': contractRateLimits.all,
    },
    acknowledgements: {
      address: null,
      title: 'Acknowledgements',
      description:
        "Not a room: the acknowledgement callback of a client's emit (`socket.emit(event, payload, ack)` or `emitWithAck`), " +
        'answered `{ok: true, data}` or `{ok: false, error}` (`AckResponse`).',
      messages: messageRefs(clientEventNames, 'Ack'),
    },
  };
  for (const [key, room] of Object.entries(rooms)) {
    channels[key] = {
      address: room.address,
      title: room.title,
      description: room.description,
      ...(room.parameters === undefined ? {} : { parameters: room.parameters }),
      ...(room.events.length === 0 ? {} : { messages: messageRefs(room.events) }),
    };
  }

  const operations: Record<string, JsonSchema> = {};
  for (const event of clientEventNames) {
    const key = messageKey(event);
    const limit = contractRateLimits[event];
    operations[`receive${pascal(key)}`] = {
      action: 'receive',
      channel: { $ref: '#/channels/connection' },
      summary: event,
      ...(limit === undefined ? {} : { description: `Rate limit: ${rate(limit)} per connection.` }),
      messages: [{ $ref: `#/channels/connection/messages/${key}` }],
      reply: {
        channel: { $ref: '#/channels/acknowledgements' },
        messages: [{ $ref: `#/channels/acknowledgements/messages/${key}Ack` }],
      },
      ...(limit === undefined ? {} : { 'x-rate-limit': limit }),
    };
  }
  const sends = (channel: string, events: readonly ServerEventName[], suffix: string) => {
    for (const event of events) {
      operations[`send${pascal(messageKey(event))}${suffix}`] = {
        action: 'send',
        channel: { $ref: `#/channels/${channel}` },
        summary: event,
        messages: [{ $ref: `#/channels/${channel}/messages/${messageKey(event)}` }],
      };
    }
  };
  sends('connection', toTheConnection, '');
  for (const [key, room] of Object.entries(rooms)) sends(key, room.events, `To${pascal(key)}`);

  return {
    asyncapi: '3.0.0',
    info: { title: 'Show orchestrator Socket.IO events', version, description },
    defaultContentType: 'application/json',
    servers: {
      websocket: {
        host: 'orchestrator.local:3000',
        protocol: 'ws',
        pathname: '/socket.io',
        title: 'Socket.IO over websocket',
        description: 'The orchestrator on the show network (its port is PORT). Socket.IO clients connect to `http://orchestrator.local:3000`.',
        security: [{ $ref: '#/components/securitySchemes/stationToken' }, { $ref: '#/components/securitySchemes/adminToken' }],
      },
      polling: {
        host: 'orchestrator.local:3000',
        protocol: 'http',
        pathname: '/socket.io',
        title: 'Socket.IO over HTTP long-polling',
        description: "Engine.IO's long-polling transport, Socket.IO's default first transport before it upgrades.",
        security: [{ $ref: '#/components/securitySchemes/stationToken' }, { $ref: '#/components/securitySchemes/adminToken' }],
      },
    },
    channels,
    operations,
    components: {
      schemas,
      messages: {
        ...Object.fromEntries(clientEventNames.map((event) => [messageKey(event), clientMessage(event)])),
        ...Object.fromEntries(serverEventNames.map((event) => [messageKey(event), serverMessage(event)])),
        ...Object.fromEntries(clientEventNames.map((event) => [`${messageKey(event)}Ack`, ackMessage(event)])),
      },
      securitySchemes: {
        stationToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            "STATION_TOKEN, sent in Socket.IO's handshake `auth: {token}` (`HandshakeAuth`), not in a header. Needed while stations are " +
            "closed: a missing token is refused with AUTH_REQUIRED, a wrong one with INVALID_TOKEN (the connect error's `data`).",
        },
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "An admin token from `POST /api/admin/login`, sent in the handshake `auth: {token}`: the connection joins `admin`, sees " +
            'everything, may `state:request` without identifying and may send `video:control`. It is closed when the token expires.',
        },
      },
    },
  };
}

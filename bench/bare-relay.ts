/**
 * The benchmark's baseline: a bare Socket.IO relay (Socket.IO's defaults, the orchestrator's
 * message size limit and ping timing) and nothing else. `gm:identify` joins one room of all stations; `transaction:submit` is
 * acknowledged and a `transaction:new` envelope of the same shape and size as the
 * orchestrator's is emitted to that room. No validation, no game, no store, no logging.
 * Run as its own process (`node dist/bench/bare-relay.js`, PORT and HOST from the
 * environment) so that its RSS and CPU compare with the orchestrator's.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

// The orchestrator's values (src/orchestrator.ts), repeated so that this process loads none of its modules.
const MAX_MESSAGE_BYTES = 64 * 1024;
const ROOM = 'gm-stations';
const sessionId = randomUUID();

const httpServer = createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  res.writeHead(404).end();
});
const io = new Server(httpServer, {
  serveClient: false,
  maxHttpBufferSize: MAX_MESSAGE_BYTES,
  pingInterval: 10_000,
  pingTimeout: 20_000,
  // Socket.IO's defaults otherwise: no permessage-deflate (what it costs the orchestrator is part of what is measured).
});

type Ack = (response: unknown) => void;

io.on('connection', (socket) => {
  socket.on('gm:identify', (_data: unknown, ack?: Ack) => {
    void socket.join(ROOM);
    ack?.({ ok: true, data: { success: true, sessionId, state: {} } });
  });
  socket.on('transaction:submit', (data: { tokenId: string; teamId: string; scannerId: string }, ack?: Ack) => {
    const transaction = {
      id: randomUUID(),
      tokenId: data.tokenId,
      teamId: data.teamId,
      scannerId: data.scannerId,
      sessionId,
      timestamp: new Date().toISOString(),
      status: 'accepted',
      points: 50_000,
    };
    io.to(ROOM).emit('transaction:new', { event: 'transaction:new', data: transaction, timestamp: new Date().toISOString() });
    ack?.({ ok: true, data: transaction });
  });
});

httpServer.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const { port } = httpServer.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ msg: 'bare relay listening', port })}\n`);
});

const stop = () => {
  void io.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

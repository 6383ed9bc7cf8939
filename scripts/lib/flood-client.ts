/**
 * A misbehaving GM station for the flood test, run as its own process so that its sending
 * does not slow the honest stations' process: identifies, then sends `transaction:submit`
 * (the same scan over and over, so nothing new is broadcast) at `--rate` events per second
 * for `--seconds`, one in ten asking for an acknowledgement (as a client stuck in a loop may
 * or may not), and prints one JSON line: the acknowledgements by outcome (`acks`) and the
 * `error` events by code (`errors`).
 *
 *   node dist/scripts/lib/flood-client.js --url http://127.0.0.1:3000 --rate 1000 --seconds 5
 */
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';

interface Ack {
  ok: boolean;
  error?: { code: string };
}

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '5' },
    station: { type: 'string', default: 'FLOODER' },
  },
});
if (values.url === undefined) throw new Error('--url is required');
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const stationId = values.station;
const TICK_MS = 10;

const socket = io(values.url, { transports: ['websocket'], reconnection: false, forceNew: true });
const acks: Record<string, number> = {};
const errors: Record<string, number> = {};
let sent = 0;

function count(ack: Ack): void {
  const key = ack.ok ? 'ok' : (ack.error?.code ?? 'unknown');
  acks[key] = (acks[key] ?? 0) + 1;
}
socket.on('error', (envelope: { data: { code: string } }) => {
  errors[envelope.data.code] = (errors[envelope.data.code] ?? 0) + 1;
});

socket.once('connect_error', (error) => {
  process.stderr.write(`flood client could not connect: ${error.message}\n`);
  process.exit(2);
});
socket.once('connect', () => {
  socket.emit('gm:identify', { stationId, version: '1.0.0' }, (ack: Ack) => {
    if (!ack.ok) {
      process.stderr.write(`flood client could not identify: ${JSON.stringify(ack)}\n`);
      process.exit(2);
    }
    process.stdout.write(`${JSON.stringify({ identified: stationId })}\n`);
    const started = performance.now();
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      if (elapsed >= seconds * 1000) {
        clearInterval(timer);
        // Answers still on their way get a moment, then the tally goes out.
        setTimeout(() => {
          process.stdout.write(`${JSON.stringify({ sent, acks, errors })}\n`);
          socket.disconnect();
          process.exit(0);
        }, 500);
        return;
      }
      // Catch up to the rate however late this tick ran.
      const due = Math.floor((elapsed / 1000) * rate) - sent;
      for (let i = 0; i < due; i += 1) {
        sent += 1;
        const scan = { tokenId: 'tok001', teamId: 'flood', scannerId: stationId };
        if (sent % 10 === 0) socket.emit('transaction:submit', scan, count);
        else socket.emit('transaction:submit', scan);
      }
    }, TICK_MS);
  });
});

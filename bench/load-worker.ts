/**
 * One load-generator thread: a share of the GM stations of each server, their submits at a
 * fixed open-loop rate, and what they measure. Send times go into a SharedArrayBuffer keyed
 * by token number, so a station in any thread can time the `transaction:new` it receives
 * (process.hrtime is one monotonic clock for all threads).
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { io, type Socket } from 'socket.io-client';

export type ServerName = 'orchestrator' | 'bare';

/** A station: its id, its team and its position among all stations (which spreads the sends over a period). */
export interface StationSpec {
  id: string;
  team: string;
  index: number;
}

export interface WorkerSetup {
  /** Int32 per token number: 0 unsent, +t warm-up, -t measured (t = µs since `base` + 1). */
  sendTimes: SharedArrayBuffer;
  base: bigint;
}

export type ToWorker =
  | { type: 'connect'; server: ServerName; url: string; auth: Record<string, string>; stations: StationSpec[] }
  | {
      type: 'run';
      server: ServerName;
      ratePerStation: number;
      /** hrtime ms (since base) at which every thread starts sending. */
      startAt: number;
      warmupMs: number;
      measureMs: number;
      /** This thread's token numbers, used in order. */
      tokens: { first: number; count: number };
      /** The token numbers of the whole run (all threads): a late receipt of an earlier run is not counted. */
      runTokens: { from: number; to: number };
      /** How many stations the scenario has in all threads: the phase offsets spread their sends over one period. */
      totalStations: number;
    }
  | { type: 'drain'; expected: number; deadlineMs: number }
  | { type: 'close' };

/** What became of the submissions of a run: acknowledged (by error code, by transaction status) or not. */
export interface AckCounts {
  acked: number;
  ackErrors: Record<string, number>;
  statuses: Record<string, number>;
  unacked: number;
}

export type FromWorker =
  | { type: 'connected'; server: ServerName; count: number }
  | { type: 'sent'; measuredSent: number; warmupSent: number; tokensExhausted: number }
  | (AckCounts & {
      type: 'result';
      ackMs: Float64Array;
      fanoutMs: Float64Array;
      received: number;
      /** The thread's event-loop utilisation from the end of the warm-up to the end of the drain (1 = saturated). */
      eventLoopUtilization: number;
    })
  | { type: 'closed' }
  | { type: 'failed'; message: string };

interface Station extends StationSpec {
  socket: Socket;
}

const setup = workerData as WorkerSetup;
const sendTimes = new Int32Array(setup.sendTimes);
const nowMs = () => Number(process.hrtime.bigint() - setup.base) / 1e6;
export const TOKEN_PREFIX = 'BENCH';
const TOKEN_DIGITS = 6;
const tokenId = (n: number) => `${TOKEN_PREFIX}${String(n).padStart(TOKEN_DIGITS, '0')}`;

const stations: Record<ServerName, Station[]> = { orchestrator: [], bare: [] };

/** What the current run measures; the receive handlers of every station write here. */
let run = newRunState();
function newRunState() {
  return {
    active: false,
    ackMs: [] as number[],
    fanoutMs: [] as number[],
    received: 0,
    acked: 0,
    sentMeasured: 0,
    ackErrors: {} as Record<string, number>,
    statuses: {} as Record<string, number>,
    pendingAcks: 0,
    onReceive: undefined as (() => void) | undefined,
    elu: performance.eventLoopUtilization(),
    tokensFrom: 0,
    tokensTo: 0,
  };
}

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(message, transfer);
}

function onTransactionNew(envelope: { data?: { tokenId?: string } }): void {
  const id = envelope.data?.tokenId;
  if (typeof id !== 'string' || !run.active) return;
  const number = Number(id.slice(TOKEN_PREFIX.length));
  if (!(number >= run.tokensFrom && number < run.tokensTo)) return;
  const stamp = Atomics.load(sendTimes, number);
  if (stamp >= 0) return; // warm-up or not ours
  run.fanoutMs.push(nowMs() - (-stamp - 1) / 1000);
  run.received += 1;
  run.onReceive?.();
}

async function connectStations(server: ServerName, url: string, auth: Record<string, string>, wanted: StationSpec[]) {
  const list = stations[server];
  const known = new Set(list.map((s) => s.id));
  const missing = wanted.filter((s) => !known.has(s.id));
  // A few at a time: the server's handshake and identify are what is exercised, not a SYN flood.
  const BATCH = 10;
  for (let i = 0; i < missing.length; i += BATCH) {
    await Promise.all(
      missing.slice(i, i + BATCH).map(async (spec) => {
        const { id } = spec;
        const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth, timeout: 10_000 });
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', (error) => reject(error));
        });
        const ack = (await socket.timeout(10_000).emitWithAck('gm:identify', { stationId: id, version: '1.0.0' })) as {
          ok: boolean;
          error?: { code: string };
        };
        if (!ack.ok) throw new Error(`gm:identify ${id} failed: ${ack.error?.code ?? '?'}`);
        socket.on('transaction:new', onTransactionNew);
        list.push({ ...spec, socket });
      }),
    );
  }
  return list.length;
}

async function runLoad(message: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  run = newRunState();
  run.active = true;
  run.tokensFrom = message.runTokens.from;
  run.tokensTo = message.runTokens.to;
  const list = stations[message.server];
  const period = 1000 / message.ratePerStation;
  const endAt = message.startAt + message.warmupMs + message.measureMs;
  const measureFrom = message.startAt + message.warmupMs;
  let nextToken = message.tokens.first;
  const lastToken = message.tokens.first + message.tokens.count;
  let warmupSent = 0;
  let tokensExhausted = 0;
  setTimeout(() => {
    run.elu = performance.eventLoopUtilization();
  }, measureFrom - nowMs());

  const submit = (station: Station) => {
    if (nextToken >= lastToken) {
      tokensExhausted += 1;
      return;
    }
    const number = nextToken;
    nextToken += 1;
    const sentAt = nowMs();
    const measured = sentAt >= measureFrom;
    const stamp = Math.round(sentAt * 1000) + 1;
    Atomics.store(sendTimes, number, measured ? -stamp : stamp);
    if (measured) run.sentMeasured += 1;
    else warmupSent += 1;
    run.pendingAcks += 1;
    const state = run;
    station.socket.emit(
      'transaction:submit',
      { tokenId: tokenId(number), teamId: station.team, scannerId: station.id },
      (ack: { ok: boolean; data?: { status?: string }; error?: { code: string } }) => {
        state.pendingAcks -= 1;
        if (!measured) return;
        if (ack.ok) {
          state.acked += 1;
          state.ackMs.push(nowMs() - sentAt);
          const status = ack.data?.status ?? '?';
          state.statuses[status] = (state.statuses[status] ?? 0) + 1;
        } else {
          const code = ack.error?.code ?? '?';
          state.ackErrors[code] = (state.ackErrors[code] ?? 0) + 1;
        }
      },
    );
  };

  await Promise.all(
    list.map(
      (station) =>
        new Promise<void>((resolve) => {
          // Each station sends at fixed times (no drift): start + its phase + k periods.
          let k = 0;
          const offset = (station.index / message.totalStations) * period;
          const schedule = () => {
            const due = message.startAt + offset + k * period;
            if (due >= endAt) {
              resolve();
              return;
            }
            setTimeout(() => {
              submit(station);
              k += 1;
              schedule();
            }, Math.max(0, due - nowMs()));
          };
          schedule();
        }),
    ),
  );
  post({ type: 'sent', measuredSent: run.sentMeasured, warmupSent, tokensExhausted });
}

function drain(message: Extract<ToWorker, { type: 'drain' }>): Promise<void> {
  return new Promise((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearInterval(poll);
      run.onReceive = undefined;
      run.active = false;
      const ackMs = Float64Array.from(run.ackMs);
      const fanoutMs = Float64Array.from(run.fanoutMs);
      post(
        {
          type: 'result',
          ackMs,
          fanoutMs,
          received: run.received,
          acked: run.acked,
          ackErrors: run.ackErrors,
          statuses: run.statuses,
          unacked: run.pendingAcks,
          eventLoopUtilization: Math.round(performance.eventLoopUtilization(run.elu).utilization * 100) / 100,
        },
        [ackMs.buffer, fanoutMs.buffer],
      );
      resolve();
    };
    const done = () => run.received >= message.expected && run.pendingAcks === 0;
    const timer = setTimeout(finish, message.deadlineMs);
    // Acks may be the last to arrive: checked on every receipt and every 20 ms.
    const poll = setInterval(() => {
      if (done()) finish();
    }, 20);
    run.onReceive = () => {
      if (done()) finish();
    };
    if (done()) finish();
  });
}

parentPort?.on('message', (message: ToWorker) => {
  const handle = async () => {
    switch (message.type) {
      case 'connect': {
        const count = await connectStations(message.server, message.url, message.auth, message.stations);
        post({ type: 'connected', server: message.server, count });
        return;
      }
      case 'run':
        await runLoad(message);
        return;
      case 'drain':
        await drain(message);
        return;
      case 'close':
        for (const list of Object.values(stations)) for (const station of list) station.socket.disconnect();
        post({ type: 'closed' });
        return;
    }
  };
  handle().catch((error: unknown) => post({ type: 'failed', message: error instanceof Error ? error.stack ?? error.message : String(error) }));
});

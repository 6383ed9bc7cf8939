import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MpvCommandError, MpvJsonIpc, type MpvEvent } from '../../../src/adapters/mpv/json-ipc.js';
import { tempDirPerTest } from '../../support/temp-dir.js';

/** What our client writes: one JSON object per line. */
interface Request {
  command: unknown;
  request_id: number;
}

/**
 * Just enough of mpv's side of the JSON IPC socket to test our client: it records each request
 * line and writes back exactly what a test tells it to. This tests our parser, not mpv.
 */
class FakeMpv {
  readonly requests: Request[] = [];
  /** Raw lines received, in case a test needs the exact wire text. */
  readonly lines: string[] = [];
  private client: Socket | undefined;
  private waiters: { count: number; resolve: () => void }[] = [];
  private connectionWaiters: ((socket: Socket) => void)[] = [];

  private constructor(private readonly server: Server) {
    server.on('connection', (socket) => {
      this.client = socket;
      // The client's own line splitting is what is under test: the fake reads lines with readline.
      createInterface({ input: socket }).on('line', (line) => this.receive(line));
      socket.on('error', () => undefined); // the client may go away abruptly in close tests
      for (const resolve of this.connectionWaiters.splice(0)) resolve(socket);
    });
  }

  static async listen(path: string): Promise<FakeMpv> {
    const server = createServer();
    const fake = new FakeMpv(server);
    server.listen(path);
    await once(server, 'listening');
    return fake;
  }

  /** Resolves once at least `count` requests arrived; returns them. */
  async requestsReceived(count: number): Promise<Request[]> {
    if (this.requests.length < count) {
      await new Promise<void>((resolve) => this.waiters.push({ count, resolve }));
    }
    return this.requests.slice(0, count);
  }

  async connection(): Promise<Socket> {
    if (this.client) return this.client;
    return new Promise((resolve) => this.connectionWaiters.push(resolve));
  }

  /** Writes raw text to the client and resolves once it was handed to the kernel. */
  async write(text: string | Buffer): Promise<void> {
    const socket = await this.connection();
    await new Promise<void>((resolve, reject) => socket.write(text, (error) => (error ? reject(error) : resolve())));
  }

  reply(requestId: number, data: unknown, error = 'success'): string {
    return `${JSON.stringify({ data, request_id: requestId, error })}\n`;
  }

  /** Drops the client connection and stops listening, as an mpv that quit. */
  async close(): Promise<void> {
    this.client?.destroy();
    if (this.server.listening) {
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
  }

  private receive(line: string): void {
    this.lines.push(line);
    this.requests.push(JSON.parse(line) as Request);
    this.waiters = this.waiters.filter((waiter) => {
      if (this.requests.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }
}

/** Collects the client's events; `next(n)` resolves once n have arrived. */
class EventLog {
  readonly events: MpvEvent[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(ipc: MpvJsonIpc) {
    ipc.on('event', (event) => {
      this.events.push(event);
      this.waiters = this.waiters.filter((waiter) => {
        if (this.events.length < waiter.count) return true;
        waiter.resolve();
        return false;
      });
    });
  }

  async received(count: number): Promise<MpvEvent[]> {
    if (this.events.length < count) await new Promise<void>((resolve) => this.waiters.push({ count, resolve }));
    return this.events.slice(0, count);
  }
}

/** Lets pending I/O callbacks run, so that successive writes tend to arrive as separate reads. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const tmp = tempDirPerTest('mpv-ipc-');
let socketPath: string;
let mpv: FakeMpv;
let clients: MpvJsonIpc[];

beforeEach(async () => {
  socketPath = join(tmp.path, 'mpv.sock');
  mpv = await FakeMpv.listen(socketPath);
  clients = [];
});

afterEach(async () => {
  for (const client of clients) client.close();
  await mpv.close();
});

async function open(timeoutMs?: number): Promise<MpvJsonIpc> {
  const ipc = await MpvJsonIpc.open(socketPath, timeoutMs);
  clients.push(ipc);
  return ipc;
}

describe('MpvJsonIpc: requests and replies', () => {
  it('sends each command as one JSON line with increasing request ids', async () => {
    const ipc = await open();
    const replies = [ipc.command(['get_property', 'pause']), ipc.command(['set_property', 'pause', true])];
    const requests = await mpv.requestsReceived(2);

    expect(requests).toEqual([
      { command: ['get_property', 'pause'], request_id: 1 },
      { command: ['set_property', 'pause', true], request_id: 2 },
    ]);
    expect(mpv.lines.every((line) => !line.includes('\n') && line.trim() === line)).toBe(true);
    await mpv.write(mpv.reply(1, false) + mpv.reply(2, null));
    await expect(Promise.all(replies)).resolves.toEqual([false, null]);
  });

  it('sends the named form as {command: {...}, request_id}', async () => {
    const ipc = await open();
    const named = { name: 'loadfile', url: '/media/a.mp4', flags: 'replace', options: { pause: 'no' } };
    const reply = ipc.command(named);
    const [request] = await mpv.requestsReceived(1);

    expect(request).toEqual({ command: named, request_id: 1 });
    expect(Object.keys(request ?? {}).sort()).toEqual(['command', 'request_id']);
    await mpv.write(mpv.reply(1, { playlist_entry_id: 7 }));
    await expect(reply).resolves.toEqual({ playlist_entry_id: 7 });
  });

  it('matches replies by request_id when mpv answers out of order', async () => {
    const ipc = await open();
    const first = ipc.command(['get_property', 'duration']);
    const second = ipc.command(['get_property', 'time-pos']);
    const third = ipc.command(['get_property', 'path']);
    const requests = await mpv.requestsReceived(3);
    const [a, b, c] = requests.map((request) => request.request_id);

    await mpv.write(mpv.reply(c ?? 0, '/media/c.mp4'));
    await expect(third).resolves.toBe('/media/c.mp4');
    await mpv.write(mpv.reply(a ?? 0, 12.5) + mpv.reply(b ?? 0, 3.25));
    await expect(first).resolves.toBe(12.5);
    await expect(second).resolves.toBe(3.25);
  });

  it('rejects with MpvCommandError when mpv answers with an error other than success', async () => {
    const ipc = await open();
    const refused = ipc.command(['loadfile', '/nope.mp4']);
    const fine = ipc.command(['get_property', 'pause']);
    await mpv.requestsReceived(2);

    await mpv.write(mpv.reply(1, undefined, 'invalid parameter') + mpv.reply(2, true));
    const error = await refused.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(MpvCommandError);
    expect((error as Error).message).toMatch(/invalid parameter/);
    await expect(fine).resolves.toBe(true);
  });

  it('rejects a reply without an error field rather than taking it for success', async () => {
    const ipc = await open();
    const reply = ipc.command(['get_property', 'pause']);
    await mpv.requestsReceived(1);
    await mpv.write(`${JSON.stringify({ request_id: 1, data: true })}\n`);
    await expect(reply).rejects.toBeInstanceOf(MpvCommandError);
  });

  it('rejects a command nobody answers after its timeout, and stays usable', async () => {
    const ipc = await open(50);
    const unanswered = ipc.command(['get_property', 'pause']);
    await expect(unanswered).rejects.toThrow(MpvCommandError);
    await expect(unanswered).rejects.toThrow(/did not answer get_property/);

    // a late reply to the abandoned request is ignored; the next command still works
    const next = ipc.command(['get_property', 'volume'], 10_000);
    await mpv.requestsReceived(2);
    await mpv.write(mpv.reply(1, 'late') + mpv.reply(2, 100));
    await expect(next).resolves.toBe(100);
    expect(ipc.isOpen).toBe(true);
  });

  it('uses a per-command timeout over the default one', async () => {
    const ipc = await open(10_000);
    await expect(ipc.command({ name: 'loadfile', url: '/a.mp4' }, 50)).rejects.toThrow(/did not answer loadfile/);
  });
});

describe('MpvJsonIpc: reading the stream', () => {
  it('emits events with all their fields', async () => {
    const ipc = await open();
    const log = new EventLog(ipc);
    await mpv.write(
      `${JSON.stringify({ event: 'property-change', id: 2, name: 'time-pos', data: 1.5 })}\n` +
        `${JSON.stringify({ event: 'end-file', reason: 'eof', playlist_entry_id: 3, file_error: 'x' })}\n`,
    );
    expect(await log.received(2)).toEqual([
      { event: 'property-change', id: 2, name: 'time-pos', data: 1.5 },
      { event: 'end-file', reason: 'eof', playlist_entry_id: 3, file_error: 'x' },
    ]);
  });

  it('reassembles a reply and events split across several writes', async () => {
    const ipc = await open();
    const log = new EventLog(ipc);
    const reply = ipc.command(['get_property', 'media-title']);
    await mpv.requestsReceived(1);

    // a title with multi-byte characters, cut inside a character as well as inside the JSON
    const wire = Buffer.from(
      `${JSON.stringify({ event: 'start-file', playlist_entry_id: 4 })}\n` +
        mpv.reply(1, 'Café ✓ – übung') +
        `${JSON.stringify({ event: 'playback-restart' })}\n`,
    );
    const cuts = [5, 31, 60, wire.indexOf(Buffer.from('✓')) + 1, wire.length - 3];
    let from = 0;
    for (const cut of cuts.sort((x, y) => x - y)) {
      await mpv.write(wire.subarray(from, cut));
      await turn();
      from = cut;
    }
    await mpv.write(wire.subarray(from));

    await expect(reply).resolves.toBe('Café ✓ – übung');
    expect(await log.received(2)).toEqual([{ event: 'start-file', playlist_entry_id: 4 }, { event: 'playback-restart' }]);
  });

  it('handles several replies and events in one write, in order', async () => {
    const ipc = await open();
    const log = new EventLog(ipc);
    const order: string[] = [];
    ipc.on('event', (event) => order.push(`event:${event.event}`));
    const first = ipc.command(['a']).then((data) => order.push(`reply:${String(data)}`));
    const second = ipc.command(['b']).then((data) => order.push(`reply:${String(data)}`));
    await mpv.requestsReceived(2);

    await mpv.write(
      `${JSON.stringify({ event: 'pause' })}\n` +
        mpv.reply(2, 'two') +
        `${JSON.stringify({ event: 'unpause' })}\n` +
        mpv.reply(1, 'one') +
        `${JSON.stringify({ event: 'idle' })}\n`,
    );
    await Promise.all([first, second, log.received(3)]);

    expect(log.events.map((event) => event.event)).toEqual(['pause', 'unpause', 'idle']);
    expect(order.filter((entry) => entry.startsWith('event:'))).toEqual(['event:pause', 'event:unpause', 'event:idle']);
    expect(order.filter((entry) => entry.startsWith('reply:')).sort()).toEqual(['reply:one', 'reply:two']);
  });

  it('skips lines that are not JSON objects and keeps reading', async () => {
    const ipc = await open();
    const log = new EventLog(ipc);
    const reply = ipc.command(['get_property', 'pause']);
    await mpv.requestsReceived(1);

    await mpv.write(
      'this is not json\n' +
        '{"request_id": 1, "error": "success", "data": tru\n' + // broken JSON for our id
        '\n' +
        '   \n' +
        'null\n' +
        '42\n' +
        '"a string"\n' +
        `${JSON.stringify({ request_id: 99, error: 'success', data: 'nobody asked' })}\n` +
        `${JSON.stringify({ request_id: '1', error: 'success', data: 'string id' })}\n` +
        `${JSON.stringify({ event: 'after-garbage' })}\n` +
        mpv.reply(1, false),
    );

    await expect(reply).resolves.toBe(false);
    expect(await log.received(1)).toEqual([{ event: 'after-garbage' }]);
    expect(ipc.isOpen).toBe(true);
  });
});

describe('MpvJsonIpc: closing', () => {
  it("rejects pending commands and emits 'close' when mpv goes away", async () => {
    const ipc = await open();
    let closes = 0;
    ipc.on('close', () => (closes += 1));
    const closed = once(ipc, 'close');
    const pending = [ipc.command(['get_property', 'pause']), ipc.command({ name: 'loadfile', url: '/a.mp4' })];
    await mpv.requestsReceived(2);

    await mpv.close();
    await closed;

    for (const command of pending) await expect(command).rejects.toThrow(MpvCommandError);
    expect(ipc.isOpen).toBe(false);
    await expect(ipc.command(['get_property', 'pause'])).rejects.toThrow(/closed/);
    expect(closes).toBe(1);
  });

  it("close() from our side rejects pending commands and emits 'close' once", async () => {
    const ipc = await open();
    let closes = 0;
    ipc.on('close', () => (closes += 1));
    const pending = ipc.command(['get_property', 'pause']);
    await mpv.requestsReceived(1);

    ipc.close();
    await expect(pending).rejects.toThrow(MpvCommandError);
    ipc.close();
    expect(ipc.isOpen).toBe(false);
    expect(closes).toBe(1);
    await expect(ipc.command(['get_property', 'pause'])).rejects.toThrow(MpvCommandError);
  });

  it('drops a connection that sends an endless line', async () => {
    const ipc = await open();
    const closed = once(ipc, 'close');
    const pending = ipc.command(['get_property', 'pause']);
    await mpv.requestsReceived(1);

    await mpv.write('x'.repeat(1024 * 1024 + 1));
    await closed;
    await expect(pending).rejects.toThrow(MpvCommandError);
    expect(ipc.isOpen).toBe(false);
  });

  it('fails to open when nothing listens on the socket', async () => {
    await expect(MpvJsonIpc.open(join(tmp.path, 'nobody.sock'))).rejects.toThrow();
  });
});

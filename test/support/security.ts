import { connect as netConnect, type Socket as NetSocket } from 'node:net';
import { pino } from 'pino';
import { io as connectClient, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import type { MachineIdentity } from '../../src/ports/machine-identity.js';
import { Peer, startTestServer, type ClientSocket, type TestServer, type TestServerOptions } from './harness.js';

/** A venue Pi as the orchestrator sees itself: its hostname and its hotspot and LAN addresses. */
export function fakeMachine(hostname = 'venue-pi', addresses: string[] = ['10.42.0.1', 'fd00::1']): MachineIdentity & { list: string[] } {
  /** Push to it to bring an interface up. */
  const list = [...addresses];
  return { hostname: () => hostname, addresses: () => [...list], list };
}

/**
 * A Socket.IO client over HTTP long-polling that identifies as a station and then never
 * polls again: everything the server sends it can only pile up on the server.
 */
export async function neverReadingStation(url: string, stationId: string): Promise<void> {
  const base = `${url}/socket.io/?EIO=4&transport=polling`;
  const open = await (await fetch(base)).text();
  const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
  const post = (body: string) => fetch(`${base}&sid=${sid}`, { method: 'POST', body, headers: { 'content-type': 'text/plain;charset=UTF-8' } });
  await post('40');
  // One poll to receive the namespace's connect answer, so the identify is not sent too early.
  await fetch(`${base}&sid=${sid}`);
  await post(`42${JSON.stringify(['gm:identify', { stationId, version: '1.0.0' }])}`);
}

/** A raw TCP connection that records what it receives and whether the server closed it. */
export class RawConnection {
  readonly received: Buffer[] = [];
  closed = false;
  private readonly closedPromise: Promise<void>;

  private constructor(readonly socket: NetSocket) {
    socket.on('data', (chunk: Buffer) => this.received.push(chunk));
    // A reset is as much a close as a FIN here.
    socket.on('error', () => undefined);
    this.closedPromise = new Promise((resolve) => {
      const done = () => {
        this.closed = true;
        resolve();
      };
      socket.once('end', done);
      socket.once('close', done);
    });
  }

  static open(port: number, localAddress?: string): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host: '127.0.0.1', port, ...(localAddress === undefined ? {} : { localAddress }) });
      const connection = new RawConnection(socket);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(connection);
      });
      socket.once('error', reject);
    });
  }

  get text(): string {
    return Buffer.concat(this.received).toString('latin1');
  }

  write(data: string): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(data);
  }

  /** True once the server ended or closed the connection; false if it is still open after `timeoutMs`. */
  async closedWithin(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const result = await Promise.race([this.closedPromise.then(() => true), timedOut]);
    clearTimeout(timer);
    return result;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/**
 * Like the harness's `connect`, from a chosen client address (`localAddress`, any 127/8) and
 * with extra handshake headers (a spoofed `x-forwarded-for`, an `origin`); bounded.
 */
export function connectFrom(
  url: string,
  auth: Record<string, unknown>,
  options: { localAddress?: string; extraHeaders?: Record<string, string> } = {},
): Promise<Peer> {
  // engine.io-client hands `localAddress` to ws on Node; its types do not list it.
  const clientOptions: Partial<ManagerOptions & SocketOptions> & { localAddress?: string } = {
    transports: ['websocket'],
    auth,
    reconnection: false,
    forceNew: true,
    ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
    ...(options.extraHeaders === undefined ? {} : { extraHeaders: options.extraHeaders }),
  };
  const socket: ClientSocket = connectClient(url, clientOptions);
  const peer = new Peer(socket);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.disconnect();
      reject(new Error('neither connect nor connect_error within 10 s'));
    }, 10_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(peer);
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      socket.disconnect();
      reject(error);
    });
  });
}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF records. csv-parse is not installed. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"' && cell === '') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** `Content-Security-Policy` as directive → sources. */
export function cspDirectives(header: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

export interface LogRecord {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export type LoggedServerOptions = Pick<TestServerOptions, 'dataDir' | 'stationToken' | 'clock' | 'timing' | 'limits' | 'allowedHosts' | 'machine' | 'adminPassword'>;

/** The harness's server with a logger whose lines the test reads, on a stand-in machine by default. */
export async function startLoggedServer(options: LoggedServerOptions = {}): Promise<{ server: TestServer; logs: LogRecord[] }> {
  const logs: LogRecord[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogRecord) });
  const server = await startTestServer({ ...options, logger, machine: options.machine ?? fakeMachine() });
  return { server, logs };
}

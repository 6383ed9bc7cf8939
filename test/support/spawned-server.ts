import { existsSync, rmSync } from 'node:fs';
import { io as connectClient } from 'socket.io-client';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { BUILT_MAIN, spawnBuiltServer, type BuiltServer, type ServerEnv, type ServerProcess } from '../../scripts/lib/built-server.js';
import { GameState, LoginResponse, Session, SessionExport, type AckResponse, type GmIdentified } from '../../src/contract/index.js';
import type { ClientSocket } from './harness.js';
import { api, okBody } from './http.js';
import { bounded } from './reliability.js';
import { tempDir } from './temp-dir.js';

/*
 * For tests that load the built server in its own process (scripts/lib/built-server.ts spawns
 * it) with many stations: plain socket.io-client sockets, which keep nothing they receive
 * unless the test listens (the harness's Peer records every envelope).
 */

/** A station's socket on the websocket transport, not connected yet: listen first, then `connected`. */
export function stationSocket(url: string, sockets: ClientSocket[]): ClientSocket {
  const socket: ClientSocket = connectClient(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(socket);
  return socket;
}

/** Resolves once the socket is connected; fails on a connect_error or after `timeoutMs`. */
export async function connected(socket: ClientSocket, timeoutMs: number): Promise<void> {
  if (socket.connected) return;
  await bounded(
    new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    }),
    timeoutMs,
    'a connection',
  );
}

/** Identifies a connected socket as GM station `stationId`; fails on a refusal. */
export async function identified(socket: ClientSocket, stationId: string, timeoutMs: number): Promise<GmIdentified> {
  const ack = (await socket.timeout(timeoutMs).emitWithAck('gm:identify', { stationId, version: '1.0.0' })) as AckResponse;
  if (!ack.ok) throw new Error(`${stationId} could not identify: ${ack.error.code} ${ack.error.message}`);
  return ack.data as GmIdentified;
}

/** A connected and identified GM station. */
export async function identifiedStation(url: string, stationId: string, sockets: ClientSocket[], timeoutMs: number): Promise<{ socket: ClientSocket; identified: GmIdentified }> {
  const socket = stationSocket(url, sockets);
  await connected(socket, timeoutMs);
  return { socket, identified: await identified(socket, stationId, timeoutMs) };
}

/** The current session as the server reports it: its id, its export (as the admin gets it) and the live state. */
export async function sessionSnapshot(url: string, adminPassword: string, timeoutMs: number): Promise<{ sessionId: string; exported: SessionExport; state: GameState }> {
  const login = await api(url, 'POST', '/api/admin/login', { body: { password: adminPassword }, timeoutMs });
  const { token } = LoginResponse.parse(okBody(login, 'POST /api/admin/login'));
  const session = Session.parse(okBody(await api(url, 'GET', '/api/session', { timeoutMs }), 'GET /api/session'));
  const exportPath = `/api/sessions/${encodeURIComponent(session.id)}/export?format=json`;
  const exported = SessionExport.parse(okBody(await api(url, 'GET', exportPath, { token, timeoutMs }), `GET ${exportPath}`));
  const state = GameState.parse(okBody(await api(url, 'GET', '/api/state', { timeoutMs }), 'GET /api/state'));
  return { sessionId: session.id, exported, state };
}

/** SIGKILLs a spawned server at once: no shutdown, as when the power goes. */
export function sigkill(server: BuiltServer): void {
  const pid = server.child.pid;
  if (pid === undefined) throw new Error('the server process has no pid');
  process.kill(pid, 'SIGKILL');
}

/**
 * Waits, bounded, until a killed server has exited and each station has seen its connection
 * close: the acks the server wrote before it died have all arrived by then.
 */
export async function serverGone(server: BuiltServer, sockets: readonly ClientSocket[], timeoutMs: number): Promise<void> {
  await bounded(server.exited, timeoutMs, 'the killed server to exit');
  await bounded(
    Promise.all(sockets.map((socket) => (socket.connected ? new Promise<void>((resolve) => socket.once('disconnect', () => resolve())) : Promise.resolve()))),
    timeoutMs,
    'the stations to see the server gone',
  );
}

/** SIGKILLs the spawned servers that are still running and forgets them all. */
export function killAll(children: ServerProcess[]): void {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

export interface SpawnedServers {
  /** The file's temp folder, for its show and data directory; removed after the file. */
  readonly dir: string;
  /** The stations' sockets, disconnected after each test. */
  readonly sockets: ClientSocket[];
  /** The built server (scripts/lib/built-server.ts), SIGKILLed after the test if it still runs. */
  spawn(env: ServerEnv, listenTimeoutMs?: number): Promise<BuiltServer>;
}

/** The fixture of the suites that kill and restart the built server under load. */
export function spawnedServersPerFile(prefix: string): SpawnedServers {
  let dir: string | undefined;
  const sockets: ClientSocket[] = [];
  const children: ServerProcess[] = [];
  beforeAll(() => {
    if (!existsSync(BUILT_MAIN)) throw new Error(`${BUILT_MAIN} is missing: run \`npm run build\` first (the npm scripts do)`);
    dir = tempDir(prefix);
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    killAll(children);
  });
  afterAll(() => {
    killAll(children);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      if (dir === undefined) throw new Error('the folder is made before the first test');
      return dir;
    },
    sockets,
    async spawn(env, listenTimeoutMs) {
      const server = await spawnBuiltServer(env, listenTimeoutMs);
      children.push(server.child);
      return server;
    },
  };
}

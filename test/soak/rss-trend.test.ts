import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LoginResponse, Session, type AckResponse } from '../../src/contract/index.js';
import { BUILT_MAIN, spawnBuiltServer, type BuiltServer } from '../../scripts/lib/built-server.js';
import type { ClientSocket } from '../support/harness.js';
import { api } from '../support/http.js';
import { tempDir } from '../support/temp-dir.js';
import { bounded, prng, rssOf, showTokenId, slope, sleep, writeShowTokens } from '../support/reliability.js';
import { connected, stationSocket } from '../support/spawned-server.js';

/**
 * Soak (`npm run test:soak`, SOAK_MINUTES, default 10): the built server under mixed load —
 * GM stations submitting, asking for state, sending heartbeats and junk, dropping off and
 * coming back; player scanners scanning; an admin reading status and exports and resetting
 * the game every two minutes, as a long evening of short games would. Its RSS is read from
 * /proc each second; the least-squares slope over the last 80% of the samples must stay
 * under 1 MB a minute.
 */

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const SLOPE_LIMIT_MB_PER_MIN = 1;
const STATIONS = 10;
const TOKENS = 300;
const ADMIN_PASSWORD = 'soak-admin-password';

let dir: string | undefined;
let server: BuiltServer | undefined;
const sockets: ClientSocket[] = [];

afterAll(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await bounded(server.exited, 15_000, 'the server to stop');
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('soak', () => {
  it(`keeps its RSS flat over ${MINUTES} minutes of mixed load`, async () => {
    if (!Number.isFinite(MINUTES) || MINUTES <= 0) throw new Error(`SOAK_MINUTES must be a positive number, not ${process.env.SOAK_MINUTES}`);
    if (!existsSync(BUILT_MAIN)) throw new Error(`${BUILT_MAIN} is missing: run \`npm run build\` first (npm run test:soak does)`);
    dir = tempDir('orchestrator-soak-');
    writeShowTokens(join(dir, 'tokens.json'), TOKENS, 60);
    const s = await spawnBuiltServer({
      DATA_DIR: join(dir, 'data'),
      TOKENS_FILE: join(dir, 'tokens.json'),
      ADMIN_PASSWORD,
      MAX_GM_STATIONS: String(STATIONS + 5),
      // To look inside a growing server: e.g. SOAK_NODE_OPTIONS="--expose-gc --import ./heap-probe.mjs".
      ...(process.env.SOAK_NODE_OPTIONS ? { NODE_OPTIONS: process.env.SOAK_NODE_OPTIONS } : {}),
    });
    server = s;
    const pid = s.child.pid!;
    const random = prng(Number(process.env.SOAK_SEED ?? 1));
    const counts: Record<string, number> = {};
    const tally = (what: string) => {
      counts[what] = (counts[what] ?? 0) + 1;
    };
    const ackTally = (what: string) => (ack: AckResponse) => tally(`${what}:${ack.ok ? 'ok' : ack.error.code}`);
    const deadline = Date.now() + MINUTES * 60_000;
    const running = () => Date.now() < deadline;

    const http = async (method: string, path: string, body?: unknown, token?: string): Promise<unknown> => {
      const response = await api(s.url, method, path, { body, ...(token ? { token } : {}), timeoutMs: 10_000 });
      tally(`${method} ${path.split('?')[0]!.replace(/\/sessions\/[^/]+/, '/sessions/:id')}:${response.status}`);
      return response.body;
    };

    async function gmStation(index: number): Promise<void> {
      const stationId = `SOAK_GM_${index}`;
      while (running()) {
        const socket = stationSocket(s.url, sockets);
        socket.onAny(() => tally('received'));
        await connected(socket, 10_000);
        const identified = (await socket.timeout(10_000).emitWithAck('gm:identify', { stationId, version: '1.0.0' })) as AckResponse;
        tally(`identify:${identified.ok ? 'ok' : identified.error.code}`);
        // Stay 5–60 s, then drop off for 1–10 s (and be replayed what was missed).
        const leaveAt = Date.now() + 5_000 + random() * 55_000;
        for (let n = 0; running() && Date.now() < leaveAt; n += 1) {
          const token = random() < 0.1 ? `unknown-${Math.floor(random() * 30)}` : showTokenId(Math.floor(random() * TOKENS));
          socket.emit('transaction:submit', { tokenId: token, teamId: `team-${index % 4}`, scannerId: stationId }, ackTally('submit'));
          if (n % 4 === 0) socket.emit('heartbeat', { stationId }, ackTally('heartbeat'));
          if (n % 13 === 0) socket.emit('state:request', {}, ackTally('state'));
          if (n % 7 === 0) (socket.emit as (event: string, ...args: unknown[]) => void)('transaction:submit', { tokenId: 42, teamId: [] }, ackTally('junk'));
          await sleep(300 + random() * 400);
        }
        socket.disconnect();
        sockets.splice(sockets.indexOf(socket), 1);
        await sleep(1_000 + random() * 9_000);
      }
    }

    async function playerScanner(index: number): Promise<void> {
      for (let n = 0; running(); n += 1) {
        const deviceId = `soak-player-${index}`;
        if (n % 5 === 0) await http('POST', '/api/heartbeat', { deviceId });
        else await http('POST', '/api/scan', { tokenId: showTokenId(Math.floor(random() * TOKENS)), deviceId });
        await sleep(400 + random() * 400);
      }
    }

    async function admin(): Promise<void> {
      let lastReset = Date.now();
      // Logged in once, as the admin page is for an evening. (Each login is a 16 MB scrypt on
      // a libuv pool thread; logging in every minute or two showed up as 16 MB steps in RSS
      // until every pool thread's malloc arena had held one: bounded, but not this test's subject.)
      const { token } = LoginResponse.parse(await http('POST', '/api/admin/login', { password: ADMIN_PASSWORD }));
      while (running()) {
        await http('GET', '/api/status', undefined, token);
        await http('GET', '/api/state');
        const session = Session.parse(await http('GET', '/api/session'));
        await http('GET', `/api/sessions/${session.id}/export?format=json`, undefined, token);
        if (Date.now() - lastReset > 120_000) {
          await http('POST', '/api/reset', undefined, token);
          lastReset = Date.now();
        }
        await sleep(5_000);
      }
    }

    const samples: { x: number; y: number }[] = [];
    const started = Date.now();
    const sampler = setInterval(() => {
      try {
        samples.push({ x: (Date.now() - started) / 60_000, y: rssOf(pid) / 2 ** 20 });
      } catch {
        // the process is gone: the load loops will fail and say so
      }
    }, 1000);
    try {
      await Promise.all([
        ...Array.from({ length: STATIONS }, (_, i) => gmStation(i)),
        playerScanner(1),
        playerScanner(2),
        admin(),
      ]);
    } finally {
      clearInterval(sampler);
    }

    const tail = samples.slice(Math.floor(samples.length * 0.2));
    const mbPerMinute = slope(tail);
    const first = samples[0]?.y ?? Number.NaN;
    const peak = Math.max(...samples.map((p) => p.y));
    const last = samples.at(-1)?.y ?? Number.NaN;
    console.log(
      `soak: ${MINUTES} min, ${samples.length} RSS samples; RSS ${first.toFixed(1)} MB at start, ${peak.toFixed(1)} MB peak, ` +
        `${last.toFixed(1)} MB at the end; slope over the last 80%: ${mbPerMinute.toFixed(3)} MB/min; load ${JSON.stringify(counts)}`,
    );
    expect(s.child.exitCode).toBeNull();
    expect(counts['submit:ok'] ?? 0).toBeGreaterThan(0);
    expect(counts['submit:SERVER_ERROR'] ?? 0).toBe(0);
    expect(mbPerMinute).toBeLessThan(SLOPE_LIMIT_MB_PER_MIN);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { spawnBuiltServer, type BuiltServer } from '../../scripts/lib/built-server.js';
import { GameClock, GameState, LoginResponse } from '../../src/contract/index.js';
import { FIXTURE_TOKENS } from '../support/fixtures.js';
import { api, okBody } from '../support/http.js';
import { tempDir } from '../support/temp-dir.js';

const ADMIN_PASSWORD = 'clock-admin-password';
const children: BuiltServer[] = [];
afterEach(async () => {
  for (const server of children.splice(0)) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
});

async function start(dataDir: string): Promise<BuiltServer> {
  const server = await spawnBuiltServer({ DATA_DIR: dataDir, ADMIN_PASSWORD, TOKENS_FILE: FIXTURE_TOKENS, GAME_MINUTES: '90' });
  children.push(server);
  return server;
}

async function clockOf(url: string): Promise<GameClock> {
  return GameClock.parse(GameState.parse(okBody(await api(url, 'GET', '/api/state'), 'GET /api/state')).clock);
}

describe('the game clock under kill -9', () => {
  it('keeps every acknowledged correction and pause: after a kill -9 the clock is what was last answered', async () => {
    const dataDir = tempDir('orchestrator-clock-kill-');
    const first = await start(dataDir);
    const { token } = LoginResponse.parse(okBody(await api(first.url, 'POST', '/api/admin/login', { body: { password: ADMIN_PASSWORD } }), 'login'));
    okBody(await api(first.url, 'PATCH', '/api/session/clock', { token, body: { plannedMinutes: 45, adjustSeconds: 600 } }), 'correct');
    okBody(await api(first.url, 'PATCH', '/api/session', { token, body: { status: 'paused' } }), 'pause');
    const answered = await clockOf(first.url);
    expect(answered).toMatchObject({ status: 'paused', plannedMs: 45 * 60_000 });
    expect(answered.elapsedMs).toBeGreaterThanOrEqual(600_000);

    first.child.kill('SIGKILL');
    await first.exited;
    const second = await start(dataDir);
    expect(await clockOf(second.url)).toEqual(answered);
  });
});

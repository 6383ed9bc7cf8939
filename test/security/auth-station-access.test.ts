import { afterEach, describe, expect, it } from 'vitest';
import { ShowToken, StationAccessResponse } from '../../src/contract/index.js';
import { startTestServer, type TestServer } from '../support/harness.js';
import { api } from '../support/http.js';

let server: TestServer;
afterEach(async () => {
  await server.destroy();
});

const TOKEN = 'venue-secret-123';

describe('the token list with stations closed (finding: anyone on the hotspot could read every token and its value)', () => {
  it('needs the station token or an admin token', async () => {
    server = await startTestServer({ stationToken: TOKEN });
    expect(await api(server.url, 'GET', '/api/tokens')).toMatchObject({ status: 401, body: { code: 'AUTH_REQUIRED' } });
    for (const wrong of ['venue-secret-12', `${TOKEN}x`, 'guess', TOKEN.toUpperCase()]) {
      expect(await api(server.url, 'GET', '/api/tokens', { token: wrong }), wrong).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });
    }
    const asStation = await api(server.url, 'GET', '/api/tokens', { token: TOKEN });
    expect(asStation.status).toBe(200);
    expect(ShowToken.array().parse(asStation.body)).toHaveLength(14);
    const asAdmin = await api(server.url, 'GET', '/api/tokens', { token: await server.adminToken() });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body).toEqual(asStation.body);
  });

  it('stays public while the stations are open', async () => {
    server = await startTestServer();
    expect((await api(server.url, 'GET', '/api/tokens')).status).toBe(200);
  });
});

describe('the station access route (finding: the station token had to be read off the server\'s environment)', () => {
  it('gives the token to an admin only', async () => {
    server = await startTestServer({ stationToken: TOKEN });
    expect(await api(server.url, 'GET', '/api/station-access')).toMatchObject({ status: 401, body: { code: 'AUTH_REQUIRED' } });
    // The station token is not an admin token: a station cannot read the route (nor learn it is the one).
    expect(await api(server.url, 'GET', '/api/station-access', { token: TOKEN })).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN' } });
    const access = await api(server.url, 'GET', '/api/station-access', { token: await server.adminToken() });
    expect(access.status).toBe(200);
    expect(StationAccessResponse.parse(access.body)).toEqual({ open: false, token: TOKEN });
  });

  it('says the stations are open when there is no station token', async () => {
    server = await startTestServer();
    expect((await api(server.url, 'GET', '/api/station-access')).status).toBe(401);
    const access = await api(server.url, 'GET', '/api/station-access', { token: await server.adminToken() });
    expect(access).toMatchObject({ status: 200, body: { open: true, token: null } });
  });
});

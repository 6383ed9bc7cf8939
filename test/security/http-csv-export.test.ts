import { afterEach, describe, expect, it } from 'vitest';
import { station, startTestServer, type Peer, type TestServer } from '../support/harness.js';
import { api } from '../support/http.js';
import { parseCsv } from '../support/security.js';

let server: TestServer;
const peers: Peer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server.destroy();
});

/** A cell a spreadsheet would run as a formula (the fullwidth forms too: Apple Numbers folds them). */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

const hostileTeams = ['=HYPERLINK("http://evil","x")', '+1', '-2', '@SUM(A1)', '=cmd|\' /C calc\'!A0', '\uFF1D1+1'];

describe('CSV export (finding: team names from any station went into the CSV as live spreadsheet formulas)', () => {
  it('escapes every cell a spreadsheet would run, in team and scanner columns, accepted or not', async () => {
    server = await startTestServer();
    // The station id becomes the scannerId column: a hostile station names itself like a formula too.
    const gm = await station(server.url, '@evil-station');
    peers.push(gm);
    const tokens = ['tok001', 'tok002', 'tok003', 'TOK004', 'tok001', 'tok002'];
    for (const [i, teamId] of hostileTeams.entries()) {
      // Some are accepted, the repeated tokens are refused as duplicates: both are logged.
      const ack = await gm.request('transaction:submit', { tokenId: tokens[i], teamId });
      expect(ack.ok, teamId).toBe(true);
    }
    const sessionId = server.orchestrator.show.session?.id ?? '';
    const logged = server.store.transactions(sessionId);
    expect(logged.map((t) => t.teamId)).toEqual(hostileTeams);
    expect(new Set(logged.map((t) => t.status)).size).toBeGreaterThan(1);

    const token = await server.adminToken();
    const exported = await api(server.url, 'GET', `/api/sessions/${sessionId}/export?format=csv`, { token });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^text\/csv/);
    // Three tables: the transactions, the leaderboard, the corrections.
    const tables = exported.text.split('\n\n').map((table) => parseCsv(table).filter((row) => row.some((cell) => cell !== '')));
    const [header, ...rows] = tables[0] ?? [];
    expect(header).toEqual(['timestamp', 'id', 'teamId', 'tokenId', 'scannerId', 'status', 'points', 'rejectionReason', 'voidedAt', 'voidReason']);
    expect(rows).toHaveLength(hostileTeams.length);
    const [boardHeader, ...board] = tables[1] ?? [];
    expect(board.map((row) => row[boardHeader?.indexOf('name') ?? -1]).sort()).toEqual(
      logged.filter((t) => t.status !== 'rejected').map((t) => `'${t.teamId}`).sort(),
    );
    const column = (name: string) => header?.indexOf(name) ?? -1;
    expect(rows.map((row) => row[column('teamId')])).toEqual(hostileTeams.map((team) => `'${team}`));
    expect(rows.map((row) => row[column('scannerId')])).toEqual(hostileTeams.map(() => "'@evil-station"));
    for (const row of [...rows, ...board]) {
      for (const cell of row) {
        // A plain number (points) is data, not a formula.
        if (/^-?\d+(\.\d+)?$/.test(cell)) continue;
        expect(cell, `cell ${JSON.stringify(cell)}`).not.toMatch(FORMULA_START);
      }
    }
    // The JSON export keeps the data as it was entered: escaping is the CSV's business only.
    const json = await api(server.url, 'GET', `/api/sessions/${sessionId}/export?format=json`, { token });
    expect((json.body as { transactions: { teamId: string }[] }).transactions.map((t) => t.teamId)).toEqual(hostileTeams);
  });
});

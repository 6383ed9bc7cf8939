import { afterEach, describe, expect, it } from 'vitest';
import { envelopeOf } from '../../src/contract/index.js';
import { connect, station, startTestServer, type Peer, type TestServer } from '../support/harness.js';

let server: TestServer;
const peers: Peer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await server.destroy();
});

describe('a GM station', () => {
  it('identifies and submits a transaction that every station sees', async () => {
    server = await startTestServer();
    const a = await station(server.url, 'GM_A');
    const b = await station(server.url, 'GM_B');
    peers.push(a, b);
    const tx = await a.submit('tok001', 'team-1');
    expect(tx).toMatchObject({ status: 'accepted', points: 10000, tokenId: 'tok001', teamId: 'team-1' });
    const [seen] = await b.waitFor('transaction:new');
    expect(envelopeOf('transaction:new').parse(seen)).toMatchObject({ data: { id: tx.id } });
    const stranger = await connect(server.url);
    peers.push(stranger);
    expect(stranger.received).toEqual([]);
  });
});

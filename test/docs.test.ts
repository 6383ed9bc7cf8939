import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withConfigTable } from '../src/config.js';
import { contractDocument } from '../src/contract/json-schema.js';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

describe('generated documentation', () => {
  it('docs/contract.json matches the schemas (run `npm run contract`)', () => {
    expect(JSON.parse(read('docs/contract.json'))).toEqual(JSON.parse(JSON.stringify(contractDocument())));
  });

  it("README's configuration table matches the config schema (run `npm run docs`)", () => {
    const readme = read('README.md');
    expect(readme).toContain('<!-- config-table:start -->');
    expect(withConfigTable(readme)).toBe(readme);
  });

  it('the contract publishes every client and server event of the spec', () => {
    const doc = contractDocument();
    expect(Object.keys(doc.socketIo.clientEvents).sort()).toEqual(['gm:identify', 'heartbeat', 'state:request', 'transaction:submit', 'video:control']);
    expect(Object.keys(doc.socketIo.serverEvents).sort()).toEqual([
      'device:connected',
      'device:disconnected',
      'error',
      'gm:identified',
      'state:update',
      'sync:full',
      'transaction:new',
      'video:status',
    ]);
    expect(doc.errorCodes).toEqual(expect.arrayContaining(['AUTH_REQUIRED', 'INVALID_TOKEN', 'SESSION_NOT_FOUND', 'DEVICE_LIMIT', 'INVALID_DATA', 'SERVER_ERROR', 'RATE_LIMITED', 'VIDEO_BUSY']));
  });
});

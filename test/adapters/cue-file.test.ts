import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cuesFileOf, hostAllowed, loadCues } from '../../src/adapters/cue-file.js';
import { loadScoringRules, loadTokenCatalog, ShowFileError } from '../../src/adapters/show-files.js';
import { caught } from '../support/caught.js';
import { FIXTURE_TOKENS } from '../support/fixtures.js';
import { tempDirPerTest } from '../support/temp-dir.js';

const DEMO = (name: string) => fileURLToPath(new URL(`../../demo/${name}`, import.meta.url));
const tmp = tempDirPerTest('cue-file-test-');
const catalog = loadTokenCatalog(FIXTURE_TOKENS, loadScoringRules(undefined));

function cuesFile(content: unknown): string {
  const file = join(tmp.path, 'cues.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const load = (content: unknown, cueHosts: string[] = []) => loadCues(cuesFile(content), { cueHosts, catalog });
const message = (content: unknown, cueHosts: string[] = []) => caught(() => load(content, cueHosts), ShowFileError).message;
const osc = (host: string) => ({ osc: { host, port: 53000, address: '/go' } });

describe('loadCues', () => {
  it('loads the demo show, every trigger and every action kind in it', () => {
    const demoCatalog = loadTokenCatalog(DEMO('tokens.json'), loadScoringRules(undefined));
    const cues = loadCues(DEMO('cues.json'), { cueHosts: [], catalog: demoCatalog });
    expect(new Set(cues.map((cue) => cue.trigger ?? 'manual'))).toEqual(
      new Set(['transaction:accepted', 'group:completed', 'player:scan', 'video:started', 'video:completed', 'session:started', 'session:paused', 'session:resumed', 'clock:at', 'manual']),
    );
    const kinds = new Set(cues.flatMap((cue) => cue.actions.flatMap((action) => Object.keys(action).filter((key) => key !== 'volume' && key !== 'seconds'))));
    expect(kinds).toEqual(new Set(['sound', 'video', 'display', 'message', 'wait', 'osc', 'http']));
  });

  it('takes the cues.json beside the tokens file when CUES_FILE is unset', () => {
    expect(cuesFileOf({ TOKENS_FILE: DEMO('tokens.json') })).toBe(DEMO('cues.json'));
    expect(cuesFileOf({ TOKENS_FILE: FIXTURE_TOKENS })).toBeUndefined();
    expect(cuesFileOf({ TOKENS_FILE: DEMO('tokens.json'), CUES_FILE: 'none' })).toBe('none');
  });

  it('means no cues when unset or none', () => {
    expect(loadCues(undefined, { cueHosts: [] })).toEqual([]);
    expect(loadCues('none', { cueHosts: [] })).toEqual([]);
  });

  it('stops the start naming the cue and the field of each kind of mistake', () => {
    const good = { id: 'sting', name: 'Sting', trigger: 'group:completed', actions: [{ sound: 'sting.wav' }] };
    expect(load([good])).toHaveLength(1);
    expect(message('[')).toMatch(/^cues file .*cues\.json: .*JSON/);
    expect(message({ id: 'x' })).toMatch(/\(root\): .*array/);
    expect(message([{ ...good, trigger: 'game:won' }])).toMatch(/cue "sting": trigger: /);
    expect(message([{ ...good, actions: [] }])).toMatch(/cue "sting": actions: /);
    expect(message([{ ...good, actions: [{ sound: '../etc/passwd' }] }])).toMatch(/cue "sting": actions\.0.*media folder/);
    expect(message([{ ...good, actions: [{ sound: 'a.wav', volume: 300 }] }])).toMatch(/cue "sting": actions\.0/);
    expect(message([{ ...good, actions: [{ dance: true }] }])).toMatch(/cue "sting": actions\.0/);
    expect(message([{ ...good, trigger: 'clock:at' }])).toMatch(/cue "sting": at: .*exactly one of `at` and `remaining`/);
    expect(message([{ ...good, trigger: 'clock:at', at: '90 minutes' }])).toMatch(/cue "sting": at: must look like HH:MM:SS/);
    expect(message([{ ...good, at: '00:10:00' }])).toMatch(/cue "sting": at: only a clock:at cue has a time/);
    expect(message([{ ...good, trigger: undefined, when: { teamId: '001' } }])).toMatch(/cue "sting": when: /);
    expect(message([{ ...good, colour: 'red' }])).toMatch(/cue "sting": /);
    expect(message([good, { ...good, name: 'Again' }])).toMatch(/cue "sting": id: duplicate cue id sting/);
    expect(message([{ name: 'No id', actions: [{ wait: 1 }] }])).toMatch(/cue 1: id: /);
    expect(message([{ ...good, actions: [{ video: 'nope' }] }])).toMatch(/cue "sting": actions\.0\.video: no token nope/);
    expect(message([{ ...good, actions: [{ video: 'tok001' }] }])).toMatch(/cue "sting": actions\.0\.video: token tok001 has no video/);
    expect(message([{ ...good, actions: [{ http: { method: 'POST', url: 'ftp://10.0.0.2/x' } }] }])).toMatch(/cue "sting": actions\.0\.http\.url: /);
  });

  it('refuses OSC and HTTP targets outside loopback and private ranges unless CUE_HOSTS names them', () => {
    const cue = (action: unknown) => [{ id: 'lights', name: 'Lights', actions: [action] }];
    expect(message(cue(osc('8.8.8.8')))).toMatch(/cue "lights": actions\.0\.osc\.host: 8\.8\.8\.8 is neither/);
    expect(message(cue(osc('lightdesk.example')))).toMatch(/cue "lights": .*lightdesk\.example.*CUE_HOSTS/);
    expect(message(cue({ http: { method: 'GET', url: 'http://example.com/hook' } }))).toMatch(/cue "lights": actions\.0\.http\.url: example\.com/);
    expect(message(cue({ http: { method: 'GET', url: 'http://[2001:db8::1]/hook' } }))).toMatch(/2001:db8::1/);
    expect(load(cue(osc('lightdesk.example')), ['qlab.local', ' LightDesk.example'])).toHaveLength(1);
    expect(load(cue({ http: { method: 'POST', url: 'http://192.168.4.20:8123/api/webhook/x', body: { a: 1 } } }))).toHaveLength(1);
  });
});

describe('hostAllowed', () => {
  it('takes loopback and private ranges, and listed names', () => {
    const none = new Set<string>();
    for (const host of ['127.0.0.1', '127.9.9.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.4.1', '::1', 'fd12::1', 'fc00::2', '::ffff:10.0.0.1', 'localhost']) {
      expect([host, hostAllowed(host, none)]).toEqual([host, true]);
    }
    for (const host of ['8.8.8.8', '172.15.0.1', '172.32.0.1', '192.169.0.1', '11.0.0.1', '2001:db8::1', 'fe80::1', '::ffff:8.8.8.8', 'qlab.local']) {
      expect([host, hostAllowed(host, none)]).toEqual([host, false]);
    }
    expect(hostAllowed('qlab.local', new Set(['qlab.local']))).toBe(true);
  });
});

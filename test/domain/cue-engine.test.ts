import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { AppError, type Cue, type CueAction, type CueFired, type GameClock } from '../../src/contract/index.js';
import { CueEngine } from '../../src/domain/cue-engine.js';
import type { ActionRunner } from '../../src/ports/cue-actions.js';
import { caught } from '../support/caught.js';
import { ManualClock } from '../support/manual-clock.js';
import { storeFolderPerTest } from '../support/store-files.js';

const folder = storeFolderPerTest('cue-engine-test-');
const MINUTE = 60_000;
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

const osc = (address: string): CueAction => ({ osc: { host: '127.0.0.1', port: 9000, address } });

/** The actions run, by their OSC address (or kind), with the game time they ran at; `fail` names addresses that fail. */
class RecordingRunner implements ActionRunner {
  readonly ran: Array<{ what: string; at: number }> = [];
  constructor(
    private readonly clock: ManualClock,
    private readonly fail = new Set<string>(),
  ) {}
  run(action: Parameters<ActionRunner['run']>[0]): Promise<void> {
    const what = 'osc' in action ? action.osc.address : Object.keys(action)[0]!;
    this.ran.push({ what, at: this.clock.now() });
    return this.fail.has(what) ? Promise.reject(new Error(`${what} unreachable`)) : Promise.resolve();
  }
  get names(): string[] {
    return this.ran.map((entry) => entry.what);
  }
}

/** A session whose game clock the test moves: running from `elapsed` at the clock's now. */
class TestGame {
  sessionId = 's1';
  clock: GameClock;
  constructor(
    private readonly time: ManualClock,
    private readonly store: SqliteStore,
    plannedMs: number | null = null,
  ) {
    this.newSession('s1');
    this.clock = { status: 'running', elapsedMs: 0, plannedMs, remainingMs: plannedMs, overtime: false, asOf: this.iso() };
  }
  iso(): string {
    return new Date(this.time.now()).toISOString();
  }
  elapsed(): number {
    return this.clock.elapsedMs + (this.clock.status === 'running' ? this.time.now() - Date.parse(this.clock.asOf) : 0);
  }
  set(status: GameClock['status'], elapsedMs = this.elapsed()): void {
    this.clock = { ...this.clock, status, elapsedMs, asOf: this.iso() };
  }
  newSession(id: string): void {
    this.store.switchSession(undefined, { id, name: id, startTime: this.iso(), status: 'active' });
    this.sessionId = id;
    this.clock = { ...this.clock, status: 'running', elapsedMs: 0, asOf: this.iso() };
  }
}

function setup(cues: Cue[], options: { plannedMs?: number; fail?: string[]; store?: SqliteStore; clock?: ManualClock; game?: TestGame } = {}) {
  const clock = options.clock ?? new ManualClock(Date.parse('2026-11-27T20:00:00Z'), { timers: 'manual' });
  const store = options.store ?? folder.open();
  const game = options.game ?? new TestGame(clock, store, options.plannedMs ?? null);
  const runner = new RecordingRunner(clock, new Set(options.fail));
  const fired: CueFired[] = [];
  const engine = new CueEngine({
    cues,
    clock,
    runner,
    store: store.cueStore(),
    game: () => ({ sessionId: game.sessionId, clock: game.clock }),
    fired: (firing) => fired.push(firing),
  });
  engine.start();
  /** Moves game and wall time on, running due timers, then lets firings finish. */
  const advance = async (ms: number) => {
    clock.advance(ms);
    await flush();
  };
  const changed = async () => {
    engine.clockChanged();
    await advance(0);
  };
  return { clock, store, game, runner, fired, engine, advance, changed };
}

const cue = (id: string, fields: Partial<Cue> = {}): Cue => ({ id, name: id, actions: [osc(`/${id}`)], ...fields });

describe('CueEngine: event cues', () => {
  it('fires each event trigger on its own event only', async () => {
    const triggers = ['transaction:accepted', 'group:completed', 'player:scan', 'video:started', 'video:completed', 'session:started', 'session:paused', 'session:resumed'] as const;
    const { engine, runner, fired } = setup(triggers.map((trigger) => cue(trigger.replace(':', '-'), { trigger })));
    for (const trigger of triggers) engine.event({ trigger });
    await flush();
    expect(runner.names).toEqual(triggers.map((trigger) => `/${trigger.replace(':', '-')}`));
    expect(fired.map((firing) => [firing.cueId, firing.trigger, firing.results])).toEqual(
      triggers.map((trigger) => [trigger.replace(':', '-'), trigger, [{ action: 'osc', ok: true }]]),
    );
  });

  it('narrows by when (ids without case), skips disabled cues and fires once cues once a session', async () => {
    const { engine, runner, game } = setup([
      cue('red-trio', { trigger: 'group:completed', when: { teamId: 'RED', group: 'Trio' } }),
      cue('tok', { trigger: 'player:scan', when: { tokenId: 'tok002' } }),
      cue('off', { trigger: 'player:scan', enabled: false }),
      cue('first', { trigger: 'transaction:accepted', once: true }),
    ]);
    engine.event({ trigger: 'group:completed', teamId: 'red', group: 'Pair' });
    engine.event({ trigger: 'group:completed', teamId: 'blue', group: 'Trio' });
    engine.event({ trigger: 'group:completed', teamId: 'red', group: 'trio' });
    engine.event({ trigger: 'player:scan', tokenId: 'TOK002' });
    engine.event({ trigger: 'player:scan', tokenId: 'tok001' });
    engine.event({ trigger: 'transaction:accepted', teamId: 'red', tokenId: 'tok001' });
    engine.event({ trigger: 'transaction:accepted', teamId: 'red', tokenId: 'tok003' });
    await flush();
    expect(runner.names).toEqual(['/red-trio', '/tok', '/first']);
    game.newSession('s2');
    engine.event({ trigger: 'transaction:accepted', teamId: 'red', tokenId: 'tok001' });
    await flush();
    expect(runner.names).toEqual(['/red-trio', '/tok', '/first', '/first']);
  });

  it('keeps once and staff switches across a restart, per session', async () => {
    const first = setup([cue('first', { trigger: 'transaction:accepted', once: true }), cue('scan', { trigger: 'player:scan' })]);
    first.engine.event({ trigger: 'transaction:accepted' });
    expect(first.engine.setEnabled('scan', false).enabled).toBe(false);
    await flush();
    first.engine.stop();
    const again = setup([cue('first', { trigger: 'transaction:accepted', once: true }), cue('scan', { trigger: 'player:scan' })], {
      store: first.store,
      clock: first.clock,
      game: first.game,
    });
    again.engine.event({ trigger: 'transaction:accepted' });
    again.engine.event({ trigger: 'player:scan' });
    await flush();
    expect(again.runner.names).toEqual([]);
    expect(again.engine.list().map(({ id, enabled, firedCount }) => ({ id, enabled, firedCount }))).toEqual([
      { id: 'first', enabled: true, firedCount: 1 },
      { id: 'scan', enabled: false, firedCount: 0 },
    ]);
  });
});

describe('CueEngine: clock cues', () => {
  it('fires at the elapsed time, once, holding while paused', async () => {
    const { runner, advance, game, changed, fired } = setup([cue('ninety', { trigger: 'clock:at', at: '01:30:00' })]);
    await advance(60 * MINUTE);
    game.set('paused');
    await changed();
    await advance(60 * MINUTE);
    expect(runner.names).toEqual([]);
    game.set('running');
    await changed();
    await advance(30 * MINUTE - 1000);
    expect(runner.names).toEqual([]);
    await advance(1000);
    expect(runner.ran).toEqual([{ what: '/ninety', at: Date.parse('2026-11-27T22:30:00Z') }]);
    expect(fired[0]?.trigger).toBe('clock:at');
    game.set('paused');
    await changed();
    game.set('running');
    await changed();
    await advance(60 * MINUTE);
    expect(runner.names).toEqual(['/ninety']);
  });

  it('fires when the clock is adjusted past its time, paused or not, and not when it is stopped', async () => {
    const { runner, game, changed } = setup([cue('a', { trigger: 'clock:at', at: '00:10:00' }), cue('b', { trigger: 'clock:at', at: '00:20:00' }), cue('c', { trigger: 'clock:at', at: '00:30:00' })]);
    game.set('paused', 15 * MINUTE);
    await changed();
    expect(runner.names).toEqual(['/a']);
    game.set('running', 25 * MINUTE);
    await changed();
    expect(runner.names).toEqual(['/a', '/b']);
    game.set('running', 5 * MINUTE);
    await changed();
    game.set('stopped', 40 * MINUTE);
    await changed();
    expect(runner.names).toEqual(['/a', '/b']);
  });

  it('fires a remaining cue when the time left reaches it, only with a planned length', async () => {
    const planned = setup([cue('ten-left', { trigger: 'clock:at', remaining: '00:10:00' })], { plannedMs: 60 * MINUTE });
    await planned.advance(50 * MINUTE - 1);
    expect(planned.runner.names).toEqual([]);
    await planned.advance(1);
    expect(planned.runner.names).toEqual(['/ten-left']);

    const unplanned = setup([cue('ten-left', { trigger: 'clock:at', remaining: '00:10:00' })], { store: folder.open(join(folder.dir, 'unplanned.db')) });
    await unplanned.advance(120 * MINUTE);
    expect(unplanned.runner.names).toEqual([]);
    unplanned.game.clock = { ...unplanned.game.clock, plannedMs: 100 * MINUTE };
    await unplanned.changed();
    expect(unplanned.runner.names).toEqual(['/ten-left']);
  });

  it('never fires again after a restart, and fires one whose time passed while the server was down', async () => {
    const cues = [cue('early', { trigger: 'clock:at', at: '00:10:00' }), cue('late', { trigger: 'clock:at', at: '00:30:00' })];
    const first = setup(cues);
    await first.advance(20 * MINUTE);
    expect(first.runner.names).toEqual(['/early']);
    first.engine.stop();
    first.clock.advance(20 * MINUTE);
    const again = setup(cues, { store: first.store, clock: first.clock, game: first.game });
    await flush();
    expect(again.runner.names).toEqual(['/late']);
    await again.advance(60 * MINUTE);
    expect(again.runner.names).toEqual(['/late']);
    expect(first.store.cueStore().cueFirings('s1').map((firing) => firing.cueId)).toEqual(['early', 'late']);
  });

  it('fires again in a new session', async () => {
    const { runner, advance, game, changed } = setup([cue('early', { trigger: 'clock:at', at: '00:10:00' })]);
    await advance(10 * MINUTE);
    game.newSession('s2');
    await changed();
    await advance(10 * MINUTE);
    expect(runner.names).toEqual(['/early', '/early']);
  });
});

describe('CueEngine: actions', () => {
  it('runs actions in order, waiting on the clock', async () => {
    const { engine, runner, advance, clock } = setup([cue('raid', { actions: [osc('/red'), { wait: 5 }, osc('/siren'), { wait: 0.5 }, osc('/off')] })]);
    const start = clock.now();
    const firing = engine.fire('raid');
    await flush();
    expect(runner.names).toEqual(['/red']);
    await advance(4999);
    expect(runner.names).toEqual(['/red']);
    await advance(1);
    await advance(500);
    expect(runner.ran.map((entry) => [entry.what, entry.at - start])).toEqual([
      ['/red', 0],
      ['/siren', 5000],
      ['/off', 5500],
    ]);
    expect(await firing).toMatchObject({ cueId: 'raid', trigger: 'manual', results: [{ ok: true }, { action: 'wait', ok: true }, { ok: true }, { ok: true }, { ok: true }] });
  });

  it('reports a failing action and runs the next, unless stopOnError', async () => {
    const { engine, runner } = setup(
      [cue('go-on', { actions: [osc('/a'), osc('/down'), osc('/b')] }), cue('halt', { stopOnError: true, actions: [osc('/down'), osc('/c')] })],
      { fail: ['/down'] },
    );
    expect((await engine.fire('go-on')).results).toEqual([
      { action: 'osc', ok: true },
      { action: 'osc', ok: false, error: '/down unreachable' },
      { action: 'osc', ok: true },
    ]);
    expect((await engine.fire('halt')).results).toEqual([
      { action: 'osc', ok: false, error: '/down unreachable' },
      { action: 'osc', ok: false, skipped: true },
    ]);
    expect(runner.names).toEqual(['/a', '/down', '/b', '/down']);
    const view = engine.list().find((entry) => entry.id === 'halt');
    expect(view).toMatchObject({ trigger: 'manual', firedCount: 1, lastResult: [{ ok: false }, { skipped: true }] });
    expect(view?.lastFiredAt).toBe('2026-11-27T20:00:00.000Z');
  });

  it('refuses an unknown cue with NOT_FOUND', () => {
    const { engine } = setup([]);
    expect(caught(() => engine.fire('nope'), AppError).code).toBe('NOT_FOUND');
    expect(caught(() => engine.setEnabled('nope', true), AppError).code).toBe('NOT_FOUND');
  });
});

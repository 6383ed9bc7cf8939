/**
 * `npm run bench`: the built orchestrator against a bare Socket.IO relay, in the same run,
 * on loopback. For each scenario (stations × submits per second each) both servers get the
 * same GM stations and the same open-loop load from worker threads; the orchestrator's
 * figures are reported as ratios to the bare relay's, so a noisy shared machine still gives
 * comparable numbers. Also: ready time, durable commits per second through the SqliteStore,
 * and the last video-latency figures. Writes bench/results/latest.json.
 *
 * `--profile`: instead, runs the orchestrator alone under `node --cpu-prof` during the 50×10
 * scenario and prints where its CPU time goes (bench/results/profile-50x10.json).
 * Bounded: every phase has a count and a time limit; the whole run takes about two minutes.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { spawnBuiltServer } from '../scripts/lib/built-server.js';
import { writeGeneratedTokens } from '../scripts/lib/generated-tokens.js';
import { spawnBareRelay, spawnProfiledOrchestrator } from './lib/bench-servers.js';
import { formatProfileSummary, summarizeCpuProfile } from './lib/cpu-profile.js';
import { cpuMs, sampleRss } from './lib/proc.js';
import { benchStore, type StoreBenchResult } from './lib/store-bench.js';
import { summarize, type LatencySummary } from './lib/stats.js';
import type { AckCounts, FromWorker, ServerName, StationSpec, ToWorker, WorkerSetup } from './load-worker.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const resultsDir = join(root, 'bench/results');
const PROFILE = process.argv.includes('--profile');

const WORKERS = 2;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1500);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 8000);
const DRAIN_MS = 3000;
const TOKENS = 20_000;
/** The bare relay checks no tokens: its token numbers start here, clear of the orchestrator's. */
const BARE_TOKENS_FROM = 100_000;
const ADMIN_PASSWORD = 'bench-admin-password';
const STATION_TOKEN = 'bench-station-token';
const TEAMS = 10;

interface Scenario {
  id: string;
  stations: number;
  rate: number;
  stress?: boolean;
}
/** Run in this order, so the stations only ever grow (no disconnects, no away queues); printed in the issue's order. */
const SCENARIOS: Scenario[] = [
  { id: '5x8', stations: 5, rate: 8 },
  { id: '50x2', stations: 50, rate: 2 },
  { id: '50x10', stations: 50, rate: 10, stress: true },
  { id: '200x0.5', stations: 200, rate: 0.5 },
];
const PRINT_ORDER = ['5x8', '50x2', '200x0.5', '50x10'];

interface RunResult extends AckCounts {
  submitted: number;
  tokensExhausted: number;
  ackMs: LatencySummary;
  fanoutMs: LatencySummary;
  deliveryRatio: number;
  serverCpuMs: number;
  serverCpuMsPer1000: number;
  serverCpuPercent: number;
  rssPeakMiB: number;
  generatorCpuPercent: number;
  /** The busiest load thread's event-loop utilisation: near 1, the generator itself was the bottleneck. */
  generatorLoopUtilization: number;
  windowMs: number;
}

// ---- the load generator's threads ------------------------------------------------------------

const base = process.hrtime.bigint();
const nowMs = () => Number(process.hrtime.bigint() - base) / 1e6;
const sendTimes = new SharedArrayBuffer(4 * 200_000);

class LoadThread {
  private readonly worker: Worker;
  private readonly waiting: { type: FromWorker['type']; resolve: (m: FromWorker) => void; reject: (e: Error) => void }[] = [];

  constructor() {
    const setup: WorkerSetup = { sendTimes, base };
    this.worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: setup });
    this.worker.on('message', (message: FromWorker) => {
      if (message.type === 'failed') {
        for (const w of this.waiting.splice(0)) w.reject(new Error(`load thread failed: ${message.message}`));
        return;
      }
      const index = this.waiting.findIndex((w) => w.type === message.type);
      const [waiter] = index >= 0 ? this.waiting.splice(index, 1) : [];
      waiter?.resolve(message);
    });
    this.worker.on('error', (error) => {
      for (const w of this.waiting.splice(0)) w.reject(error);
    });
  }

  request<T extends FromWorker['type']>(message: ToWorker, reply: T, timeoutMs = 60_000): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`load thread: no ${reply} within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push({
        type: reply,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<FromWorker, { type: T }>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.worker.postMessage(message);
    });
  }

  async close(): Promise<void> {
    await this.request({ type: 'close' }, 'closed', 5000).catch(() => undefined);
    await this.worker.terminate();
  }
}

// ---- servers ---------------------------------------------------------------------------------

interface Target {
  name: ServerName;
  url: string;
  pid: number;
  readyMs: number;
  auth: Record<string, string>;
  nextToken: number;
  adminToken?: string;
  stop(): Promise<void>;
}

async function waitForHealth(url: string, startedAt: number, limitMs = 10_000): Promise<number> {
  while (nowMs() - startedAt < limitMs) {
    try {
      const response = await fetch(`${url}/health`);
      if (response.status === 200) return nowMs() - startedAt;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${url}/health did not answer within ${limitMs} ms`);
}

function writeTokensFile(file: string): void {
  writeGeneratedTokens(file, TOKENS, (n) => `BENCH${String(n).padStart(6, '0')}`);
}

async function startOrchestrator(dir: string, profileDir?: string): Promise<Target> {
  const env = {
    DATA_DIR: join(dir, 'data'),
    TOKENS_FILE: join(dir, 'tokens.json'),
    MEDIA_DIR: join(dir, 'media'),
    ADMIN_PASSWORD,
    STATION_TOKEN,
    MAX_GM_STATIONS: '250',
  };
  const startedAt = nowMs();
  // --cpu-prof is not allowed in NODE_OPTIONS: the profiled server is spawned with it on the command line.
  const server = profileDir === undefined ? await spawnBuiltServer(env) : await spawnProfiledOrchestrator(env, profileDir);
  const readyMs = await waitForHealth(server.url, startedAt);
  const login = await fetch(`${server.url}/api/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password: ADMIN_PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  return {
    name: 'orchestrator',
    url: server.url,
    pid: server.child.pid ?? 0,
    readyMs,
    auth: { token: STATION_TOKEN },
    nextToken: 0,
    adminToken: token,
    async stop() {
      server.child.kill('SIGTERM');
      await server.exited;
    },
  };
}

/**
 * Ready time as the appliance starts: the demo show (20 tokens) instead of the benchmark's
 * 20,000, whose validation alone takes about 0.3 s. Spawned alone, then stopped.
 */
async function demoShowReadyMs(dir: string): Promise<number> {
  const startedAt = nowMs();
  const server = await spawnBuiltServer({ DATA_DIR: join(dir, 'demo-data'), ADMIN_PASSWORD });
  try {
    return await waitForHealth(server.url, startedAt);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

async function startBare(): Promise<Target> {
  const startedAt = nowMs();
  const server = await spawnBareRelay();
  const readyMs = await waitForHealth(server.url, startedAt);
  return {
    name: 'bare',
    url: server.url,
    pid: server.child.pid ?? 0,
    readyMs,
    auth: {},
    nextToken: BARE_TOKENS_FROM,
    async stop() {
      server.child.kill('SIGTERM');
      await server.exited;
    },
  };
}

// ---- one scenario on one server ----------------------------------------------------------------

function stationSpecs(count: number): StationSpec[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `GM_${String(index + 1).padStart(3, '0')}`,
    team: `Team ${(index % TEAMS) + 1}`,
    index,
  }));
}

async function runScenario(threads: LoadThread[], target: Target, scenario: Scenario): Promise<RunResult> {
  const specs = stationSpecs(scenario.stations);
  const shares = threads.map((_, w) => specs.filter((s) => s.index % threads.length === w));
  await Promise.all(
    threads.map((thread, w) =>
      thread.request({ type: 'connect', server: target.name, url: target.url, auth: target.auth, stations: shares[w] ?? [] }, 'connected'),
    ),
  );
  if (target.adminToken !== undefined) {
    // A fresh session per scenario: every scenario starts from the same game state.
    const response = await fetch(`${target.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.adminToken}` },
      body: JSON.stringify({ name: `bench ${scenario.id}` }),
    });
    if (!response.ok) throw new Error(`new session: ${response.status} ${await response.text()}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 300));

  const seconds = (WARMUP_MS + MEASURE_MS) / 1000;
  const startAt = nowMs() + 200;
  const rss = sampleRss(target.pid);
  let serverCpuStart = 0;
  let generatorCpuStart = process.cpuUsage();
  let windowStart = 0;
  const windowTimer = setTimeout(() => {
    serverCpuStart = cpuMs(target.pid);
    generatorCpuStart = process.cpuUsage();
    windowStart = nowMs();
  }, startAt + WARMUP_MS - nowMs());

  const allocations = threads.map((_, w) => {
    const stations = shares[w]?.length ?? 0;
    const count = Math.ceil(stations * scenario.rate * seconds) + stations * 2;
    const tokens = { first: target.nextToken, count };
    target.nextToken += count;
    return tokens;
  });
  const runTokens = { from: allocations[0]?.first ?? 0, to: target.nextToken };
  const sent = await Promise.all(
    threads.map((thread, w) => {
      const tokens = allocations[w] ?? { first: 0, count: 0 };
      return thread.request(
        {
          type: 'run',
          server: target.name,
          ratePerStation: scenario.rate,
          startAt,
          warmupMs: WARMUP_MS,
          measureMs: MEASURE_MS,
          tokens,
          runTokens,
          totalStations: scenario.stations,
        },
        'sent',
        WARMUP_MS + MEASURE_MS + 10_000,
      );
    }),
  );
  clearTimeout(windowTimer);
  const submitted = sent.reduce((sum, s) => sum + s.measuredSent, 0);
  const results = await Promise.all(
    threads.map((thread, w) =>
      thread.request({ type: 'drain', expected: submitted * (shares[w]?.length ?? 0), deadlineMs: DRAIN_MS }, 'result', DRAIN_MS + 5000),
    ),
  );
  const windowMs = nowMs() - windowStart;
  const serverCpu = cpuMs(target.pid) - serverCpuStart;
  const generatorCpu = process.cpuUsage(generatorCpuStart);
  const memory = rss.stop();

  const merge = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
    return into;
  };
  const received = results.reduce((sum, r) => sum + r.received, 0);
  const concat = (arrays: Float64Array[]) => {
    const all = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
    let at = 0;
    for (const a of arrays) {
      all.set(a, at);
      at += a.length;
    }
    return all;
  };
  return {
    submitted,
    acked: results.reduce((sum, r) => sum + r.acked, 0),
    ackErrors: results.reduce((all, r) => merge(all, r.ackErrors), {}),
    statuses: results.reduce((all, r) => merge(all, r.statuses), {}),
    unacked: results.reduce((sum, r) => sum + r.unacked, 0),
    tokensExhausted: sent.reduce((sum, s) => sum + s.tokensExhausted, 0),
    ackMs: summarize(concat(results.map((r) => r.ackMs))),
    fanoutMs: summarize(concat(results.map((r) => r.fanoutMs))),
    deliveryRatio: submitted === 0 ? 0 : received / (submitted * scenario.stations),
    serverCpuMs: Math.round(serverCpu),
    serverCpuMsPer1000: Math.round((serverCpu * 1000 * 10) / Math.max(1, submitted)) / 10,
    serverCpuPercent: Math.round((serverCpu * 1000) / windowMs) / 10,
    rssPeakMiB: Math.round(memory.peakKiB / 102.4) / 10,
    generatorCpuPercent: Math.round(((generatorCpu.user + generatorCpu.system) / 1000 / windowMs) * 1000) / 10,
    generatorLoopUtilization: Math.max(...results.map((r) => r.eventLoopUtilization)),
    windowMs: Math.round(windowMs),
  };
}

// ---- the report --------------------------------------------------------------------------------

interface Row {
  scenario: string;
  metric: string;
  orchestrator: number;
  bare: number | null;
  ratio: number | null;
  target: string;
  met: boolean | null;
}

function rowsOf(scenario: Scenario, orchestrator: RunResult, bare: RunResult): Row[] {
  const label = `${scenario.stations}×${scenario.rate}${scenario.stress ? ' (stress)' : ''}`;
  const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);
  const compare = (metric: string, a: number, b: number, limit: number | null): Row => {
    const r = ratio(a, b);
    return {
      scenario: label,
      metric,
      orchestrator: a,
      bare: b,
      ratio: r,
      target: limit === null ? '' : `≤ ${limit}× bare`,
      met: limit === null ? null : r !== null && r <= limit,
    };
  };
  return [
    compare('ack p50 ms', orchestrator.ackMs.p50, bare.ackMs.p50, null),
    compare('ack p99 ms', orchestrator.ackMs.p99, bare.ackMs.p99, null),
    compare('fan-out p50 ms', orchestrator.fanoutMs.p50, bare.fanoutMs.p50, 1.3),
    compare('fan-out p95 ms', orchestrator.fanoutMs.p95, bare.fanoutMs.p95, null),
    compare('fan-out p99 ms', orchestrator.fanoutMs.p99, bare.fanoutMs.p99, 1.3),
    compare('fan-out max ms', orchestrator.fanoutMs.max, bare.fanoutMs.max, null),
    {
      scenario: label,
      metric: 'delivery ratio',
      orchestrator: Math.round(orchestrator.deliveryRatio * 10000) / 10000,
      bare: Math.round(bare.deliveryRatio * 10000) / 10000,
      ratio: null,
      target: '= 1 (both)',
      met: orchestrator.deliveryRatio >= 1 && bare.deliveryRatio >= 1,
    },
    compare('server CPU ms / 1000 tx', orchestrator.serverCpuMsPer1000, bare.serverCpuMsPer1000, 1.5),
    compare('server RSS peak MiB', orchestrator.rssPeakMiB, bare.rssPeakMiB, 1.4),
    compare('generator CPU % of a core', orchestrator.generatorCpuPercent, bare.generatorCpuPercent, null),
    compare('generator loop utilisation', orchestrator.generatorLoopUtilization, bare.generatorLoopUtilization, null),
  ];
}

function formatTable(rows: Row[]): string {
  const cells = rows.map((r) => [
    r.scenario,
    r.metric,
    String(r.orchestrator),
    r.bare === null ? '' : String(r.bare),
    r.ratio === null ? '' : r.ratio.toFixed(2),
    r.target,
    r.met === null ? '' : r.met ? 'met' : 'MISSED',
  ]);
  const header = ['scenario', 'metric', 'orchestrator', 'bare', 'ratio', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) => c.map((v, i) => (i >= 2 && i <= 4 ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  let last = '';
  for (const c of cells) {
    if (c[0] !== last && last !== '') out.push('');
    last = c[0] ?? '';
    out.push(line(c));
  }
  return out.join('\n');
}

function machine() {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    date: new Date().toISOString(),
  };
}

function readVideoLatency(): unknown {
  const file = join(resultsDir, 'video-latency.json');
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

// ---- main --------------------------------------------------------------------------------------

async function benchmark(dir: string, threads: LoadThread[]): Promise<void> {
  const host = machine();
  process.stdout.write(`machine: ${host.cpuModel}, ${host.cores} cores, node ${host.node}, load ${host.loadAverageAtStart.join(' ')}\n`);
  // Started one after the other, so that neither's ready time includes the other's start.
  const demoReadyMs = await demoShowReadyMs(dir);
  const orchestrator = await startOrchestrator(dir);
  const bare = await startBare();
  process.stdout.write(`ready: orchestrator ${demoReadyMs.toFixed(0)} ms with the demo show, ${orchestrator.readyMs.toFixed(0)} ms with 20,000 tokens; bare ${bare.readyMs.toFixed(0)} ms\n`);
  const results: Record<string, { orchestrator: RunResult; bare: RunResult }> = {};
  try {
    for (const [index, scenario] of SCENARIOS.entries()) {
      // Alternate which server goes first, so a drift in the machine's load does not favour one.
      const order = index % 2 === 0 ? [orchestrator, bare] : [bare, orchestrator];
      const byServer: Partial<Record<ServerName, RunResult>> = {};
      for (const target of order) {
        const result = await runScenario(threads, target, scenario);
        byServer[target.name] = result;
        process.stdout.write(
          `${scenario.id.padEnd(8)} ${target.name.padEnd(12)} submitted ${result.submitted}, fan-out p50 ${result.fanoutMs.p50} ms p99 ${result.fanoutMs.p99} ms, ` +
            `delivery ${result.deliveryRatio.toFixed(4)}, server CPU ${result.serverCpuPercent}%, generator CPU ${result.generatorCpuPercent}% (loop ${result.generatorLoopUtilization})` +
            `${Object.keys(result.ackErrors).length > 0 ? `, ack errors ${JSON.stringify(result.ackErrors)}` : ''}\n`,
        );
      }
      results[scenario.id] = { orchestrator: byServer.orchestrator as RunResult, bare: byServer.bare as RunResult };
    }
  } finally {
    await Promise.all(threads.map((t) => t.close()));
    await Promise.all([orchestrator.stop(), bare.stop()]);
  }

  const store: StoreBenchResult = benchStore(dir);
  const rows: Row[] = [];
  for (const id of PRINT_ORDER) {
    const scenario = SCENARIOS.find((s) => s.id === id);
    const result = results[id];
    if (scenario && result) rows.push(...rowsOf(scenario, result.orchestrator, result.bare));
  }
  const overall: Row[] = [
    {
      scenario: 'startup',
      metric: 'ready ms, demo show (spawn → /health)',
      orchestrator: Math.round(demoReadyMs),
      bare: Math.round(bare.readyMs),
      ratio: null,
      target: '≤ 1000 ms',
      met: demoReadyMs <= 1000,
    },
    {
      scenario: 'startup',
      metric: 'ready ms, 20,000 tokens',
      orchestrator: Math.round(orchestrator.readyMs),
      bare: Math.round(bare.readyMs),
      ratio: null,
      target: '',
      met: null,
    },
    {
      scenario: 'store',
      metric: 'durable commits/s, one by one',
      orchestrator: store.oneByOne.commitsPerSecond,
      bare: null,
      ratio: null,
      target: '≥ 2000/s',
      met: store.oneByOne.commitsPerSecond >= 2000,
    },
    {
      scenario: 'store',
      metric: `durable tx/s, groups of ${store.grouped.groupSize}`,
      orchestrator: store.grouped.transactionsPerSecond,
      bare: null,
      ratio: null,
      target: '≥ 2000/s',
      met: store.grouped.transactionsPerSecond >= 2000,
    },
  ];
  const video = readVideoLatency() as { date?: string; scanToPlayingMs?: LatencySummary; mpvEventToSocketEmitMs?: LatencySummary } | null;
  const table = formatTable([...rows, ...overall]);
  const missed = [...rows, ...overall].filter((r) => r.met === false);
  const saturated = Object.entries(results)
    .filter(([, r]) => r.orchestrator.generatorLoopUtilization > 0.9 || r.bare.generatorLoopUtilization > 0.9)
    .map(([id]) => id);
  process.stdout.write(`\n${table}\n`);
  if (video?.scanToPlayingMs) {
    process.stdout.write(
      `\nvideo (bench/results/video-latency.json, ${video.date ?? '?'}, not rerun): scan → playing p50 ${video.scanToPlayingMs.p50} ms, ` +
        `p95 ${video.scanToPlayingMs.p95} ms; mpv event → station p50 ${video.mpvEventToSocketEmitMs?.p50 ?? '?'} ms\n`,
    );
  }
  process.stdout.write(
    `\n${missed.length === 0 ? 'all targets met' : `MISSED ${missed.length} target(s): ${missed.map((r) => `${r.scenario} ${r.metric}`).join('; ')}`}\n`,
  );
  if (saturated.length > 0) {
    process.stdout.write(
      `note: the load generator saturated (a load thread's event loop > 90% busy) in ${saturated.join(', ')}: ` +
        'there the latencies include the generator\'s own queueing, and the ratios compare two overloaded systems\n',
    );
  }

  mkdirSync(resultsDir, { recursive: true });
  const report = {
    benchmark: 'orchestrator-vs-bare-relay',
    machine: host,
    settings: { warmupMs: WARMUP_MS, measureMs: MEASURE_MS, drainMs: DRAIN_MS, loadThreads: WORKERS, tokens: TOKENS, teams: TEAMS },
    ready: { demoShowMs: Math.round(demoReadyMs), orchestratorMs: Math.round(orchestrator.readyMs), bareMs: Math.round(bare.readyMs) },
    scenarios: results,
    store,
    video,
    rows: [...rows, ...overall],
    missed: missed.map((r) => `${r.scenario}: ${r.metric}`),
    generatorSaturatedIn: saturated,
  };
  writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write('wrote bench/results/latest.json\n');
}

/** The orchestrator alone under --cpu-prof during the stress scenario. */
async function profile(dir: string, threads: LoadThread[]): Promise<void> {
  const profileDir = join(dir, 'profile');
  mkdirSync(profileDir);
  const orchestrator = await startOrchestrator(dir, profileDir);
  const stress = SCENARIOS.find((s) => s.stress) as Scenario;
  let result: RunResult;
  try {
    result = await runScenario(threads, orchestrator, stress);
  } finally {
    await Promise.all(threads.map((t) => t.close()));
    await orchestrator.stop();
  }
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error('the orchestrator wrote no .cpuprofile');
  const summary = summarizeCpuProfile(join(profileDir, file));
  process.stdout.write(
    `50×10 under --cpu-prof: submitted ${result.submitted}, fan-out p50 ${result.fanoutMs.p50} ms p99 ${result.fanoutMs.p99} ms, ` +
      `server CPU ${result.serverCpuMsPer1000} ms / 1000 tx\n\n${formatProfileSummary(summary)}\n`,
  );
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, 'profile-50x10.json'),
    `${JSON.stringify({ machine: machine(), scenario: stress, result, profile: summary }, null, 2)}\n`,
  );
  if (process.env.BENCH_KEEP_PROFILE) {
    writeFileSync(process.env.BENCH_KEEP_PROFILE, readFileSync(join(profileDir, file)));
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  mkdirSync(join(dir, 'media'));
  writeTokensFile(join(dir, 'tokens.json'));
  const threads = Array.from({ length: WORKERS }, () => new LoadThread());
  // The whole run is bounded: a hang anywhere ends it.
  const limit = setTimeout(() => {
    process.stderr.write('bench: over its 4-minute limit, giving up\n');
    process.exit(1);
  }, 240_000);
  limit.unref();
  try {
    if (PROFILE) await profile(dir, threads);
    else await benchmark(dir, threads);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

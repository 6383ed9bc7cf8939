import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  name: string;
  where: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  /** Sampled time excluding (idle). */
  busyMs: number;
  topSelf: FunctionTime[];
  topInclusive: FunctionTime[];
  byArea: { area: string; ms: number; percent: number }[];
}

/** Where a frame's code lives: a package, one of our files, Node's internals, or V8 itself. */
function areaOf(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg?.[1] !== undefined) return pkg[1];
  const own = /\/dist\/(src\/.*)$/.exec(url);
  if (own?.[1] !== undefined) return own[1];
  if (url.startsWith('node:')) return 'node:internal';
  return url;
}

function whereOf(frame: ProfileNode['callFrame']): string {
  const own = /\/dist\/(.*)$/.exec(frame.url);
  const pkg = /node_modules\/(.*)$/.exec(frame.url);
  const file = own?.[1] ?? pkg?.[1] ?? frame.url;
  return file === '' ? '' : `${file}:${frame.lineNumber + 1}`;
}

/** Self and inclusive time per function, and self time per package/file, of a `--cpu-prof` file. */
export function summarizeCpuProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    // timeDeltas[i + 1] is the time until the next sample, spent where sample i was taken.
    const delta = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    self.set(id, (self.get(id) ?? 0) + delta);
  });
  const keyOf = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'}\u0000${whereOf(node.callFrame)}`;
  const selfByKey = new Map<string, number>();
  const inclusiveByKey = new Map<string, number>();
  const areas = new Map<string, number>();
  let busyMs = 0;

  // Inclusive time: each node's self time counts once for every distinct function on its stack.
  const root = profile.nodes[0];
  const stack: { node: ProfileNode; path: string[] }[] = root ? [{ node: root, path: [] }] : [];
  while (stack.length > 0) {
    const { node, path } = stack.pop() as { node: ProfileNode; path: string[] };
    const key = keyOf(node);
    const here = path.includes(key) ? path : [...path, key];
    const ms = self.get(node.id) ?? 0;
    const name = node.callFrame.functionName;
    if (ms > 0 && name !== '(idle)') {
      busyMs += ms;
      selfByKey.set(key, (selfByKey.get(key) ?? 0) + ms);
      const area = areaOf(node.callFrame.url, name);
      areas.set(area, (areas.get(area) ?? 0) + ms);
      for (const k of here) inclusiveByKey.set(k, (inclusiveByKey.get(k) ?? 0) + ms);
    }
    for (const child of node.children ?? []) {
      const next = byId.get(child);
      if (next) stack.push({ node: next, path: here });
    }
  }
  const round = (x: number) => Math.round(x * 10) / 10;
  const rank = (map: Map<string, number>): FunctionTime[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, ms]) => {
        const [name = '', where = ''] = key.split('\u0000');
        return { name, where, ms: round(ms), percent: round((ms * 100) / busyMs) };
      });
  return {
    busyMs: round(busyMs),
    topSelf: rank(selfByKey),
    topInclusive: rank(new Map([...inclusiveByKey].filter(([key]) => !key.startsWith('(root)')))),
    byArea: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([area, ms]) => ({ area, ms: round(ms), percent: round((ms * 100) / busyMs) })),
  };
}

export function formatProfileSummary(summary: ProfileSummary): string {
  const lines = [`busy (non-idle) sampled time: ${summary.busyMs} ms`, '', 'self time by package / file:'];
  for (const a of summary.byArea) lines.push(`  ${a.percent.toFixed(1).padStart(5)}%  ${a.ms.toFixed(0).padStart(6)} ms  ${a.area}`);
  lines.push('', 'top functions by self time:');
  for (const f of summary.topSelf) lines.push(`  ${f.percent.toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(6)} ms  ${f.name}  ${f.where}`);
  lines.push('', 'top functions by inclusive time:');
  for (const f of summary.topInclusive) lines.push(`  ${f.percent.toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(6)} ms  ${f.name}  ${f.where}`);
  return lines.join('\n');
}

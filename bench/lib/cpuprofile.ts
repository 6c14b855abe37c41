/**
 * Summary of a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time,
 * the most inclusive time, and self time per file or npm package, as % of the samples.
 *   node --import tsx bench/lib/cpuprofile.ts <file.cpuprofile> [top=25] [filter]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile { nodes: ProfileNode[]; samples: number[] }

const [file, topText, filter] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: cpuprofile.ts <file.cpuprofile> [top] [filter]\n');
  process.exit(2);
}
const top = Number(topText ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const label = (n: ProfileNode): string => {
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(/.*\/(node_modules|work\/main)\//, '$1/');
  return `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
};

/** the file (or package) of a frame, for the per-file section */
const fileOf = (n: ProfileNode): string => {
  const url = n.callFrame.url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm:${pkg[1]}`;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return url.replace(/.*\/work\/main\/(bench\/\.work\/dist\/)?/, '') || n.callFrame.functionName;
};

const self = new Map<string, number>();
const byFile = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const id of profile.samples) {
  const leaf = byId.get(id);
  if (!leaf) continue;
  self.set(label(leaf), (self.get(label(leaf)) ?? 0) + 1);
  byFile.set(fileOf(leaf), (byFile.get(fileOf(leaf)) ?? 0) + 1);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur)!);
    if (seen.has(l)) continue;
    seen.add(l);
    inclusive.set(l, (inclusive.get(l) ?? 0) + 1);
  }
}
const total = profile.samples.length;
const show = (title: string, m: Map<string, number>): void => {
  process.stdout.write(`\n${title} (${total} samples)\n`);
  [...m.entries()]
    .filter(([k]) => !filter || k.includes(filter))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([k, v]) => process.stdout.write(`${((100 * v) / total).toFixed(1).padStart(6)}%  ${k}\n`));
};
show('self time', self);
show('inclusive time', inclusive);
show('self time by file', byFile);

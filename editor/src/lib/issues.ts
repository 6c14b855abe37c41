/**
 * Server validation issues (`{path, message}`, SPEC §4) mapped onto what the user sees:
 * `nodes[2].params.interval` → node 2, field `interval`; `edges[1].sourcePort` → edge 1.
 */
import type { ValidationIssue } from '../api/types.ts';

export type IssueTarget =
  | { scope: 'node'; index: number; rest: string }
  | { scope: 'edge'; index: number; rest: string }
  | { scope: 'flow'; rest: string };

export function issueTarget(path: string): IssueTarget {
  const m = /^(nodes|edges)\[(\d+)\]\.?(.*)$/.exec(path);
  if (!m) return { scope: 'flow', rest: path };
  return { scope: m[1] === 'nodes' ? 'node' : 'edge', index: Number(m[2]), rest: m[3] ?? '' };
}

/**
 * Issues under `prefix` (e.g. `params`) grouped by their first field name; deeper paths keep
 * the rest in the message (`payload.x: not a valid path`). Issues naming no field go to `''`.
 */
export function fieldErrors(issues: readonly ValidationIssue[], prefix = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of issues) {
    let rest: string;
    if (prefix === '') rest = issue.path;
    else if (issue.path === prefix) rest = '';
    else if (issue.path.startsWith(`${prefix}.`) || issue.path.startsWith(`${prefix}[`)) rest = issue.path.slice(prefix.length);
    else continue;
    const m = /^\.?([^.[]+)(.*)$/.exec(rest);
    const field = m?.[1] ?? '';
    const sub = (m?.[2] ?? '').replace(/^\./, '').replace(/^\[(\d+)\]/, (_, n: string) => `item ${Number(n) + 1}`);
    (out[field] ??= []).push(sub ? `${sub}: ${issue.message}` : issue.message);
  }
  return out;
}

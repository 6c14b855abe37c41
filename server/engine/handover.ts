/**
 * Puts a new version of a running flow into effect at a run boundary (SPEC §7, PUT on a running
 * flow). Runs in flight finish on the version they started with; new triggers run the new one.
 *  - A trigger node the new version keeps as it was (same id, type and params) is handed over
 *    running: its connection, broker session, consumer or schedule stays, and what it fires
 *    from that moment on runs the new version. Nothing arrives in between, nothing twice.
 *  - A trigger changed or removed is stopped; once the runs it fired finished (bounded) what it
 *    created is disposed (a kafka consumer commits and leaves its group, an MQTT persistent
 *    session disconnects, keeping what the broker holds for it); then the new one starts and
 *    takes up where it left off (same group, same session client id, same node state).
 *  - Node state and flow memory carry over by node id (the new version shares the maps).
 * If the new version cannot start (a connection that does not open, a trigger that cannot
 * subscribe), everything it created is stopped, the old version gets its triggers back and
 * keeps running, and the error says why.
 */
import type { FlowNode } from '../../core/flow-types.ts';
import type { FlowRuntime } from './flow-runtime.ts';

export async function handOver(old: FlowRuntime, next: FlowRuntime, graceMs: number): Promise<void> {
  const before = old.runningTriggers();
  const kept = new Set<string>();
  for (const node of next.doc.nodes) {
    const was = before.get(node.id);
    if (was && !node.disabled && sameTrigger(was, node)) kept.add(node.id);
  }
  const dropped = new Set([...before.keys()].filter((id) => !kept.has(id)));
  // creates and starts everything but triggers; on failure it has stopped what it made and the old version is untouched
  await next.prepare(kept);
  next.adopt(old, kept);
  const fresh = [...next.runningTriggers().keys()].filter((id) => !kept.has(id));
  try {
    await old.dropTriggers(dropped, graceMs);
    await next.startTriggers(fresh);
  } catch (err) {
    old.adopt(next, kept);
    // runs the kept triggers fired meanwhile finish on the new version
    await next.stop(graceMs);
    try {
      await old.revive(dropped);
    } catch (again) {
      throw new Error(`${message(err)}; and the running version could not get its triggers back: ${message(again)}`);
    }
    throw err;
  }
}

/** whether the new version's node listens exactly as the running one (then it is handed over as it runs) */
function sameTrigger(a: FlowNode, b: FlowNode): boolean {
  return a.type === b.type && stable(a.params ?? {}) === stable(b.params ?? {});
}

/** JSON with object keys sorted, so key order does not count as a change */
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

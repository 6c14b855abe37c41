/**
 * What a script returned → which messages go out on which port.
 *
 * - null / undefined: nothing.
 * - one output: a message goes on "out"; an array sends each entry on "out" (entries that are
 *   arrays are flattened once, so the per-port form `[[a, b]]` works too; null entries skip).
 * - several outputs: an array has one entry per port, in port order: a message, an array of
 *   messages, or null. A non-array goes on the first port. More entries than ports is an error.
 * - a value that is not an object (string, number, boolean) is sent as `{payload: value}`.
 */
import type { Message } from '../../core/flow-types.ts';
import { NodeError } from '../../server/engine/node-api.ts';

export interface Emission { port: string; msg: Message }

export function routeResult(result: unknown, ports: readonly string[]): Emission[] {
  if (result === null || result === undefined) return [];
  const first = ports[0] ?? 'out';
  if (!Array.isArray(result)) return [{ port: first, msg: asMessage(result) }];
  const out: Emission[] = [];
  if (ports.length <= 1) {
    for (const entry of result) collect(entry, first, out, 'the returned array');
    return out;
  }
  if (result.length > ports.length) {
    throw new NodeError(`the script returned ${result.length} entries but has ${ports.length} outputs`, 'SCRIPT_RESULT', false);
  }
  result.forEach((entry: unknown, i) => collect(entry, ports[i]!, out, `output ${i + 1}`));
  return out;
}

function collect(entry: unknown, port: string, out: Emission[], where: string): void {
  if (entry === null || entry === undefined) return;
  if (!Array.isArray(entry)) {
    out.push({ port, msg: asMessage(entry) });
    return;
  }
  for (const item of entry) {
    if (item === null || item === undefined) continue;
    if (Array.isArray(item)) {
      throw new NodeError(`${where} holds an array inside an array; return messages (objects) there`, 'SCRIPT_RESULT', false);
    }
    out.push({ port, msg: asMessage(item) });
  }
}

function asMessage(value: unknown): Message {
  if (typeof value === 'object' && value !== null) return value as Message;
  return { payload: value };
}

/**
 * Micro-benchmark of the script sandbox: calls/s of a compiled script (best of 3 rounds), one
 * message at a time and with 64 in flight (batched), and the two ways of moving a message across
 * the isolate boundary (JSON string vs structured-clone copy; JSON wins, so the sandbox uses it).
 *   node --no-node-snapshot --import tsx bench/sandbox/run.ts [calls]
 */
import ivm from 'isolated-vm';
import { createSandbox } from '../../server/sandbox/index.ts';
import type { NodeState } from '../../server/engine/node-api.ts';

const calls = Number(process.argv[2] ?? 200_000);
const message = {
  payload: { id: 42, name: 'sensor-7', values: [1.5, 2.25, 3], ok: true, tags: { site: 'north', line: 'b' } },
  topic: 'plant/line-b',
};

/** `inFlight` calls at a time: 1 is one message after another, more is what a busy flow sees */
async function measure(label: string, fn: (i: number) => unknown, inFlight = 1): Promise<number> {
  const drive = async (count: number): Promise<void> => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count) await fn(next++);
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
  };
  await drive(5000); // warm up
  let rate = 0;
  let perCpu = 0;
  for (let round = 0; round < 3; round++) { // best of 3: the machine may be shared
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    await drive(calls);
    const used = process.cpuUsage(cpu);
    rate = Math.max(rate, Math.round(calls / (Number(process.hrtime.bigint() - started) / 1e9)));
    perCpu = Math.max(perCpu, Math.round(calls / ((used.user + used.system) / 1e6)));
  }
  const fmt = (n: number): string => n.toLocaleString('en-US').padStart(10);
  console.log(`${label.padEnd(44)} ${fmt(rate)} calls/s  ${fmt(perCpu)} calls/CPU-s`);
  return rate;
}

const sandbox = createSandbox({ memoryMb: 64 });
const state = new Map<string, unknown>();
const nodeState: NodeState = {
  get: <T>(key: string) => state.get(key) as T | undefined,
  set: (key, value) => void state.set(key, value),
};
const flow = new Map<string, unknown>();

const transform = sandbox.compile('msg.payload.count = (msg.payload.count || 0) + 1;\nmsg.topic = "out";\nreturn msg;', { name: 'bench-sync' });
const stateful = sandbox.compile('const n = (ctx.state.get("n") || 0) + 1;\nctx.state.set("n", n);\nmsg.payload.n = n;\nreturn msg;', { name: 'bench-state' });
const asyncScript = sandbox.compile('const v = await Promise.resolve(msg.payload.id);\nmsg.payload.v = v;\nreturn msg;', { name: 'bench-async' });

for (const inFlight of [1, 64]) {
  const tag = `, ${inFlight} in flight`;
  await measure(`sandbox: sync transform${tag}`, () => transform.run(message, { timeoutMs: 1000, flow }), inFlight);
  await measure(`sandbox: ctx.state get+set${tag}`, () => stateful.run(message, { timeoutMs: 1000, state: nodeState, flow }), inFlight);
  await measure(`sandbox: async body (await)${tag}`, () => asyncScript.run(message, { timeoutMs: 1000 }), inFlight);
}
sandbox.dispose();

// Raw transports, same function body, no sandbox bookkeeping.
const isolate = new ivm.Isolate({ memoryLimit: 64 });
const context = isolate.createContextSync();
const viaJson = context.evalClosureSync(
  `return function (json) { const msg = JSON.parse(json); msg.payload.count = 1; return JSON.stringify(msg); }`,
  [], { result: { reference: true } }) as ivm.Reference<(json: string) => string>;
const viaCopy = context.evalClosureSync(
  `return function (msg) { msg.payload.count = 1; return msg; }`,
  [], { result: { reference: true } }) as ivm.Reference<(msg: unknown) => unknown>;
const options = { timeout: 1000 };
const copyOptions = { timeout: 1000, arguments: { copy: true }, result: { copy: true } } as const;
await measure('raw: JSON string in/out', () => JSON.parse(viaJson.applySync(undefined, [JSON.stringify(message)], options)));
await measure('raw: structured copy in/out', () => viaCopy.applySync(undefined, [message], copyOptions));
isolate.dispose();

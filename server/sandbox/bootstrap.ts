/**
 * The runner that lives inside each script's context. The host talks to it through one
 * function (`entry`) and it talks back through two callbacks; only strings and numbers cross,
 * so no host object is ever reachable from user code.
 *
 *   entry(BATCH, sliceMs, '[[token,msg],…]')
 *       runs the messages in order and returns one line per message it ran:
 *       json | 'u' (undefined) | 'p' (pending) | 'e'+json(ThrownInfo). No JSON text starts with
 *       u, p or e, and JSON.stringify never emits a raw newline, so lines split cleanly. After
 *       `sliceMs` it starts no further message (the host queues the rest again), which bounds how
 *       much of one message's time limit the earlier messages of its batch can use.
 *   entry(COLLECT)              → the lines of the last batch, after a time-limit termination
 *   entry(FIRE, timerId)        → runs a timer callback; its failure settles the run
 *   entry(DROP, token)          → forgets the timers of a finished run
 *   host(token, op, a, b)       → ctx.log / ctx.state / ctx.flow / timers (HostOp)
 *   settle(token, encoded)      → the outcome of a run that was pending
 *
 * The runner is strict code and keeps its own copies of JSON/Reflect, so a script that
 * replaces globals can break only itself. `current` is the run whose code is executing: every
 * entry sets it before user code runs, and continuations after `await` run inside the entry
 * that resolved them (the run itself or one of its own timers).
 */

export const Entry = { batch: 0, collect: 1, fire: 2, drop: 3 } as const;

export const HostOp = {
  log: 0,
  stateGet: 1,
  stateSet: 2,
  flowGet: 3,
  flowSet: 4,
  timerSet: 5,
  timerClear: 6,
} as const;

/** Evaluated with evalClosureSync: $0 = the user's function, $1 = host, $2 = settle. */
export const BOOTSTRAP_SOURCE = `'use strict';
const user = $0, host = $1, settle = $2;
const parse = JSON.parse, stringify = JSON.stringify;
const apply = Reflect.apply, freeze = Object.freeze, then = Promise.prototype.then;
const resolve = Promise.resolve.bind(Promise);
const now = Date.now;
const timers = new Map();
const lines = [];
let current = 0;
let timerSeq = 0;

function describe(value) {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return String(value.stack || value);
  try {
    const json = stringify(value);
    return json === undefined ? String(value) : json;
  } catch (e) {
    return String(value);
  }
}
function format(args) {
  let out = '';
  for (let i = 0; i < args.length; i++) out += (i ? ' ' : '') + describe(args[i]);
  return out;
}
function thrown(e) {
  try {
    if (e !== null && typeof e === 'object' && typeof e.message === 'string') {
      return 'e' + stringify({
        name: typeof e.name === 'string' ? e.name : 'Error',
        message: e.message,
        stack: typeof e.stack === 'string' ? e.stack : '',
      });
    }
    return 'e' + stringify({ name: 'Error', message: describe(e), stack: '' });
  } catch (inner) {
    return 'e' + stringify({ name: 'Error', message: 'the script threw a value that cannot be read', stack: '' });
  }
}
function encode(value) {
  if (value === undefined) return 'u';
  let json;
  try {
    json = stringify(value);
  } catch (e) {
    return 'e' + stringify({ name: 'TypeError', message: 'the returned value is not JSON: ' + describe(e && e.message), stack: '' });
  }
  return json === undefined ? 'u' : json;
}
function encodeKeyed(value) {
  if (value === undefined) return undefined;
  const json = stringify(value);
  if (json === undefined) throw new TypeError('the value is not JSON');
  return json;
}
function decode(json) {
  return json === undefined ? undefined : parse(json);
}

const log = function log(...args) { host(current, ${HostOp.log}, 'info', format(args)); };
log.info = log;
log.debug = function debug(...args) { host(current, ${HostOp.log}, 'debug', format(args)); };
log.warn = function warn(...args) { host(current, ${HostOp.log}, 'warn', format(args)); };
log.error = function error(...args) { host(current, ${HostOp.log}, 'error', format(args)); };
const ctx = freeze({
  log: freeze(log),
  state: freeze({
    get(key) { return decode(host(current, ${HostOp.stateGet}, String(key))); },
    set(key, value) { host(current, ${HostOp.stateSet}, String(key), encodeKeyed(value)); },
  }),
  flow: freeze({
    get(key) { return decode(host(current, ${HostOp.flowGet}, String(key))); },
    set(key, value) { host(current, ${HostOp.flowSet}, String(key), encodeKeyed(value)); },
  }),
});

globalThis.setTimeout = function setTimeout(fn, ms, ...args) {
  if (typeof fn !== 'function') throw new TypeError('setTimeout expects a function');
  const id = ++timerSeq;
  host(current, ${HostOp.timerSet}, id, Number(ms) || 0);
  timers.set(id, { fn, args, token: current });
  return id;
};
globalThis.clearTimeout = function clearTimeout(id) {
  const timer = timers.get(id);
  if (timer === undefined) return;
  timers.delete(id);
  host(timer.token, ${HostOp.timerClear}, id);
};

function runOne(token, msg) {
  current = token;
  try {
    const result = user(msg, ctx);
    if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
      apply(then, resolve(result), [
        (value) => settle(token, encode(value)),
        (e) => settle(token, thrown(e)),
      ]);
      return 'p';
    }
    return encode(result);
  } catch (e) {
    return thrown(e);
  }
}
function runBatch(sliceMs, input) {
  const items = parse(input);
  lines.length = 0;
  const started = now();
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && now() - started > sliceMs) break;
    const item = items[i];
    lines.push(runOne(item[0], item[1]));
  }
  return lines.join('\\n');
}
// The lines stay until the next batch: a time limit hit in the microtasks after the last
// message still leaves every finished message's line to collect.
function collect() {
  return lines.join('\\n');
}
function fire(id) {
  const timer = timers.get(id);
  if (timer === undefined) return;
  timers.delete(id);
  current = timer.token;
  try {
    apply(timer.fn, undefined, timer.args);
  } catch (e) {
    settle(timer.token, thrown(e));
  }
}
function drop(token) {
  for (const [id, timer] of timers) if (timer.token === token) timers.delete(id);
}

return function entry(kind, a, b) {
  if (kind === ${Entry.batch}) return runBatch(a, b);
  if (kind === ${Entry.collect}) return collect();
  if (kind === ${Entry.fire}) return fire(a);
  drop(a);
};
`;

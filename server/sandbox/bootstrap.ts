/**
 * The code that lives inside each script's context, next to the user's function. The runner
 * (a child process) talks to it through one function (`entry`); it talks back through four
 * host functions. Only strings and numbers cross, so no host object is ever reachable.
 *
 *   entry(BATCH, sliceMs, '[msg,…]', firstToken, from)
 *       runs the messages from index `from` in order (message i is run `firstToken + i`) and
 *       returns one line
 *       per message it ran, joined by '\n': json | 'u' (undefined) | 'p' (pending) |
 *       'e'+["name","message","stack"] | 'x'+["CODE","message"] (refused by the runner, e.g. a
 *       result above the size limit). No JSON text starts with u, p, e or x, and JSON never holds
 *       a raw newline, so lines split cleanly. After `sliceMs` it starts no further message; the
 *       runner continues with RESUME, which bounds how much of one message's time limit the
 *       earlier messages of its batch can use.
 *   entry(RESUME, sliceMs, index)  → the same, from message `index` of the last batch
 *   entry(COLLECT)                 → the lines of the last BATCH/RESUME, after a time-limit stop
 *   entry(FIRE, timerId)           → runs a timer callback; its failure settles the run
 *   entry(DROP, token)             → forgets a run that ended outside (timers, counters)
 *
 *   local(token, op, a, b)         → timers, answered by the runner (sync)
 *   remote.applySyncPromise(…)     → ctx.state / ctx.flow, answered by the server over IPC; only
 *                                    this isolate waits, never a host thread
 *   emit(token, level, text)       → ctx.log, fire and forget
 *   settle(token, line)            → the outcome of a run that was pending, fire and forget
 *
 * The user's code shares this context and may replace any global or prototype method. So this
 * code captures every intrinsic it uses before any user code runs, never calls a method
 * through a prototype (no `lines.join`, `map.get`, `array.push`), keeps its tables in objects
 * without a prototype, and builds its output by string concatenation. A script that replaces
 * JSON, Array.prototype.join or Promise.prototype.then can break only its own results.
 */

export const Entry = { batch: 0, resume: 1, collect: 2, fire: 3, drop: 4 } as const;

/** Runner-local operations (`local`): timers live in the runner, next to the isolate. */
export const LocalOp = { timerSet: 0, timerClear: 1 } as const;

/** Limits the in-isolate code enforces before anything is copied out. */
export interface BootstrapLimits {
  /** longest JSON text of a returned message */
  messageChars: number;
  /** longest JSON text of one ctx.state value (the node's whole state limit) */
  stateChars: number;
  /** longest JSON text of one ctx.flow value (the flow's whole memory limit) */
  flowChars: number;
  logLines: number;
  logLineChars: number;
  /** characters of ctx.log text per run */
  logRunChars: number;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * Evaluated with evalClosure: $0 = the user's function, $1 = local, $2 = remote (a Reference),
 * $3 = emit, $4 = settle, $5 = limits as JSON.
 */
export const BOOTSTRAP_SOURCE = `'use strict';
const user = $0, local = $1, remote = $2, emit = $3, settle = $4;
const parse = JSON.parse, stringify = JSON.stringify;
const apply = Reflect.apply, freeze = Object.freeze, create = Object.create;
const remoteCall = remote.applySyncPromise, remoteAsync = remote.apply;
const promiseThen = Promise.prototype.then;
const toString = String, now = Date.now;
const slice = String.prototype.slice;
const isPrototypeOf = Object.prototype.isPrototypeOf, promiseProto = Promise.prototype;
const ErrorType = Error, TypeErrorType = TypeError, RangeErrorType = RangeError;
const limits = parse($5);
// remote.apply's options without a prototype: a script's getters on Object.prototype cannot reach them
const promiseResult = create(null);
promiseResult.promise = true;
const asyncOptions = create(null);
asyncOptions.result = freeze(promiseResult);
freeze(asyncOptions);
const timers = create(null);
const runs = create(null);
let items = [];
let first = 0;
let out = '';
let current = 0;
let timerSeq = 0;

function cut(text, max) {
  return text.length > max ? apply(slice, text, [0, max]) + '…' : text;
}
function describe(value) {
  if (typeof value === 'string') return value;
  try {
    if (value instanceof ErrorType) return toString(value.stack || value);
    const json = stringify(value);
    return json === undefined ? toString(value) : json;
  } catch (e) {
    try { return toString(value); } catch (inner) { return '[a value that cannot be shown]'; }
  }
}
function format(args) {
  let text = '';
  for (let i = 0; i < args.length; i++) text += (i ? ' ' : '') + describe(args[i]);
  return text;
}
function quote(text) {
  return stringify(toString(text));
}
function refused(code, message) {
  return 'x[' + quote(code) + ',' + quote(message) + ']';
}
function mb(chars) {
  const units = chars >= 1048576 ? chars / 1048576 : (chars > 1 ? chars : 1) / 1024;
  const tenths = units * 10, whole = tenths | 0;
  const shown = (whole === tenths ? whole : whole + 1) / 10;
  return toString(shown) + (chars >= 1048576 ? ' MB' : ' KB');
}
function thrown(e) {
  let name = 'Error', message, stack = '';
  try {
    if (e !== null && typeof e === 'object' && typeof e.message === 'string') {
      const n = e.name, s = e.stack;
      if (typeof n === 'string') name = n;
      message = e.message;
      if (typeof s === 'string') stack = s;
    } else {
      message = describe(e);
    }
  } catch (inner) {
    message = 'the script threw a value that cannot be read';
  }
  if (typeof message !== 'string') message = 'the script threw a value that cannot be read';
  return 'e[' + quote(cut(name, 200)) + ',' + quote(cut(message, 8192)) + ',' + quote(cut(stack, 16384)) + ']';
}
function encode(value) {
  if (value === undefined) return 'u';
  let json;
  try {
    json = stringify(value);
  } catch (e) {
    let why = '';
    try { why = describe(e && e.message); } catch (inner) { why = 'it cannot be read'; }
    return 'e[' + quote('TypeError') + ',' + quote('the returned value is not JSON: ' + cut(why, 1000)) + ',""]';
  }
  if (json === undefined) return 'u';
  if (typeof json !== 'string') return refused('SCRIPT_DATA', 'the returned value could not be turned into JSON');
  if (json.length > limits.messageChars) {
    return refused('SCRIPT_DATA', 'the script returned ' + mb(json.length) + ' of JSON, above the message limit of ' + mb(limits.messageChars));
  }
  return json;
}
function encodeKeyed(value, what, max) {
  if (value === undefined) return undefined;
  const json = stringify(value);
  if (typeof json !== 'string') throw new TypeErrorType(what + ': the value is not JSON');
  if (json.length > max) throw new RangeErrorType(what + ': the value is ' + mb(json.length) + ' of JSON, above the limit of ' + mb(max));
  return json;
}
function decode(json) {
  return typeof json === 'string' ? parse(json) : undefined;
}
function call(op, a, b) {
  if (runs[current] === undefined) throw new ErrorType('this run of the script has already ended');
  let answer;
  try {
    answer = apply(remoteCall, remote, [undefined, [current, op, a, b]]);
  } catch (e) {
    throw again(e);
  }
  return answer;
}
/**
 * An asynchronous host call (ctx.db): the isolate goes on while the server works, and the
 * run's token is current again when the answer arrives, before the script's code continues.
 */
function callAsync(op, a) {
  const token = current;
  if (runs[token] === undefined) throw new ErrorType('this run of the script has already ended');
  let promise;
  try {
    promise = apply(remoteAsync, remote, [undefined, [token, op, a, undefined], asyncOptions]);
  } catch (e) {
    throw again(e);
  }
  return apply(promiseThen, promise, [
    function answered(answer) { current = token; return decode(answer); },
    function refused(e) { current = token; throw again(e); },
  ]);
}
/** a host error made again here, so its stack holds the user's line */
function again(e) {
  let name = 'Error', message = 'the sandbox call failed';
  try {
    if (typeof e.name === 'string') name = e.name;
    if (typeof e.message === 'string') message = e.message;
  } catch (inner) {
    // keep the defaults
  }
  return name === 'RangeError' ? new RangeErrorType(message) : name === 'TypeError' ? new TypeErrorType(message) : new ErrorType(message);
}
function keyOf(key) {
  return cut(toString(key), 1000);
}

function writeLog(level, args) {
  const token = current;
  const run = runs[token];
  if (run === undefined) return;
  if (run.lines >= limits.logLines || run.chars >= limits.logRunChars) {
    if (!run.warned) {
      run.warned = true;
      emit(token, 2, 'further ctx.log lines of this run are dropped (limit ' + limits.logLines + ' lines, ' + mb(limits.logRunChars) + ')');
    }
    return;
  }
  const text = cut(format(args), limits.logLineChars);
  run.lines++;
  run.chars += text.length;
  emit(token, level, text);
}
const info = function log(...args) { writeLog(1, args); };
info.info = info;
info.debug = function debug(...args) { writeLog(0, args); };
info.warn = function warn(...args) { writeLog(2, args); };
info.error = function error(...args) { writeLog(3, args); };
const ctx = freeze({
  log: freeze(info),
  state: freeze({
    get(key) { return decode(call('state.get', keyOf(key))); },
    set(key, value) { call('state.set', keyOf(key), encodeKeyed(value, 'ctx.state.set', limits.stateChars)); },
  }),
  flow: freeze({
    get(key) { return decode(call('flow.get', keyOf(key))); },
    set(key, value) { call('flow.set', keyOf(key), encodeKeyed(value, 'ctx.flow.set', limits.flowChars)); },
  }),
  db: function db(name) {
    const connection = keyOf(name);
    return freeze({
      query(sql, binds) {
        if (typeof sql !== 'string') throw new TypeErrorType('ctx.db(…).query: the SQL must be a string');
        const text = encodeKeyed([connection, sql, binds === undefined ? null : binds], 'ctx.db(…).query', limits.messageChars);
        return callAsync('db.query', text);
      },
    });
  },
});

globalThis.setTimeout = function setTimeout(fn, ms, ...args) {
  if (typeof fn !== 'function') throw new TypeErrorType('setTimeout expects a function');
  const token = current;
  if (runs[token] === undefined) throw new ErrorType('this run of the script has already ended');
  const id = ++timerSeq;
  local(token, ${LocalOp.timerSet}, id, typeof ms === 'number' ? ms : 0);
  timers[id] = { fn, args, token };
  return id;
};
globalThis.clearTimeout = function clearTimeout(id) {
  if (typeof id !== 'number') return;
  const timer = timers[id];
  if (timer === undefined) return;
  delete timers[id];
  local(timer.token, ${LocalOp.timerClear}, id, 0);
};

/** a run is over: its counters and timers go (the runner clears its own side) */
function forget(token) {
  delete runs[token];
  for (const id in timers) if (timers[id].token === token) delete timers[id];
}
function finish(token, line) {
  if (runs[token] === undefined) return;
  forget(token);
  settle(token, line);
}
async function follow(token, promise) {
  let line;
  try {
    line = encode(await promise);
  } catch (e) {
    line = thrown(e);
  }
  finish(token, line);
}
/** a promise, or an object with a callable then (one whose then cannot even be read is a value) */
function pending(value) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  if (apply(isPrototypeOf, promiseProto, [value])) return true;
  try {
    return typeof value.then === 'function';
  } catch (e) {
    return false;
  }
}
function runOne(token, msg) {
  current = token;
  runs[token] = { lines: 0, chars: 0, warned: false };
  let line;
  try {
    const result = user(msg, ctx);
    if (pending(result)) {
      // the outcome goes out through settle, maybe in this entry's own microtasks
      follow(token, result);
      return 'p';
    }
    line = encode(result);
  } catch (e) {
    line = thrown(e);
  }
  forget(token);
  return line;
}
function runFrom(sliceMs, index) {
  out = '';
  const started = now();
  for (let i = index; i < items.length; i++) {
    if (i > index && now() - started > sliceMs) break;
    if (out.length > limits.messageChars) break;
    const line = runOne(first + i, items[i]);
    out += (i > index ? '\\n' : '') + line;
  }
  return out;
}
function fire(id) {
  const timer = timers[id];
  if (timer === undefined) return;
  delete timers[id];
  current = timer.token;
  try {
    apply(timer.fn, undefined, timer.args);
  } catch (e) {
    finish(timer.token, thrown(e));
  }
}

return function entry(kind, a, b, c, d) {
  if (kind === ${Entry.batch}) {
    items = parse(b);
    first = c;
    return runFrom(a, d);
  }
  if (kind === ${Entry.resume}) return runFrom(a, b);
  if (kind === ${Entry.collect}) return out;
  if (kind === ${Entry.fire}) return fire(a);
  forget(a);
};
`;

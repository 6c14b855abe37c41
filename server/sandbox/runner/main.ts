/**
 * A script runner: a child process of the server that hosts the isolates of the flows pinned
 * to it. It does what the server's frames say (see protocol.ts) and nothing else; the server
 * keeps every piece of state that matters (ctx.state, ctx.flow), so a runner that dies loses
 * only the runs it was running. It exits when the server goes away (IPC disconnect).
 */
import { checkToRunner, type FromRunner, type ToRunner } from '../protocol.ts';
import { RunnerLink } from './link.ts';
import { RunnerSandbox } from './sandbox.ts';
import { RunnerScript } from './script.ts';

const send = process.send?.bind(process);
if (send === undefined) {
  process.stderr.write('the script runner must be started by the Tributary server (no IPC channel)\n');
  process.exit(2);
}

const link = new RunnerLink((message: FromRunner[], callback) => {
  send(message, undefined, undefined, callback);
});
const sandboxes = new Map<number, RunnerSandbox>();
let rejected = 0;

function handle(frame: ToRunner): void {
  switch (frame.t) {
    case 'open':
      if (!sandboxes.has(frame.sid)) sandboxes.set(frame.sid, new RunnerSandbox(frame.sid, Math.max(8, frame.memoryMb), frame.limits, link));
      return;
    case 'close':
      sandboxes.get(frame.sid)?.close();
      sandboxes.delete(frame.sid);
      return;
    case 'compile': {
      const sandbox = sandboxes.get(frame.sid);
      if (sandbox && !sandbox.scripts.has(frame.scid)) sandbox.scripts.set(frame.scid, new RunnerScript(sandbox, frame.scid, frame.code, frame.name));
      return;
    }
    case 'release': {
      const sandbox = sandboxes.get(frame.sid);
      sandbox?.scripts.get(frame.scid)?.release();
      sandbox?.scripts.delete(frame.scid);
      return;
    }
    case 'batch': {
      const script = sandboxes.get(frame.sid)?.scripts.get(frame.scid);
      if (script === undefined) {
        // the server always opens and compiles first; answer anyway so no run waits forever
        const line = `x${JSON.stringify(['SCRIPT_DISPOSED', 'the script is not loaded in its runner'])}`;
        link.push({ t: 'lines', first: frame.first, index: 0, lines: Array.from({ length: frame.count }, () => line) });
        return;
      }
      void script.runBatch(frame.first, frame.count, frame.timeoutMs, frame.input);
      return;
    }
    case 'cancel':
      sandboxes.get(frame.sid)?.scripts.get(frame.scid)?.cancel(frame.token);
      return;
    case 'reply':
      link.reply(frame.cid, frame.value, frame.error);
      return;
    case 'ping': {
      const now = Date.now();
      const busy: [number, number, number][] = [];
      for (const sandbox of sandboxes.values()) {
        const entry = sandbox.busy(now);
        if (entry) busy.push(entry);
      }
      link.push({ t: 'pong', seq: frame.seq, busy });
      link.flush();
      return;
    }
  }
}

process.on('message', (message: unknown) => {
  if (!Array.isArray(message)) {
    rejected++;
    return;
  }
  for (const raw of message) {
    const frame = checkToRunner(raw);
    if (frame === undefined) {
      rejected++;
      continue;
    }
    try {
      handle(frame);
    } catch (err) {
      process.stderr.write(`script runner: a ${frame.t} frame failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
});

// the runner must not outlive the server
process.on('disconnect', () => process.exit(0));

// what the server should hear about, now and then (goes to the server's log through stderr)
setInterval(() => {
  if (rejected > 0) process.stderr.write(`script runner: ${rejected} malformed frames from the server were ignored\n`);
  if (link.droppedLogs > 0) process.stderr.write(`script runner: ${link.droppedLogs} ctx.log lines were dropped (the server did not keep up)\n`);
  rejected = 0;
  link.droppedLogs = 0;
}, 5000).unref();

link.push({ t: 'ready', pid: process.pid });

/**
 * A script runner: a child process of the server that hosts the isolates of the flows pinned
 * to it. It does what the server's frames say (see protocol.ts) and nothing else; the server
 * keeps every piece of state that matters (ctx.state, ctx.flow), so a runner that dies loses
 * only the runs it was running. It exits when the server goes away (its channel closes).
 */
import { Socket } from 'node:net';
import { failureLine, packLines } from '../outcome.ts';
import { checkToRunner, type ToRunner } from '../protocol.ts';
import { FrameReader, FrameWriter } from '../wire.ts';
import { RunnerLink } from './link.ts';
import { RunnerSandbox } from './sandbox.ts';
import { RunnerScript } from './script.ts';
import { errorMessage } from '../../../core/guards.ts';

// the server talks to its runner over fd 3 (see wire.ts)
let channel: Socket;
try {
  channel = new Socket({ fd: 3, readable: true, writable: true });
} catch {
  process.stderr.write('the script runner must be started by the Tributary server (no channel on fd 3)\n');
  process.exit(2);
}
const writer = new FrameWriter(channel);
const link = new RunnerLink({
  write(frames) {
    channel.cork();
    try {
      for (const frame of frames) writer.write(frame);
    } finally {
      channel.uncork();
    }
  },
  get backlog() {
    return writer.backlog;
  },
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
        const line = failureLine('SCRIPT_DISPOSED', 'the script is not loaded in its runner');
        link.push({ t: 'lines', first: frame.first, index: 0, ...packLines(Array.from({ length: frame.count }, () => line)) });
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

function receive(raw: unknown): void {
  const frame = checkToRunner(raw);
  if (frame === undefined) {
    rejected++;
    refuseBatch(raw);
    return;
  }
  try {
    handle(frame);
  } catch (err) {
    process.stderr.write(`script runner: a ${frame.t} frame failed: ${errorMessage(err)}\n`);
  }
}

/** a batch frame that did not check out still gets an answer, so none of its runs waits forever */
function refuseBatch(raw: unknown): void {
  const f = raw as { t?: unknown; first?: unknown; count?: unknown };
  if (f.t !== 'batch' || !Number.isSafeInteger(f.first) || !Number.isSafeInteger(f.count)) return;
  const count = Math.min(Math.max(f.count as number, 0), 100_000);
  if (count === 0) return;
  const line = failureLine('SCRIPT_DATA', 'the script runner could not read this batch');
  link.push({ t: 'lines', first: f.first as number, index: 0, ...packLines(Array.from({ length: count }, () => line)) });
}

const reader = new FrameReader(receive);
channel.on('data', (chunk: Buffer) => {
  try {
    reader.push(chunk);
  } catch (err) {
    // the stream cannot be read any further: leave, the server replaces this runner
    process.stderr.write(`script runner: the server's frames could not be read (${errorMessage(err)})\n`);
    process.exit(3);
  }
});
// the runner must not outlive the server: its end of the channel closes with it
channel.on('end', () => process.exit(0));
channel.on('close', () => process.exit(0));
channel.on('error', () => process.exit(0));

// what the server should hear about, now and then (goes to the server's log through stderr)
setInterval(() => {
  if (rejected > 0) process.stderr.write(`script runner: ${rejected} malformed frames from the server were ignored\n`);
  if (link.droppedLogs > 0) process.stderr.write(`script runner: ${link.droppedLogs} ctx.log lines were dropped (the server did not keep up)\n`);
  rejected = 0;
  link.droppedLogs = 0;
}, 5000).unref();

link.push({ t: 'ready', pid: process.pid });

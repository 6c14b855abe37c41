/**
 * One incremental read per node at a time, whatever the trigger's task mode: two runs reading
 * from the same watermark would both send the same rows. A run that finds the read busy
 * waits for it (one such run at a time, so a tick that comes just before the end is not
 * lost); any further run is told to skip. Messages of a run already holding or waiting for
 * the read always queue (a select inside a loop reads once per item).
 *
 * Gates are keyed by flow and node id, not by node instance, so a flow version put into
 * effect while a run of the previous one still reads waits for it too.
 */
export type Release = () => void;

interface Waiter {
  runId: string;
  admit: () => void;
}

class ReadGate {
  holder: string | undefined;
  readonly waiters: Waiter[] = [];
}

const gates = new Map<string, ReadGate>();

/**
 * Enters the read of `key` for `runId`: resolves to the release once it is this run's turn,
 * or to undefined when the run should be skipped; rejects when `signal` aborts while waiting.
 */
export function enterRead(key: string, runId: string, signal: AbortSignal): Promise<Release | undefined> {
  let gate = gates.get(key);
  if (!gate) gates.set(key, (gate = new ReadGate()));
  const g = gate;
  if (g.holder === undefined) {
    g.holder = runId;
    return Promise.resolve(releaser(key, g));
  }
  const ownRun = g.holder === runId || g.waiters.some((w) => w.runId === runId);
  const otherWaiting = g.waiters.some((w) => w.runId !== g.holder);
  if (!ownRun && otherWaiting) return Promise.resolve(undefined);
  return new Promise<Release | undefined>((resolve, reject) => {
    const waiter: Waiter = {
      runId,
      admit: () => {
        signal.removeEventListener('abort', onAbort);
        g.holder = runId;
        resolve(releaser(key, g));
      },
    };
    const onAbort = (): void => {
      const at = g.waiters.indexOf(waiter);
      if (at >= 0) g.waiters.splice(at, 1);
      reject(signal.reason instanceof Error ? signal.reason : new Error('the run was stopped while waiting for the read'));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    g.waiters.push(waiter);
  });
}

/** whether a read of `key` is in progress (tests) */
export function readBusy(key: string): boolean {
  return gates.get(key)?.holder !== undefined;
}

function releaser(key: string, g: ReadGate): Release {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const next = g.waiters.shift();
    if (next) next.admit();
    else {
      g.holder = undefined;
      gates.delete(key);
    }
  };
}

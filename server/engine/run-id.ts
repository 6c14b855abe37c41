import { randomBytes } from 'node:crypto';

/** Run ids: time, a per-process random part and a counter — unique without entropy per run. */
const processPart = randomBytes(4).toString('hex');
let counter = 0;

let lastMs = -1;
let prefix = '';

export function newRunId(): string {
  counter = (counter + 1) % 0x1000000;
  // the time part changes once per millisecond at most; runs start by the thousand per ms
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    prefix = `r_${ms.toString(36)}${processPart}`;
  }
  return prefix + counter.toString(36).padStart(4, '0');
}

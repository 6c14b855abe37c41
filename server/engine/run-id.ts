import { randomBytes } from 'node:crypto';

/** Run ids: time, a per-process random part and a counter — unique without entropy per run. */
const processPart = randomBytes(4).toString('hex');
let counter = 0;

export function newRunId(): string {
  counter = (counter + 1) % 0x1000000;
  return `r_${Date.now().toString(36)}${processPart}${counter.toString(36).padStart(4, '0')}`;
}

/**
 * What the script runners (child processes that run the script nodes' JavaScript) use, so a
 * Tributary figure counts them with the server: CPU time and resident memory, read from /proc
 * (Linux; elsewhere 0).
 */
import { readFileSync } from 'node:fs';
import { scriptRunners } from '../../server/sandbox/index.ts';

/** clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux) */
const TICKS = 100;

export interface RunnerUsage { cpuSeconds: number; rss: number }

export function runnerUsage(): RunnerUsage {
  let cpuSeconds = 0;
  let rss = 0;
  for (const { pid } of scriptRunners()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime are fields 14 and 15 of the line, 12 and 13 after "pid (comm) "
      cpuSeconds += (Number(fields[11]) + Number(fields[12])) / TICKS;
      const vmRss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (vmRss) rss += Number(vmRss[1]) * 1024;
    } catch {
      // gone, or not Linux
    }
  }
  return { cpuSeconds, rss };
}

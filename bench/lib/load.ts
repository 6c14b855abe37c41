/** HTTP load with autocannon's programmatic API (it ships no types; the fields used are typed here). */
import { createRequire } from 'node:module';

interface Histogram { average: number; p50: number; p99: number; max: number; total: number }
interface AutocannonResult {
  requests: Histogram;
  latency: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}
interface AutocannonOptions {
  url: string;
  method: string;
  connections: number;
  duration: number;
  body: string;
  headers: Record<string, string>;
}
type Autocannon = (options: AutocannonOptions, done: (err: Error | null, result: AutocannonResult) => void) => unknown;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadResult {
  /** mean requests/s over the run */
  rps: number;
  p50: number;
  p99: number;
  max: number;
  requests: number;
  errors: number;
  non2xx: number;
}

export function load(url: string, body: unknown, connections: number, seconds: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, method: 'POST', connections, duration: seconds, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
      (err, r) => {
        if (err) reject(err);
        else {
          resolve({
            rps: r.requests.average,
            p50: r.latency.p50,
            p99: r.latency.p99,
            max: r.latency.max,
            requests: r.requests.total,
            errors: r.errors + r.timeouts,
            non2xx: r.non2xx,
          });
        }
      },
    );
  });
}

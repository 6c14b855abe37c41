/** Settings of SPEC §2 from CLI flags, then env vars, then defaults. */
import { resolve } from 'node:path';
import type { RetentionSettings } from '../core/flow-types.ts';
import { retentionSchema } from '../core/flow-schema.ts';
import { SchemaChecker } from '../core/schema-check.ts';

export interface Config {
  port: number;
  /** serve /hooks only on this port (its own origin), and not on `port` */
  hooksPort?: number;
  /** origins besides the server's own that may use the session cookie (CSRF, socket.io) */
  allowedOrigins?: string[];
  host: string;
  dataDir: string;
  adminPassword?: string;
  secretKey?: string;
  /** how long running runs may take to finish on shutdown */
  shutdownGraceMs: number;
  /** the server's trace retention by run outcome, over the built-in defaults (flows may override it) */
  retention?: RetentionSettings;
}

export class ConfigError extends Error {}

export function loadConfig(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Config {
  const flags = parseFlags(argv);
  const port = portOf('port', flags['port'] ?? env['TRIBUTARY_PORT'] ?? '1890');
  const graceText = env['TRIBUTARY_SHUTDOWN_GRACE_MS'] ?? '10000';
  const config: Config = {
    port,
    host: flags['host'] ?? env['TRIBUTARY_HOST'] ?? '127.0.0.1',
    dataDir: resolve(flags['data-dir'] ?? env['TRIBUTARY_DATA_DIR'] ?? './data'),
    shutdownGraceMs: Number(graceText) >= 0 ? Number(graceText) : 10000,
  };
  const hooksText = flags['hooks-port'] ?? env['TRIBUTARY_HOOKS_PORT'];
  if (hooksText !== undefined && hooksText !== '') {
    config.hooksPort = portOf('hooks port', hooksText);
    if (config.hooksPort === port && port !== 0) throw new ConfigError(`the hooks port must differ from the port (both are ${port})`);
  }
  const originsText = env['TRIBUTARY_ALLOWED_ORIGINS'];
  if (originsText) {
    config.allowedOrigins = parseOrigins(originsText);
  }
  if (env['TRIBUTARY_ADMIN_PASSWORD']) config.adminPassword = env['TRIBUTARY_ADMIN_PASSWORD'];
  if (env['TRIBUTARY_SECRET_KEY']) config.secretKey = env['TRIBUTARY_SECRET_KEY'];
  const retentionText = env['TRIBUTARY_RETENTION'];
  if (retentionText) config.retention = parseRetention(retentionText);
  return config;
}

/** TRIBUTARY_RETENTION: `{"succeeded":{"maxRuns","maxAgeDays"},"failed":{…}}`; throws naming the field */
export function parseRetention(text: string): RetentionSettings {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError('TRIBUTARY_RETENTION: not JSON; expected {"succeeded":{"maxRuns":1000,"maxAgeDays":30},"failed":{"maxRuns":10000,"maxAgeDays":90}}');
  }
  const issues = new SchemaChecker().check(retentionSchema, value, 'TRIBUTARY_RETENTION');
  if (issues.length > 0) throw new ConfigError(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  return value as RetentionSettings;
}

/** the comma-separated origins of a setting, normalized; throws naming the first bad one */
export function parseOrigins(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    let url: URL | undefined;
    try {
      url = new URL(part);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
      throw new ConfigError(`TRIBUTARY_ALLOWED_ORIGINS: "${part}" is not an origin such as https://ops.example.com (scheme, host, optional port; no path)`);
    }
    out.push(url.origin);
  }
  return out;
}

function portOf(what: string, text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`${what} must be an integer 0–65535, got "${text}"`);
  return port;
}

function parseFlags(argv: string[]): Record<string, string> {
  const known = new Set(['port', 'hooks-port', 'host', 'data-dir']);
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}"`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (!known.has(name)) throw new ConfigError(`unknown option --${name} (known: --port, --hooks-port, --host, --data-dir)`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`--${name} needs a value`);
    out[name] = value;
  }
  return out;
}

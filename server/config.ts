/** Settings of SPEC §2 from CLI flags, then env vars, then defaults. */
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  adminPassword?: string;
  secretKey?: string;
  /** how long running runs may take to finish on shutdown */
  shutdownGraceMs: number;
}

export class ConfigError extends Error {}

export function loadConfig(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Config {
  const flags = parseFlags(argv);
  const portText = flags['port'] ?? env['TRIBUTARY_PORT'] ?? '1890';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`port must be an integer 0–65535, got "${portText}"`);
  const graceText = env['TRIBUTARY_SHUTDOWN_GRACE_MS'] ?? '10000';
  const config: Config = {
    port,
    host: flags['host'] ?? env['TRIBUTARY_HOST'] ?? '127.0.0.1',
    dataDir: resolve(flags['data-dir'] ?? env['TRIBUTARY_DATA_DIR'] ?? './data'),
    shutdownGraceMs: Number(graceText) >= 0 ? Number(graceText) : 10000,
  };
  if (env['TRIBUTARY_ADMIN_PASSWORD']) config.adminPassword = env['TRIBUTARY_ADMIN_PASSWORD'];
  if (env['TRIBUTARY_SECRET_KEY']) config.secretKey = env['TRIBUTARY_SECRET_KEY'];
  return config;
}

function parseFlags(argv: string[]): Record<string, string> {
  const known = new Set(['port', 'host', 'data-dir']);
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}"`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (!known.has(name)) throw new ConfigError(`unknown option --${name} (known: --port, --host, --data-dir)`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`--${name} needs a value`);
    out[name] = value;
  }
  return out;
}

/** A real Tributary server on a random port and a temp data dir, for API tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from './bootstrap.ts';
import type { Config } from './config.ts';
import { createLogger } from './log.ts';
import type { Logger } from '../core/logger.ts';

/** long enough and not common (the password policy applies to the first admin too) */
export const TEST_ADMIN_PASSWORD = 'test-owner-pass-1';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** a logged-in token of `admin` */
  adminToken: string;
  api(path: string, init?: { method?: string; body?: unknown; token?: string | null; raw?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
  /** close the server and delete its data dir */
  destroy(): Promise<void>;
}

export interface TestServerOptions {
  dataDir?: string;
  env?: Record<string, string>;
  resumeRetry?: ServerOptions['resumeRetry'];
  /** settings on top of the test defaults (hooksPort, allowedOrigins, …) */
  config?: Partial<Config>;
  /** server options on top of the test defaults (sessionTtlMs, onPasswordCheck, …) */
  server?: Omit<ServerOptions, 'log' | 'resumeRetry'>;
  /** the server's logger (default: errors only, to the console) */
  log?: Logger;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tributary-test-'));
  const server = await startServer(
    { port: 0, host: '127.0.0.1', dataDir, adminPassword: TEST_ADMIN_PASSWORD, shutdownGraceMs: 3000, secretKey: 'test-secret-key', ...options.config },
    { log: options.log ?? createLogger({ level: 'error' }), ...options.server, ...(options.resumeRetry ? { resumeRetry: options.resumeRetry } : {}) },
  );
  const api: TestServer['api'] = async (path, init = {}) => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    const token = init.token === undefined ? adminToken : init.token;
    if (token) headers['authorization'] = `Bearer ${token}`;
    let body: string | undefined;
    if (init.raw !== undefined) body = init.raw;
    else if (init.body !== undefined) body = JSON.stringify(init.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(server.url + path, { method: init.method ?? (body !== undefined ? 'POST' : 'GET'), headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed };
  };
  let adminToken = '';
  const login = await api('/api/auth/login', { body: { username: 'admin', password: TEST_ADMIN_PASSWORD }, token: null });
  adminToken = (login.body as { token: string }).token;
  return {
    ...server,
    dataDir,
    adminToken,
    api,
    async destroy() {
      await server.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `get` until `done(value)` or the timeout. */
export async function waitFor<T>(get: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (done(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(v)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

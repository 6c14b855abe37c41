/** Serves http-in routes of running flows under /hooks/ with each route's body limit. */
import type { Request, RequestHandler } from 'express';
import type { HookTable } from '../engine/hook-table.ts';
import type { Logger } from '../engine/node-api.ts';

const DEFAULT_LIMIT = 1024 * 1024;

export function hooksHandler(table: HookTable, log: Logger): RequestHandler {
  return async (req, res) => {
    const path = req.path;
    const found = table.match(req.method, path);
    if (!found) return void res.status(404).json({ error: `no running flow serves ${req.method} /hooks${path}` });
    if ('methodMismatch' in found) return void res.status(405).json({ error: `method ${req.method} is not allowed on /hooks${path}` });
    const limit = found.route.maxBodyBytes ?? DEFAULT_LIMIT;
    let raw: Buffer;
    try {
      raw = await readBody(req, limit);
    } catch (err) {
      return void res.status(413).json({ error: (err as Error).message });
    }
    let body: unknown;
    try {
      body = parseBody(raw, req.headers['content-type']);
    } catch {
      return void res.status(400).json({ error: 'the request body is not valid JSON' });
    }
    try {
      const reply = await found.route.handle({
        method: req.method, path, params: found.params, query: req.query as Record<string, unknown>,
        headers: req.headers, body, rawBody: raw,
      });
      for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
      res.status(reply.status);
      if (reply.body === undefined || reply.body === null) res.end();
      else if (Buffer.isBuffer(reply.body)) res.send(reply.body);
      else if (typeof reply.body === 'string') res.send(reply.body);
      else res.json(reply.body);
    } catch (err) {
      log.error('http-in handler failed', { path, error: String(err) });
      if (!res.headersSent) res.status(500).json({ error: 'the flow could not handle the request' });
    }
  };
}

function readBody(req: Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new Error(`the request body exceeds the limit of ${limit} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error(`the request body exceeds the limit of ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) return JSON.parse(raw.toString('utf8'));
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  if (type.startsWith('text/') || type === '') return raw.toString('utf8');
  return raw;
}

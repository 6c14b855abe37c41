/**
 * Serves http-in routes of running flows under /hooks/ with each route's body limit.
 * A plain node:http listener in front of express: a hook request is the hot path of an
 * HTTP-triggered flow and needs none of express's routing, so it does not pay for it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { HookTable } from '../engine/hook-table.ts';
import { labelBinary, type HookResponse } from '../engine/node-api.ts';
import type { Logger } from '../../core/logger.ts';
import { corsHeaders, isPreflight, preflightAnswer } from './hook-cors.ts';
import { jsonBodyIssue } from './json-guard.ts';
import { errorReply, ValidationError } from '../../core/errors.ts';
import { errorMessage } from '../../core/guards.ts';

const DEFAULT_LIMIT = 1024 * 1024;
const PREFIX = '/hooks';

export type HookListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Every /hooks answer is a sandboxed document: a page a flow serves (text/html written by
 * anyone who may edit flows) runs in an opaque origin, never as the editor's origin, so it
 * cannot use the session of a user who opens it. `allowScripts` (http-response) lets scripts,
 * forms and popups run, still in that opaque origin; same-origin is never granted.
 */
export const HOOK_SANDBOX = 'sandbox';
export const HOOK_SANDBOX_WITH_SCRIPTS = 'sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads';

/** true for `/hooks`, `/hooks/…` and `/hooks?…` (any case, as express mounted it) */
export function isHookUrl(url: string | undefined): boolean {
  if (!url || url.length < PREFIX.length || url.slice(0, PREFIX.length).toLowerCase() !== PREFIX) return false;
  const next = url.charAt(PREFIX.length);
  return next === '' || next === '/' || next === '?';
}

export function hooksListener(table: HookTable, log: Logger): HookListener {
  return (req, res) => {
    serve(table, req, res).catch((err: unknown) => {
      log.error('http-in handler failed', { path: req.url, error: errorMessage(err) });
      if (!res.headersSent) answer(req, res, errorReply('INTERNAL', 'the flow could not handle the request', {}));
      else res.destroy();
    });
  };
}

async function serve(table: HookTable, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? PREFIX;
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q)).slice(PREFIX.length) || '/';
  const method = req.method ?? 'GET';
  let found: ReturnType<HookTable['match']>;
  try {
    if (isPreflight(method, req.headers)) {
      // the route the browser is about to call answers for its own cross-origin policy
      const asked = String(req.headers['access-control-request-method']).toUpperCase();
      const target = table.match(asked, path);
      if (!target) return answer(req, res, { status: 404, body: { error: `no running flow serves ${asked} /hooks${path}`, code: 'NOT_FOUND' } });
      if ('methodMismatch' in target) return answer(req, res, { status: 403, body: { error: `method ${asked} is not served on /hooks${path}`, code: 'CORS_REFUSED' } });
      return answer(req, res, preflightAnswer(target.route.cors, req.headers));
    }
    found = table.match(method, path);
  } catch {
    return answer(req, res, errorReply('HOOK_PATH_INVALID', `the path /hooks${path} is not valid URL encoding`, { path: `/hooks${path}` }));
  }
  if (!found) return answer(req, res, errorReply('NOT_FOUND', `no running flow serves ${method} /hooks${path}`, { what: 'hook', id: `${method} /hooks${path}` }));
  if ('methodMismatch' in found) {
    return answer(req, res, errorReply('METHOD_NOT_ALLOWED', `method ${method} is not allowed on /hooks${path}`, { method, path: `/hooks${path}` }));
  }
  // every answer of a route, errors included, carries its CORS headers: the page can read why
  const cors = corsHeaders(found.route.cors, req.headers);
  const send = (r: HookResponse): void => answer(req, res, cors ? { ...r, headers: { ...r.headers, ...cors } } : r);
  const limit = found.route.maxBodyBytes ?? DEFAULT_LIMIT;
  let raw: Buffer;
  try {
    raw = await readBody(req, res, limit);
  } catch (err) {
    return send(errorReply('BODY_TOO_LARGE', errorMessage(err), {}));
  }
  let body: unknown;
  try {
    body = parseBody(raw, req.headers['content-type']);
  } catch {
    return send(errorReply('BODY_NOT_JSON', 'the request body is not valid JSON', {}));
  }
  // the same limits as /api bodies: a 10,000-deep document would overflow the stack downstream
  const issue = Buffer.isBuffer(body) ? undefined : jsonBodyIssue(body);
  if (issue) {
    const refused = new ValidationError(`the request body is refused: ${issue.path}: ${issue.message}`, [issue], 'INVALID_INPUT', { field: issue.path });
    return send({ status: refused.status, body: refused.body() });
  }
  const reply = await found.route.handle({
    method, path, params: found.params, query: q < 0 ? {} : { ...parseQuery(url.slice(q + 1)) },
    headers: req.headers, body, rawBody: raw,
  });
  send(reply);
}

/**
 * Writes a reply the way express's res.send/res.json did: objects as JSON, strings as text/html
 * unless a content type is given (http-response gives text/plain), buffers as octet-stream;
 * no body for HEAD and for 204/304.
 */
function answer(req: IncomingMessage, res: ServerResponse, reply: HookResponse): void {
  for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
  // after the flow's headers, so that a flow cannot lift them; a CSP the flow sets is kept
  // as a second policy, and a browser enforces both
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const own = res.getHeader('content-security-policy');
  const sandbox = reply.allowScripts === true ? HOOK_SANDBOX_WITH_SCRIPTS : HOOK_SANDBOX;
  res.setHeader('Content-Security-Policy', own === undefined ? sandbox : [...[own].flat().map(String), sandbox]);
  res.statusCode = reply.status;
  const body = reply.body;
  if (body === undefined || body === null) return void res.end();
  let data: Buffer | string;
  let type: string;
  if (Buffer.isBuffer(body)) {
    data = body;
    type = 'application/octet-stream';
  } else if (typeof body === 'string') {
    data = body;
    type = 'text/html; charset=utf-8';
  } else {
    data = JSON.stringify(body);
    type = 'application/json; charset=utf-8';
  }
  if (!res.hasHeader('content-type')) res.setHeader('Content-Type', type);
  if (reply.status === 204 || reply.status === 304) {
    res.removeHeader('Content-Type');
    return void res.end();
  }
  if (req.method !== 'HEAD') return void res.end(data); // node sets Content-Length from the body
  res.setHeader('Content-Length', typeof data === 'string' ? Buffer.byteLength(data) : data.length);
  res.end();
}

/**
 * The body, refused as soon as it passes `limit`: by its declared length before reading, else
 * while it streams in (nothing past the limit is kept, and the connection is closed after the 413).
 */
function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = (): Error => new Error(`the request body exceeds the limit of ${limit} bytes`);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(tooLarge());
    // with a declared length the bytes are copied into place as they arrive: no single large
    // copy at the end (90 MB joined at once stalls the event loop for ~0.3 s). The memory is
    // only committed as the bytes arrive.
    const whole = declared > 0 ? allocate(declared) : undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      if (size + chunk.length <= (whole ? whole.length : limit)) {
        if (whole) chunk.copy(whole, size);
        else chunks.push(chunk);
        size += chunk.length;
        return;
      }
      req.off('data', onData);
      chunks.length = 0;
      // answer the 413, then drop the connection rather than read (and discard) the rest
      res.setHeader('Connection', 'close');
      res.on('finish', () => req.destroy());
      res.on('close', () => req.destroy());
      req.pause();
      reject(tooLarge());
    };
    req.on('data', onData);
    req.on('end', () => {
      if (whole) resolve(size === whole.length ? whole : whole.subarray(0, size));
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.on('error', reject);
  });
}

function allocate(size: number): Buffer | undefined {
  try {
    return Buffer.allocUnsafe(size);
  } catch {
    return undefined; // no room now: gather chunks instead, as for a body of unknown length
  }
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) return JSON.parse(raw.toString('utf8'));
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  if (type.startsWith('text/') || type === '') return raw.toString('utf8');
  labelBinary(raw, type);
  return raw;
}

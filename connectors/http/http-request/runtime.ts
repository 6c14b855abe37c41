/**
 * Calls an HTTP API with fetch (undici): timeout and run cancellation through one signal,
 * retries with exponential backoff on network errors, timeouts, 5xx and 429.
 */
import type { Message } from '../../../core/flow-types.ts';
import { NodeError, type ConnectionLease, type NodeIO, type NodeRuntime } from '../../../server/engine/node-api.ts';
import {
  authFromSettings, authHeaders, describeFetchError, type HttpClient,
} from '../driver.ts';
import { headerMap } from '../headers.ts';
import { decodeBody, encodeBody } from './body.ts';
import { backoffMs, retryableStatus, retryAfterMs, sleep } from './retry.ts';
import { DEFAULT_REQUEST_TIMEOUT_MS, type HttpRequestParams } from './spec.ts';

interface Request {
  method: string;
  url: string;
  /** the URL without query or user info, for traces and errors */
  shownUrl: string;
  headers: Headers;
  body?: string | Uint8Array<ArrayBuffer>;
  timeoutMs: number;
  maxResponseBytes: number;
}

interface Answer { status: number; statusText: string; headers: Headers; bytes: Buffer }

function shown(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function buildUrl(params: Resolved, client: HttpClient | undefined): URL {
  const raw = params.url;
  if (typeof raw !== 'string' || raw === '') throw new NodeError(`url must be text, got ${JSON.stringify(raw) ?? 'nothing'}`, 'BAD_URL', false);
  let url: URL;
  try {
    url = new URL(client ? client.resolve(raw) : raw);
  } catch (err) {
    const hint = client ? '' : ' (set a connection to use URLs relative to its base URL)';
    throw new NodeError(`url "${raw}" is not usable: ${(err as Error).message}${hint}`, 'BAD_URL', false);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new NodeError(`url must be http:// or https://, got ${url.protocol}`, 'BAD_URL', false);
  const query = params.query;
  if (query && typeof query === 'object') {
    for (const [name, value] of Object.entries(query)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        if (v === undefined || v === null) continue;
        url.searchParams.append(name, typeof v === 'object' ? JSON.stringify(v) : String(v));
      }
    }
  }
  return url;
}

/** params resolved per message (url, query, headers, body, credentials may be expressions) */
type Resolved = NodeIO<HttpRequestParams>['params'];

/** `settings`: the params that take no expressions (enums, numbers), as saved with their defaults */
function buildRequest(params: Resolved, settings: HttpRequestParams, client: HttpClient | undefined): Request {
  const method = settings.method;
  const url = buildUrl(params, client);
  const headers = new Headers(client?.headers);
  let auth: Record<string, string>;
  try {
    auth = client
      ? client.authHeaders()
      : authHeaders(authFromSettings(settings.auth, {
          username: params.username,
          secret: settings.auth === 'basic' ? params.password : settings.auth === 'bearer' ? params.token : params.apiKey,
          header: params.apiKeyHeader,
        }));
  } catch (err) {
    throw new NodeError((err as Error).message, 'BAD_AUTH', false);
  }
  for (const [k, v] of Object.entries(auth)) headers.set(k, v);
  for (const [k, v] of Object.entries(headerMap(params.headers))) headers.set(k, v);
  const encoded = encodeBody(params.body);
  if (encoded && (method === 'GET' || method === 'HEAD')) throw new NodeError(`a ${method} request cannot have a body`, 'BAD_BODY', false);
  if (encoded && !headers.has('content-type')) headers.set('content-type', encoded.contentType);
  if (settings.responseType === 'json' && !headers.has('accept')) headers.set('accept', 'application/json');
  const timeoutMs = settings.timeoutMs ?? client?.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return { method, url: url.href, shownUrl: shown(url), headers, ...(encoded ? { body: encoded.body } : {}), timeoutMs, maxResponseBytes: settings.maxResponseBytes };
}

async function send(req: Request, signal: AbortSignal): Promise<Answer> {
  // aborted when the body passes the limit, so the connection is dropped at once
  const tooLarge = new AbortController();
  const res = await fetch(req.url, {
    method: req.method,
    headers: req.headers,
    ...(req.body !== undefined ? { body: req.body } : {}),
    signal: AbortSignal.any([signal, AbortSignal.timeout(req.timeoutMs), tooLarge.signal]),
  });
  // read inside the same deadline: a stalled body times out too
  const bytes = await readLimited(res, req.maxResponseBytes, tooLarge);
  return { status: res.status, statusText: res.statusText, headers: res.headers, bytes };
}

/** the body, read as it streams in and refused as soon as it passes `limit` (never held whole) */
async function readLimited(res: Response, limit: number, tooLarge: AbortController): Promise<Buffer> {
  const refuse = (): NodeError => {
    tooLarge.abort();
    return new NodeError(`the response is larger than maxResponseBytes (${sizeText(limit)})`, 'HTTP_RESPONSE_TOO_LARGE', false);
  };
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) throw refuse();
  if (!res.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, size);
    size += value.byteLength;
    if (size > limit) {
      const error = refuse();
      await reader.cancel().catch(() => undefined);
      throw error;
    }
    chunks.push(value);
  }
}

function sizeText(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (Number.isInteger(mb)) return `${mb} MB`;
  const kb = bytes / 1024;
  return Number.isInteger(kb) ? `${kb} KB` : `${bytes} bytes`;
}

function headersObject(headers: Headers): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  headers.forEach((value, name) => (out[name] = value));
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) out['set-cookie'] = cookies;
  return out;
}

function isHttpError(status: number): boolean {
  return (status < 200 || status >= 300) && status !== 304;
}

function statusError(req: Request, a: Answer, attempts: number): NodeError {
  const snippet = a.bytes.subarray(0, 300).toString('utf8').replace(/\s+/g, ' ').trim();
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  const text = `HTTP ${a.status}${a.statusText ? ` ${a.statusText}` : ''} from ${req.method} ${req.shownUrl}${tries}${snippet ? `: ${snippet}` : ''}`;
  return new NodeError(text, `HTTP_${a.status}`, retryableStatus(a.status));
}

/** the final answer after up to `retries` further attempts */
async function exchange(req: Request, io: NodeIO<HttpRequestParams>, retries: number, retryDelayMs: number): Promise<{ answer: Answer; attempts: number }> {
  for (let n = 1; ; n++) {
    const last = n > retries;
    let answer: Answer;
    try {
      answer = await send(req, io.signal);
    } catch (err) {
      if (io.signal.aborted) throw new NodeError('the request was cancelled with the run', 'CANCELLED', false);
      if (err instanceof NodeError) throw err; // e.g. the response is too large: another attempt would be too
      const reason = describeFetchError(err, req.url, req.timeoutMs).replace(req.url, req.shownUrl);
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      if (last) {
        const tries = n > 1 ? ` (${n} attempts)` : '';
        throw new NodeError(`${req.method} ${req.shownUrl} failed: ${reason}${tries}`, timedOut ? 'HTTP_TIMEOUT' : 'HTTP_NETWORK');
      }
      const wait = backoffMs(retryDelayMs, n);
      io.trace(`${req.method} ${req.shownUrl}: ${reason}; retry ${n} of ${retries} in ${wait} ms`);
      await sleep(wait, io.signal);
      continue;
    }
    if (last || !retryableStatus(answer.status)) return { answer, attempts: n };
    const wait = retryAfterMs(answer.headers.get('retry-after')) ?? backoffMs(retryDelayMs, n);
    io.trace(`${req.method} ${req.shownUrl} → ${answer.status}; retry ${n} of ${retries} in ${wait} ms`);
    await sleep(wait, io.signal);
    if (io.signal.aborted) throw new NodeError('the request was cancelled with the run', 'CANCELLED', false);
  }
}

export const httpRequestRuntime: NodeRuntime<HttpRequestParams> = {
  type: 'http-request',
  async create(ctx) {
    const settings = ctx.params;
    let lease: ConnectionLease<HttpClient> | undefined = settings.connection ? await ctx.connections.acquire<HttpClient>(settings.connection, 'http') : undefined;
    return {
      async onMessage(msg: Message, io: NodeIO<HttpRequestParams>) {
        const req = buildRequest(io.params, settings, lease?.client);
        const { answer, attempts } = await exchange(req, io, settings.retries, settings.retryDelayMs);
        io.trace(`${req.method} ${req.shownUrl} → ${answer.status}${attempts > 1 ? ` (attempt ${attempts})` : ''}`);
        if (settings.failOnHttpError && isHttpError(answer.status)) throw statusError(req, answer, attempts);
        const payload = decodeBody(answer.bytes, answer.headers.get('content-type'), settings.responseType);
        io.send({ ...msg, payload, statusCode: answer.status, headers: headersObject(answer.headers) });
      },
      async stop() {
        const held = lease;
        lease = undefined;
        await held?.release();
      },
    };
  },
};

export default httpRequestRuntime;

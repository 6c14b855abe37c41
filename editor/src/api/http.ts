/**
 * The one way the editor calls the API: JSON in and out, the session's Bearer token, and
 * errors as ApiError carrying the server's `{error, details}`.
 */
import type { ValidationIssue } from './types.ts';
import { useAuth } from '../stores/auth-store.ts';
import { isRecord } from '../lib/json.ts';

export class ApiError extends Error {
  /** `code` and `params`: the server's stable error code and its values (core/error-codes.ts), for translated messages */
  constructor(
    readonly status: number, message: string, readonly details: ValidationIssue[] = [],
    readonly code?: string, readonly params: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions { method?: string; body?: unknown; signal?: AbortSignal }

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await send(path, options);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** the raw response (for downloads); throws ApiError on a non-2xx answer */
export async function send(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = useAuth.getState().token;
  if (token) headers['authorization'] = `Bearer ${token}`;
  const init: RequestInit = { method: options.method ?? (options.body === undefined ? 'GET' : 'POST'), headers };
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  if (options.signal) init.signal = options.signal;
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'the server cannot be reached; is it running?');
  }
  if (res.ok) return res;
  const body = await readError(res);
  if (res.status === 401 && token) useAuth.getState().expire('Your session has ended; please log in again.');
  throw new ApiError(res.status, body.error, body.details, body.code, body.params);
}

interface ErrorAnswer { error: string; details: ValidationIssue[]; code?: string; params?: Record<string, unknown> }

async function readError(res: Response): Promise<ErrorAnswer> {
  const text = await res.text();
  try {
    const parsed = JSON.parse(text) as { error?: unknown; details?: unknown; code?: unknown; params?: unknown };
    const error = typeof parsed.error === 'string' ? parsed.error : `${res.status} ${res.statusText}`;
    return {
      error,
      details: Array.isArray(parsed.details) ? (parsed.details as ValidationIssue[]) : [],
      ...(typeof parsed.code === 'string' ? { code: parsed.code } : {}),
      ...(isRecord(parsed.params) ? { params: parsed.params } : {}),
    };
  } catch {
    return { error: text.trim() || `${res.status} ${res.statusText}`, details: [] };
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Answers the pending /hooks request of this run through the responder http-in put in io.locals. */
import { NodeError, type NodeRuntime } from '../../../server/engine/node-api.ts';
import { hasHeader, headerMap } from '../headers.ts';
import { HTTP_RESPONSE_LOCAL, isResponder } from '../responder.ts';
import type { HttpResponseParams } from './spec.ts';

function statusOf(value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 100 || n > 599) {
    throw new NodeError(`status must be an HTTP status code (100–599), got ${JSON.stringify(value) ?? 'nothing'}`, 'BAD_STATUS', false);
  }
  return n;
}

export const httpResponseRuntime: NodeRuntime<HttpResponseParams> = {
  type: 'http-response',
  create(ctx) {
    const allowScripts = ctx.params.allowScripts;
    return {
      onMessage(_msg, io) {
        const responder = io.locals[HTTP_RESPONSE_LOCAL];
        if (!isResponder(responder)) {
          throw new NodeError('no HTTP request is waiting for an answer: http-response works only in runs started by an http-in node', 'NO_HTTP_REQUEST', false);
        }
        // a status expression that gives nothing answers 200, like no status at all
        const status = statusOf(io.params.status ?? 200);
        const headers = headerMap(io.params.headers);
        const raw = io.params.body;
        const body = raw === undefined ? null : raw;
        // express would send a bare string as text/html
        if (typeof body === 'string' && !hasHeader(headers, 'content-type')) headers['Content-Type'] = 'text/plain; charset=utf-8';
        if (responder.respond({ status, headers, body, ...(allowScripts ? { allowScripts } : {}) })) {
          io.trace(responder.manual ? `manual run: the answer would be ${status}` : `answered ${status}`);
        } else {
          io.trace(`the request was already answered (run end, timeout or another http-response); this ${status} was dropped`);
        }
      },
    };
  },
};

export default httpResponseRuntime;

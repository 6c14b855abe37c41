/**
 * The answer to a /hooks caller whose run ended without an http-response: a status and a stable
 * `code` from the kind of failure, never the run's error text (it may hold database messages,
 * connection names or values of other rows; the run's trace keeps it for the flow's users).
 */
import type { FailureKind, HookResponse, RunOutcome } from '../../server/engine/node-api.ts';

interface Mapped { status: number; code: string; error: string }

const BY_KIND: Record<FailureKind, Mapped> = {
  conflict: { status: 409, code: 'CONFLICT', error: 'the request conflicts with data that already exists' },
  invalid: { status: 400, code: 'INVALID_INPUT', error: 'the request carries a value that cannot be accepted' },
  unavailable: { status: 503, code: 'UNAVAILABLE', error: 'a service the flow needs is unavailable; try again later' },
  timeout: { status: 504, code: 'TIMEOUT', error: 'the flow ran out of time' },
  internal: { status: 500, code: 'FLOW_FAILED', error: 'the flow failed' },
};

/** the answer when the run ended before anyone answered */
export function endAnswer(outcome: RunOutcome): HookResponse {
  const runId = outcome.runId;
  if (outcome.status === 'succeeded') return { status: 200, body: { runId } };
  if (outcome.status === 'failed') {
    const m = BY_KIND[outcome.kind ?? 'internal'];
    return {
      status: m.status,
      ...(m.status === 503 ? { headers: { 'Retry-After': '5' } } : {}),
      body: { error: `${m.error} (run ${runId})`, code: m.code, params: { runId }, runId },
    };
  }
  return { status: 503, headers: { 'Retry-After': '5' }, body: { error: `the run was ${outcome.status} (run ${runId})`, code: 'RUN_CANCELLED', params: { runId }, runId } };
}

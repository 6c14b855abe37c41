/**
 * The one-shot answer to a pending /hooks request, handed by http-in to its run as
 * `io.locals.httpResponse`. The first answer wins: http-response, the run's end or the timeout.
 */
import type { HookResponse } from '../../server/engine/node-api.ts';

export const HTTP_RESPONSE_LOCAL = 'httpResponse';

export interface HttpResponder {
  /** answers the request; false when it was already answered (the answer is dropped) */
  respond(response: HookResponse): boolean;
  readonly answered: boolean;
  /** a manual run from the editor: nobody waits for the answer */
  readonly manual: boolean;
}

export interface PendingResponder extends HttpResponder {
  /** resolves with the first answer */
  readonly answer: Promise<HookResponse>;
}

export function createResponder(manual = false): PendingResponder {
  let settle!: (r: HookResponse) => void;
  const answer = new Promise<HookResponse>((resolve) => (settle = resolve));
  let answered = false;
  return {
    answer,
    manual,
    get answered() {
      return answered;
    },
    respond(response) {
      if (answered) return false;
      answered = true;
      settle(response);
      return true;
    },
  };
}

export function isResponder(value: unknown): value is HttpResponder {
  return typeof value === 'object' && value !== null && typeof (value as { respond?: unknown }).respond === 'function';
}

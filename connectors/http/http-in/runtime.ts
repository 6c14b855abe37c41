/**
 * Serves one /hooks route while the flow runs: checks the caller's credentials, starts a run
 * per request and answers with what http-response gives, else with the run's end or a 504.
 */
import type { Message } from '../../../core/flow-types.ts';
import { errorReply } from '../../../core/errors.ts';
import { errorMessage } from '../../../core/guards.ts';
import {
  runNotRecorded, StorageError,
  type ConnectionLease, type CorsPolicy, type FiredRun, type HookRequest, type HookResponse, type NodeRuntime,
} from '../../../server/engine/node-api.ts';
import { authFromSettings, type HttpAuth, type HttpClient } from '../driver.ts';
import { authCheck, credentialHeaders, type AuthCheck } from '../check-auth.ts';
import { endAnswer } from '../failure-answer.ts';
import { createResponder, HTTP_RESPONSE_LOCAL } from '../responder.ts';
import { checkQuery, type QueryIssue, type QuerySpecs } from './params.ts';
import { hookPathProblem, normalizeHookPath, type HttpInParams } from './spec.ts';

export const RUN_HEADER = 'X-Tributary-Run';

interface Settings {
  method: string;
  path: string;
  maxBodyBytes: number;
  responseTimeoutMs: number;
  immediate: boolean;
}

function settingsOf(params: HttpInParams): Settings {
  const problem = hookPathProblem(params.path);
  if (problem) throw new Error(`path "${params.path}": ${problem}`);
  return {
    method: params.method,
    path: normalizeHookPath(params.path),
    maxBodyBytes: params.maxBodyBytes,
    responseTimeoutMs: params.responseTimeoutMs,
    immediate: params.responseMode === 'immediate',
  };
}

function authOfParams(params: HttpInParams): HttpAuth {
  const kind = params.auth;
  const secret = kind === 'basic' ? params.password : kind === 'bearer' ? params.token : params.apiKey;
  return authFromSettings(kind, { username: params.username, secret, header: params.apiKeyHeader });
}

/** the run cannot be recorded (storage full or unavailable): the caller may try again later */
function notRecordedAnswer(err: StorageError): HookResponse {
  return { status: 503, body: { error: runNotRecorded(err), code: err.code } };
}

/** 400 naming every query parameter that is wrong */
function invalidQuery(issues: QueryIssue[]): HookResponse {
  const first = issues[0]!;
  const name = first.path.slice('query.'.length);
  return { status: 400, body: { error: `query parameter ${name} ${first.message}`, code: 'INVALID_QUERY', details: issues } };
}

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** the route's CORS policy from the node's `cors` (none when unset) */
function corsPolicy(params: HttpInParams, auth: HttpAuth): CorsPolicy | undefined {
  const c = params.cors;
  if (!c) return undefined;
  const methods = c.methods ?? (params.method === 'ANY' ? ALL_METHODS : params.method === 'GET' ? ['GET', 'HEAD'] : [params.method]);
  return {
    origins: c.origins,
    methods: methods.map((m) => m.toUpperCase()),
    headers: (c.headers ?? ['content-type', ...credentialHeaders(auth)]).map((h) => h.toLowerCase()),
    exposeHeaders: [RUN_HEADER, ...(c.exposeHeaders ?? [])],
    credentials: c.credentials ?? false,
    maxAgeSeconds: c.maxAgeSeconds ?? 600,
  };
}

function maskHeaders(headers: HookRequest['headers'], names: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...headers };
  for (const n of names) if (n in out) out[n] = '***';
  return out;
}

export const httpInRuntime: NodeRuntime<HttpInParams> = {
  type: 'http-in',
  create(ctx) {
    const settings = settingsOf(ctx.params);
    const connectionId = ctx.params.connection;
    // checked now so a missing credential fails the flow's start, not the first request
    let auth: HttpAuth | undefined = connectionId ? undefined : authOfParams(ctx.params);
    let check: AuthCheck = () => undefined;
    let masked: string[] = [];
    let lease: ConnectionLease<HttpClient> | undefined;
    let unregister: (() => void) | undefined;
    const route = `${settings.method} /hooks/${settings.path}`;
    const querySpecs = ctx.params.query && Object.keys(ctx.params.query).length > 0 ? (ctx.params.query as QuerySpecs) : undefined;

    const message = (req: HookRequest): Message => ({
      payload: req.body ?? null,
      req: { method: req.method, path: req.path, params: req.params, query: req.query, headers: maskHeaders(req.headers, masked) },
    });

    async function handle(request: HookRequest): Promise<HookResponse> {
      const refused = check(request.headers);
      if (refused) return refused;
      let req = request;
      if (querySpecs) {
        const checked = checkQuery(querySpecs, req.query);
        if ('issues' in checked) return invalidQuery(checked.issues);
        req = { ...req, query: checked.query };
      }
      const responder = createResponder();
      const fired: FiredRun = ctx.fire(message(req), { kind: 'event', locals: { [HTTP_RESPONSE_LOCAL]: responder } });
      if (fired.refused) return notRecordedAnswer(fired.refused);
      let timer: NodeJS.Timeout | undefined;
      if (settings.immediate) responder.respond({ status: 202, body: { runId: fired.runId } });
      else {
        void fired.done.then((outcome) => responder.respond(endAnswer(outcome)));
        timer = setTimeout(() => {
          const ms = settings.responseTimeoutMs;
          responder.respond(errorReply('FLOW_TIMEOUT', `the flow did not answer within ${ms} ms`, { runId: fired.runId, ms }, { runId: fired.runId }));
        }, settings.responseTimeoutMs);
      }
      const answer = await responder.answer;
      clearTimeout(timer);
      // nothing is answered for a run that is not on record (its start or end stored)
      try {
        await fired.recorded?.();
      } catch (err) {
        if (err instanceof StorageError) return notRecordedAnswer(err);
        return errorReply('INTERNAL', 'the run could not be recorded', {}, { runId: fired.runId });
      }
      return { ...answer, headers: { ...answer.headers, [RUN_HEADER]: fired.runId } };
    }

    return {
      async start() {
        if (connectionId) {
          lease = await ctx.connections.acquire<HttpClient>(connectionId, 'http');
          auth = lease.client.auth;
        }
        check = authCheck(auth ?? { kind: 'none' });
        masked = credentialHeaders(auth ?? { kind: 'none' });
        try {
          const cors = corsPolicy(ctx.params, auth ?? { kind: 'none' });
          unregister = ctx.hooks.register({ method: settings.method, path: settings.path, maxBodyBytes: settings.maxBodyBytes, ...(cors ? { cors } : {}), handle });
        } catch (err) {
          throw new Error(`node ${ctx.node.id} (http-in): ${errorMessage(err)}`);
        }
        ctx.setStatus({ state: 'ok', text: route });
      },
      async stop() {
        unregister?.();
        unregister = undefined;
        const held = lease;
        lease = undefined;
        await held?.release();
      },
      /** a run from the editor: the answer of http-response is traced, nobody receives it */
      trigger(payload, hasPayload) {
        const msg: Message = {
          payload: hasPayload ? payload : null,
          req: { method: settings.method === 'ANY' ? 'POST' : settings.method, path: `/${settings.path}`, params: {}, query: {}, headers: {} },
        };
        return ctx.fire(msg, { kind: 'manual', locals: { [HTTP_RESPONSE_LOCAL]: createResponder(true) } });
      },
    };
  },
};

export default httpInRuntime;

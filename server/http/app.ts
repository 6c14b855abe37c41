/** The HTTP server's request listeners: /hooks (http-in), then express for /api and the editor. */
import express, { type Router } from 'express';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../core/logger.ts';
import type { HookTable } from '../engine/hook-table.ts';
import { allow, requireUser } from './auth-middleware.ts';
import { authRouter } from './routes/auth.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { errorHandler } from './errors.ts';
import { AppError, ValidationError } from '../../core/errors.ts';
import { HOOK_SANDBOX, hooksListener, isHookUrl } from './hooks.ts';
import { jsonBodyIssue } from './json-guard.ts';
import { csrfGuard } from './csrf.ts';
import { OriginPolicy } from './origin.ts';
import { apiHeaders, editorHeaders } from './security-headers.ts';
import type { StorageError } from '../store/errors.ts';

export interface AppDeps {
  version: string;
  log: Logger;
  auth: AuthService;
  hooks: HookTable;
  /** routers mounted under /api after authentication, by path */
  routers: Record<string, Router>;
  /** built editor (index.html + assets); a placeholder page when missing */
  editorDir?: string;
  secureCookie?: boolean;
  /** JSON body limit of /api */
  bodyLimit?: string;
  /** origins besides the server's own that may use the session cookie (CSRF check) */
  origins?: OriginPolicy;
  /** /hooks is served by its own listener on another port (createHooksListener); here it is 404 */
  hooksOnOwnPort?: boolean;
  /** the store's health: /api/health reports it, API writes that hit a full disk report to it */
  storage?: { problem(): StorageError | undefined; failed(err: StorageError): void };
}

/** /hooks requests go straight to the hook table (unless on their own port); everything else to express */
export function createRequestListener(deps: AppDeps): RequestListener {
  const hooks = hooksListener(deps.hooks, deps.log);
  const app = createApp(deps);
  if (deps.hooksOnOwnPort) {
    return (req, res) => (isHookUrl(req.url) ? notHere(req, res, 'http-in endpoints are served on the hooks port (TRIBUTARY_HOOKS_PORT)') : app(req, res));
  }
  return (req, res) => (isHookUrl(req.url) ? hooks(req, res) : app(req, res));
}

/** the hooks port: /hooks only, so that pages flows serve have an origin of their own */
export function createHooksListener(deps: Pick<AppDeps, 'hooks' | 'log'>): RequestListener {
  const hooks = hooksListener(deps.hooks, deps.log);
  return (req, res) => (isHookUrl(req.url) ? hooks(req, res) : notHere(req, res, 'this port serves only /hooks'));
}

function notHere(req: IncomingMessage, res: ServerResponse, why: string): void {
  res.statusCode = 404;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', HOOK_SANDBOX);
  res.end(JSON.stringify(new AppError('NOT_FOUND', `not found: ${why}`, { what: 'route', id: req.url ?? '' }).body()));
}

/** /api (JSON, authenticated) and the editor's static files */
function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const api = express.Router();
  api.use(apiHeaders);
  api.use(csrfGuard(deps.origins ?? new OriginPolicy()));
  api.use(express.json({ limit: deps.bodyLimit ?? '5mb', strict: false }));
  api.use((req, _res, next) => {
    const issue = jsonBodyIssue(req.body);
    next(issue ? new ValidationError(`the request body is refused: ${issue.path}: ${issue.message}`, [issue], 'INVALID_INPUT', { field: issue.path }) : undefined);
  });
  api.get('/health', (_req, res) => {
    // 503 while the store cannot write, so a load balancer sends traffic elsewhere
    const problem = deps.storage?.problem();
    if (!problem) return void res.json({ status: 'ok', version: deps.version });
    res.status(503).json({ status: 'degraded', version: deps.version, storage: problem.code === 'STORAGE_FULL' ? 'full' : 'unavailable' });
  });
  api.use('/auth', authRouter(deps.auth, deps.secureCookie ?? false));
  api.use(requireUser((token) => deps.auth.authenticate(token)));
  // every API route reads at least; writes are allowed per route (allow('write'), allow('admin'))
  api.use(allow('read'));
  for (const [path, router] of Object.entries(deps.routers)) api.use(path, router);
  api.use((req, _res, next) => next(new AppError('NOT_FOUND', `no API route ${req.method} ${req.baseUrl}${req.path}`, { what: 'route', id: `${req.method} ${req.baseUrl}${req.path}` })));
  api.use(errorHandler(deps.log, deps.storage ? (err) => deps.storage?.failed(err) : undefined));
  app.use('/api', api);

  app.use(editorHeaders);
  const editor = deps.editorDir;
  if (editor && existsSync(join(editor, 'index.html'))) {
    app.use(express.static(editor, { index: 'index.html', maxAge: '1h' }));
    app.get(/^\/(?!api\/|hooks\/|socket\.io\/).*/, (_req, res) => res.sendFile(join(editor, 'index.html')));
  } else {
    app.get('/', (_req, res) => res.type('html').send(placeholderPage(deps.version)));
  }
  app.use(errorHandler(deps.log));
  return app;
}

function placeholderPage(version: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Tributary</title></head>
<body><h1>Tributary ${version}</h1>
<p>The server is running. The visual editor is not built in this checkout; use the REST API under <code>/api</code> (see README).</p></body></html>`;
}

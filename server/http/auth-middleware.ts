/** Who is calling: a Bearer token or the session cookie; and what their role may do (SPEC §3). */
import type { Request, RequestHandler } from 'express';
import { parse as parseCookie } from 'cookie';
import { AppError, ForbiddenError } from '../../core/errors.ts';
import { can, type Action } from '../auth/roles.ts';
import type { User } from '../store/users.ts';

export type AuthUser = User;

export const SESSION_COOKIE = 'tributary_session';

type WithHeaders = Pick<Request, 'headers'>;

/** the token of an `Authorization: Bearer` header */
export function bearerOf(req: WithHeaders): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim() || undefined;
  return undefined;
}

/** the token of the session cookie (which a browser sends by itself, hence the CSRF check) */
export function sessionCookieOf(req: WithHeaders): string | undefined {
  const cookies = req.headers.cookie;
  return typeof cookies === 'string' ? parseCookie(cookies)[SESSION_COOKIE] || undefined : undefined;
}

/** the caller's token: the Bearer header wins over the cookie */
export function tokenOf(req: WithHeaders): string | undefined {
  return bearerOf(req) ?? sessionCookieOf(req);
}

export function requireUser(authenticate: (token: string) => AuthUser | undefined): RequestHandler {
  return (req, res, next) => {
    const token = tokenOf(req);
    const user = token ? authenticate(token) : undefined;
    if (!user) return next(new AppError('AUTH_REQUIRED', 'authentication required: log in and send "Authorization: Bearer <token>"', {}));
    res.locals['user'] = user;
    next();
  };
}

export function userOf(res: { locals: Record<string, unknown> }): AuthUser {
  return res.locals['user'] as AuthUser;
}

/** 403 unless the caller's role may perform `action`. */
export function allow(action: Action): RequestHandler {
  return (_req, res, next) => {
    const user = userOf(res);
    if (!can(user.role, action)) {
      const what = action === 'read' ? 'read this' : action === 'write' ? 'change this' : 'administer users';
      return next(new ForbiddenError('FORBIDDEN', `role "${user.role}" may not ${what}`, { role: user.role, action }));
    }
    next();
  };
}

/** `read` for GET/HEAD, `write` otherwise. */
export const allowByMethod: RequestHandler = (req, res, next) => allow(req.method === 'GET' || req.method === 'HEAD' ? 'read' : 'write')(req, res, next);

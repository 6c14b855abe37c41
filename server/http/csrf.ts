/**
 * Cross-site request forgery: a browser sends the session cookie with any request a page
 * makes, also from another origin of the same site (another port of the host), which
 * SameSite does not stop. So a state-changing request that relies on the cookie must come
 * from an allowed origin (Origin header, else the Referer's origin); one without either is
 * refused. Bearer-token requests pass: a page cannot make a browser add that header to a
 * request to another origin without a CORS preflight, which this server never grants.
 * Requests without any credential (login) are refused only when they name a foreign origin.
 */
import type { RequestHandler } from 'express';
import { bearerOf, sessionCookieOf } from './auth-middleware.ts';
import { ForbiddenError } from '../../core/errors.ts';
import { requestOrigin, type OriginPolicy } from './origin.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfGuard(policy: OriginPolicy): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || bearerOf(req)) return next();
    const origin = requestOrigin(req.headers);
    if (origin === undefined) {
      if (sessionCookieOf(req) === undefined) return next();
      return next(refused('it has neither an Origin nor a Referer header'));
    }
    if (!policy.allows(origin, req.headers.host)) return next(refused(`it comes from ${origin}`));
    next();
  };
}

function refused(why: string): ForbiddenError<'CSRF_ORIGIN'> {
  return new ForbiddenError(
    'CSRF_ORIGIN',
    `request refused: ${why}, not from this server's own origin. Send "Authorization: Bearer <token>", ` +
      'or add the origin to TRIBUTARY_ALLOWED_ORIGINS',
    {},
  );
}

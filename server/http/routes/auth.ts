/** /api/auth: login (token + session cookie), logout, me. */
import { Router } from 'express';
import type { AuthService } from '../../auth/auth-service.ts';
import { LoginThrottle } from '../../auth/login-throttle.ts';
import { SESSION_COOKIE, tokenOf, userOf, requireUser } from '../auth-middleware.ts';
import { HttpError } from '../errors.ts';

export function authRouter(auth: AuthService, secureCookie: boolean, throttle = new LoginThrottle()): Router {
  const r = Router();
  r.post('/login', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const username = body['username'];
    const password = body['password'];
    if (typeof username !== 'string' || username === '') throw new HttpError(400, 'username is required', [{ path: 'username', message: 'is required' }]);
    if (typeof password !== 'string' || password === '') throw new HttpError(400, 'password is required', [{ path: 'password', message: 'is required' }]);
    const address = req.socket.remoteAddress ?? '';
    const wait = throttle.retryAfterMs(address, username);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      res.setHeader('Retry-After', String(seconds));
      throw new HttpError(429, `too many failed logins from this address; try again in ${seconds} s`);
    }
    const session = await auth.login(username, password);
    if (!session) {
      throttle.failed(address, username);
      throw new HttpError(401, 'wrong username or password');
    }
    throttle.succeeded(address, username);
    res.cookie(SESSION_COOKIE, session.token, { httpOnly: true, sameSite: 'lax', secure: secureCookie, expires: new Date(session.expiresAt), path: '/' });
    res.json({ token: session.token, user: session.user, expiresAt: session.expiresAt });
  });
  r.post('/logout', requireUser((t) => auth.authenticate(t)), (req, res) => {
    const token = tokenOf(req);
    if (token) auth.logout(token);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });
  r.get('/me', requireUser((t) => auth.authenticate(t)), (_req, res) => res.json(userOf(res)));
  return r;
}

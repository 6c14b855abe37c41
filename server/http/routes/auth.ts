/** /api/auth: login (token + session cookie), logout, me (read, change password, preferences). */
import { Router, type Request, type Response } from 'express';
import type { AuthService } from '../../auth/auth-service.ts';
import { LoginThrottle, type Attempt } from '../../auth/login-throttle.ts';
import { PasswordCheckBusyError } from '../../auth/scrypt-slots.ts';
import { checkPreferences } from '../../auth/users.ts';
import type { User } from '../../store/users.ts';
import { SESSION_COOKIE, tokenOf, userOf, requireUser } from '../auth-middleware.ts';
import { HttpError } from '../errors.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function required(path: string): HttpError {
  return new HttpError(400, `${path} is required`, [{ path, message: 'is required' }]);
}

/** GET/PUT /api/auth/me answer: the user, with its preferences also at the top (`language`) */
function meView(user: User): User & { language?: string } {
  return { ...user, ...user.preferences };
}

/**
 * Takes a throttle place for one password check of `username` from this address; 429 with
 * Retry-After when the limit is reached — before any scrypt work.
 */
function reserve(throttle: LoginThrottle, req: Request, res: Response, username: string): Attempt {
  const slot = throttle.reserve(req.socket.remoteAddress ?? '', username);
  if (slot.ok) return slot.attempt;
  const seconds = Math.ceil(slot.retryAfterMs / 1000);
  res.setHeader('Retry-After', String(seconds));
  throw new HttpError(429, `too many failed logins from this address; try again in ${seconds} s`, undefined, 'LOGIN_THROTTLED');
}

/** runs a password check in its throttle place; a busy server gives the place back and answers 429 */
async function checked<T>(attempt: Attempt, res: Response, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (err) {
    attempt.cancelled();
    if (err instanceof PasswordCheckBusyError) {
      res.setHeader('Retry-After', '1');
      throw new HttpError(429, err.message, undefined, 'PASSWORD_CHECKS_BUSY');
    }
    throw err;
  }
}

export function authRouter(auth: AuthService, secureCookie: boolean, throttle = new LoginThrottle()): Router {
  const r = Router();
  const signedIn = requireUser((t) => auth.authenticate(t));
  const cookieOptions = { httpOnly: true, sameSite: 'strict', secure: secureCookie, path: '/' } as const;

  r.post('/login', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const username = body['username'];
    const password = body['password'];
    if (typeof username !== 'string' || username === '') throw required('username');
    if (typeof password !== 'string' || password === '') throw required('password');
    const attempt = reserve(throttle, req, res, username);
    const session = await checked(attempt, res, () => auth.login(username, password));
    if (!session) {
      attempt.failed();
      throw new HttpError(401, 'wrong username or password', undefined, 'WRONG_CREDENTIALS');
    }
    attempt.succeeded();
    res.cookie(SESSION_COOKIE, session.token, { ...cookieOptions, expires: new Date(session.expiresAt) });
    res.json({ token: session.token, user: session.user, expiresAt: session.expiresAt });
  });

  r.post('/logout', signedIn, (req, res) => {
    const token = tokenOf(req);
    if (token) auth.logout(token);
    res.clearCookie(SESSION_COOKIE, cookieOptions);
    res.status(204).end();
  });

  r.get('/me', signedIn, (_req, res) => res.json(meView(userOf(res))));

  /** SPEC §3: `{"password":{"current","new"}}` and/or preferences (`{"language":"zh-CN"}`, or inside `preferences`) */
  r.put('/me', signedIn, async (req, res) => {
    const user = userOf(res);
    const body: unknown = req.body;
    if (!isObject(body)) throw new HttpError(400, 'the body must be a JSON object', [{ path: '', message: 'must be an object' }]);
    const { password, preferences, ...topLevel } = body;
    if (preferences !== undefined && !isObject(preferences)) {
      throw new HttpError(400, 'preferences: must be an object', [{ path: 'preferences', message: 'must be an object' }]);
    }
    const prefInput = { ...(preferences ?? {}), ...topLevel };
    // everything is checked before anything is written
    checkPreferences(prefInput, user.preferences);
    if (password !== undefined) {
      if (!isObject(password)) throw new HttpError(400, 'password: must be {"current","new"}', [{ path: 'password', message: 'must be {"current","new"}' }]);
      const current = password['current'];
      if (typeof current !== 'string' || current === '') throw required('password.current');
      if (password['new'] === undefined) throw required('password.new');
      const attempt = reserve(throttle, req, res, user.username);
      const outcome = await checked(attempt, res, () => auth.changeOwnPassword(tokenOf(req) ?? '', current, password['new']));
      if (outcome === 'wrong') {
        attempt.failed();
        throw new HttpError(400, 'password.current: is not your current password', [{ path: 'password.current', message: 'is not your current password' }], 'WRONG_PASSWORD');
      }
      attempt.succeeded();
    }
    const updated = Object.keys(prefInput).length > 0 ? auth.setPreferences(user.id, prefInput) : auth.authenticate(tokenOf(req) ?? '');
    res.json(meView(updated ?? user));
  });
  return r;
}

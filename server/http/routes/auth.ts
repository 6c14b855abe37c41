/** /api/auth: login (token + session cookie), logout, me (read, change password, preferences). */
import { Router, type Request, type Response } from 'express';
import type { AuthService } from '../../auth/auth-service.ts';
import { LoginThrottle, type Attempt } from '../../auth/login-throttle.ts';
import { PasswordCheckBusyError } from '../../auth/scrypt-slots.ts';
import { checkPreferences } from '../../auth/users.ts';
import type { User } from '../../store/users.ts';
import { SESSION_COOKIE, tokenOf, userOf, requireUser } from '../auth-middleware.ts';
import { AppError, ValidationError } from '../../../core/errors.ts';
import { bodyOf, Type } from '../body.ts';

const LoginBody = Type.Object({ username: Type.String({ minLength: 1 }), password: Type.String({ minLength: 1 }) });

/** SPEC §3: `{"password":{"current","new"}}` and/or preferences, at the top or inside `preferences` */
const MeBody = Type.Object({
  password: Type.Optional(Type.Object({ current: Type.String({ minLength: 1 }), new: Type.Unknown() })),
  preferences: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

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
  throw new AppError('LOGIN_THROTTLED', `too many failed logins from this address; try again in ${seconds} s`, { seconds });
}

/** runs a password check in its throttle place; a busy server gives the place back and answers 429 */
async function checked<T>(attempt: Attempt, res: Response, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (err) {
    attempt.cancelled();
    if (err instanceof PasswordCheckBusyError) res.setHeader('Retry-After', '1');
    throw err;
  }
}

export function authRouter(auth: AuthService, secureCookie: boolean, throttle = new LoginThrottle()): Router {
  const r = Router();
  const signedIn = requireUser((t) => auth.authenticate(t));
  const cookieOptions = { httpOnly: true, sameSite: 'strict', secure: secureCookie, path: '/' } as const;

  r.post('/login', async (req, res) => {
    const { username, password } = bodyOf(LoginBody, req.body);
    const attempt = reserve(throttle, req, res, username);
    const session = await checked(attempt, res, () => auth.login(username, password));
    if (!session) {
      attempt.failed();
      throw new AppError('WRONG_CREDENTIALS', 'wrong username or password', {});
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

  r.put('/me', signedIn, async (req, res) => {
    const user = userOf(res);
    const { password, preferences, ...topLevel } = bodyOf(MeBody, req.body);
    const prefInput = { ...(preferences ?? {}), ...topLevel };
    // everything is checked before anything is written
    checkPreferences(prefInput, user.preferences);
    if (password !== undefined) {
      const attempt = reserve(throttle, req, res, user.username);
      const outcome = await checked(attempt, res, () => auth.changeOwnPassword(tokenOf(req) ?? '', password.current, password.new));
      if (outcome === 'wrong') {
        attempt.failed();
        const field = 'password.current';
        throw new ValidationError(`${field}: is not your current password`, [{ path: field, message: 'is not your current password' }], 'WRONG_PASSWORD', { field });
      }
      attempt.succeeded();
    }
    const updated = Object.keys(prefInput).length > 0 ? auth.setPreferences(user.id, prefInput) : auth.authenticate(tokenOf(req) ?? '');
    res.json(meView(updated ?? user));
  });
  return r;
}

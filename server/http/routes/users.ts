/** /api/users (admin only). */
import { Router } from 'express';
import { param } from '../params.ts';
import type { AuthService } from '../../auth/auth-service.ts';
import type { Role } from '../../store/users.ts';
import { allow, tokenOf, userOf } from '../auth-middleware.ts';
import { HttpError, notFound } from '../errors.ts';

type UserAdmin = Pick<AuthService, 'listUsers' | 'createUser' | 'updateUser' | 'deleteUser'>;

export function usersRouter(auth: UserAdmin): Router {
  const r = Router();
  r.use(allow('admin'));
  r.get('/', (_req, res) => res.json(auth.listUsers()));
  r.post('/', async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const user = await auth.createUser({ username: b['username'] as string, password: b['password'] as string, role: (b['role'] ?? 'viewer') as Role });
    res.status(201).json(user);
  });
  r.put('/:id', async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const id = param(req, 'id');
    // an admin who disabled themselves would lock themselves out at once
    if (b['disabled'] === true && id === userOf(res).id) throw new HttpError(409, 'you cannot disable yourself', undefined, 'SELF_DISABLE');
    const user = await auth.updateUser(id, { role: b['role'], password: b['password'], disabled: b['disabled'] }, tokenOf(req));
    if (!user) throw notFound('user', id);
    res.json(user);
  });
  r.delete('/:id', (req, res) => {
    if (param(req, 'id') === userOf(res).id) throw new HttpError(409, 'you cannot delete yourself', undefined, 'SELF_DELETE');
    if (!auth.deleteUser(param(req, 'id'))) throw notFound('user', param(req, 'id'));
    res.status(204).end();
  });
  return r;
}

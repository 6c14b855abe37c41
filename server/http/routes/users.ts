/** /api/users (admin only). */
import { Router } from 'express';
import { param } from '../params.ts';
import type { Store } from '../../store/store.ts';
import type { Role } from '../../store/users.ts';
import { createUser, deleteUser, updateUser } from '../../auth/users.ts';
import { allow, userOf } from '../auth-middleware.ts';
import { HttpError, notFound } from '../errors.ts';

export function usersRouter(store: Pick<Store, 'users' | 'sessions'>): Router {
  const r = Router();
  r.use(allow('admin'));
  r.get('/', (_req, res) => res.json(store.users.list()));
  r.post('/', async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const user = await createUser(store, { username: b['username'] as string, password: b['password'] as string, role: (b['role'] ?? 'viewer') as Role });
    res.status(201).json(user);
  });
  r.put('/:id', async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const changes: { role?: Role; password?: string } = {};
    if (b['role'] !== undefined) changes.role = b['role'] as Role;
    if (b['password'] !== undefined) changes.password = b['password'] as string;
    const user = await updateUser(store, param(req, 'id'), changes);
    if (!user) throw notFound('user', param(req, 'id'));
    res.json(user);
  });
  r.delete('/:id', (req, res) => {
    if (param(req, 'id') === userOf(res).id) throw new HttpError(409, 'you cannot delete yourself');
    if (!deleteUser(store, param(req, 'id'))) throw notFound('user', param(req, 'id'));
    res.status(204).end();
  });
  return r;
}

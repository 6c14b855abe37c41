/** /api/users (admin only). */
import { Router } from 'express';
import { param } from '../params.ts';
import type { AuthService } from '../../auth/auth-service.ts';
import type { Role } from '../../store/users.ts';
import { allow, tokenOf, userOf } from '../auth-middleware.ts';
import { bodyOf, Type } from '../body.ts';

type UserAdmin = Pick<AuthService, 'listUsers' | 'createUser' | 'updateUser' | 'deleteUser'>;

// the shapes; the service checks the values (username pattern, password policy, roles)
const NewUserBody = Type.Object({ username: Type.String(), password: Type.String(), role: Type.Optional(Type.String()) });
const UserChangeBody = Type.Object({ role: Type.Optional(Type.String()), password: Type.Optional(Type.String()), disabled: Type.Optional(Type.Boolean()) });

export function usersRouter(auth: UserAdmin): Router {
  const r = Router();
  r.use(allow('admin'));
  r.get('/', (_req, res) => res.json(auth.listUsers()));
  r.post('/', async (req, res) => {
    const b = bodyOf(NewUserBody, req.body);
    res.status(201).json(await auth.createUser({ username: b.username, password: b.password, role: (b.role ?? 'viewer') as Role }));
  });
  r.put('/:id', async (req, res) => {
    const b = bodyOf(UserChangeBody, req.body);
    res.json(await auth.updateUser(param(req, 'id'), { role: b.role, password: b.password, disabled: b.disabled }, tokenOf(req)));
  });
  r.delete('/:id', (req, res) => {
    auth.deleteUser(param(req, 'id'), userOf(res).id);
    res.status(204).end();
  });
  return r;
}

/** /api/connections (SPEC §7–§8): profiles with write-only secrets, tests, schema pickers. */
import { Router } from 'express';
import type { ConnectionService } from '../../connections/service.ts';
import type { ConnectionPool } from '../../connections/pool.ts';
import type { ConnectionDriver } from '../../connections/driver-api.ts';
import { ENVIRONMENTS } from '../../../core/connection-types.ts';
import { allow } from '../auth-middleware.ts';
import { HttpError, notFound } from '../errors.ts';
import { param } from '../params.ts';

/** which flows use a connection (deleting one in use is refused) */
export type ConnectionUsers = (connectionId: string) => { flowId: string; name: string }[];

export function connectionsRouter(
  service: ConnectionService,
  pool: ConnectionPool,
  drivers: ReadonlyMap<string, ConnectionDriver>,
  usersOf: ConnectionUsers,
): Router {
  const r = Router();

  r.get('/', allow('read'), (req, res) => {
    const environment = typeof req.query['environment'] === 'string' ? req.query['environment'] : undefined;
    const type = typeof req.query['type'] === 'string' ? req.query['type'] : undefined;
    if (environment && !(ENVIRONMENTS as readonly string[]).includes(environment)) throw new HttpError(400, `environment must be one of ${ENVIRONMENTS.join(', ')}`);
    res.json(service.list({ ...(environment ? { environment } : {}), ...(type ? { type } : {}) }));
  });

  r.post('/', allow('write'), (req, res) => {
    res.status(201).json(service.create(req.body));
  });

  r.post('/test', allow('write'), async (req, res) => {
    res.json(await service.test(req.body ?? {}, drivers));
  });

  r.get('/:id', allow('read'), (req, res) => {
    const view = service.get(param(req, 'id'));
    if (!view) throw notFound('connection', param(req, 'id'));
    res.json({ ...view, usedBy: usersOf(view.id) });
  });

  r.put('/:id', allow('write'), (req, res) => {
    const view = service.update(param(req, 'id'), req.body);
    if (!view) throw notFound('connection', param(req, 'id'));
    res.json(view);
  });

  r.delete('/:id', allow('write'), (req, res) => {
    const id = param(req, 'id');
    if (!service.get(id)) throw notFound('connection', id);
    const users = usersOf(id);
    if (users.length > 0) throw new HttpError(409, `connection is used by ${users.map((u) => `"${u.name}" (${u.flowId})`).join(', ')}; change those flows first`);
    service.delete(id);
    res.status(204).end();
  });

  r.post('/:id/test', allow('write'), async (req, res) => {
    const id = param(req, 'id');
    if (!service.get(id)) throw notFound('connection', id);
    res.json(await service.test(id, drivers));
  });

  r.get('/:id/tables', allow('read'), async (req, res) => {
    const id = param(req, 'id');
    if (!service.get(id)) throw notFound('connection', id);
    res.json(await schemaCall(() => pool.tables(id)));
  });

  r.get('/:id/tables/:table/columns', allow('read'), async (req, res) => {
    const id = param(req, 'id');
    if (!service.get(id)) throw notFound('connection', id);
    res.json(await schemaCall(() => pool.columns(id, param(req, 'table'))));
  });

  return r;
}

async function schemaCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new HttpError(/not support|no schema|have no tables|have no columns/i.test(message) ? 400 : 502, message);
  }
}

/** /api/connections (SPEC §7–§8): profiles with write-only secrets, tests, schema pickers. */
import { Router } from 'express';
import type { ConnectionAdmin } from '../../connections/connection-admin.ts';
import { ENVIRONMENTS } from '../../../core/connection-types.ts';
import { allow } from '../auth-middleware.ts';
import { queryOf, Type } from '../body.ts';
import { param } from '../params.ts';

const ListQuery = Type.Object({
  environment: Type.Optional(Type.String({ enum: [...ENVIRONMENTS] })),
  type: Type.Optional(Type.String()),
});

export function connectionsRouter(connections: ConnectionAdmin): Router {
  const r = Router();

  r.get('/', (req, res) => {
    // an empty value (`?type=`) is no filter
    const q = queryOf(ListQuery, Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== '')));
    res.json(connections.list({ ...(q.environment ? { environment: q.environment } : {}), ...(q.type ? { type: q.type } : {}) }));
  });

  // the profile's own fields are checked by the service, every issue named (`params.port`)
  r.post('/', allow('write'), (req, res) => {
    res.status(201).json(connections.create(req.body));
  });

  r.post('/test', allow('write'), async (req, res) => {
    res.json(await connections.testUnsaved(req.body));
  });

  r.get('/:id', (req, res) => {
    res.json(connections.get(param(req, 'id')));
  });

  r.put('/:id', allow('write'), (req, res) => {
    res.json(connections.update(param(req, 'id'), req.body));
  });

  r.delete('/:id', allow('write'), (req, res) => {
    connections.delete(param(req, 'id'));
    res.status(204).end();
  });

  r.post('/:id/test', allow('write'), async (req, res) => {
    res.json(await connections.testSaved(param(req, 'id')));
  });

  r.get('/:id/tables', async (req, res) => {
    res.json(await connections.tables(param(req, 'id')));
  });

  r.get('/:id/tables/:table/columns', async (req, res) => {
    res.json(await connections.columns(param(req, 'id'), param(req, 'table')));
  });

  return r;
}

/** /api/runs (SPEC §6): newest first, filter by flow and status, cursor `before`. */
import { param } from '../params.ts';
import { Router } from 'express';
import { invalidField } from '../../../core/errors.ts';
import type { RunHistory } from '../../runs/run-history.ts';
import { queryOf, Type } from '../body.ts';

const RunsQuery = Type.Object({
  flowId: Type.Optional(Type.String()),
  status: Type.Optional(Type.String({ enum: ['running', 'succeeded', 'failed', 'cancelled', 'skipped'] })),
  limit: Type.Optional(Type.String()),
  before: Type.Optional(Type.String()),
});

export function runsRouter(runs: RunHistory): Router {
  const r = Router();
  r.get('/', (req, res) => {
    // an empty value (`?status=`) is no filter
    const q = queryOf(RunsQuery, Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== '')));
    const limit = q.limit === undefined ? undefined : Number(q.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw invalidField('limit', 'must be a positive integer');
    if (q.before && Number.isNaN(Date.parse(q.before))) throw invalidField('before', 'must be an ISO date-time (a run\'s startedAt)');
    res.json(runs.list({
      ...(q.flowId ? { flowId: q.flowId } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(limit ? { limit } : {}),
      ...(q.before ? { before: q.before } : {}),
    }));
  });
  r.get('/:id', (req, res) => {
    res.json(runs.get(param(req, 'id')));
  });
  return r;
}

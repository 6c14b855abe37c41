/** /api/runs (SPEC §6): newest first, filter by flow and status, cursor `before`. */
import { param } from '../params.ts';
import { Router } from 'express';
import type { RunsRepo } from '../../store/runs.ts';
import { allow } from '../auth-middleware.ts';
import { HttpError, notFound } from '../errors.ts';

const STATUSES = ['running', 'succeeded', 'failed', 'cancelled', 'skipped'];

export function runsRouter(runs: RunsRepo): Router {
  const r = Router();
  r.get('/', allow('read'), (req, res) => {
    const q = req.query as Record<string, unknown>;
    const flowId = str(q['flowId']);
    const status = str(q['status']);
    if (status !== undefined && !STATUSES.includes(status)) throw new HttpError(400, `status must be one of ${STATUSES.join(', ')}`);
    const limitRaw = str(q['limit']);
    const limit = limitRaw === undefined ? undefined : Number(limitRaw);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new HttpError(400, 'limit must be a positive integer');
    const before = str(q['before']);
    if (before !== undefined && Number.isNaN(Date.parse(before))) throw new HttpError(400, 'before must be an ISO date-time (a run\'s startedAt)');
    runs.flush();
    res.json(runs.list({ ...(flowId ? { flowId } : {}), ...(status ? { status: status as 'running' } : {}), ...(limit ? { limit } : {}), ...(before ? { before } : {}) }));
  });
  r.get('/:id', allow('read'), (req, res) => {
    runs.flush();
    const run = runs.get(param(req, 'id'));
    if (!run) throw notFound('run', param(req, 'id'));
    res.json(run);
  });
  return r;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

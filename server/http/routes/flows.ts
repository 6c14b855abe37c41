/** /api/flows: documents, versions, start/stop/trigger, export/import (SPEC §7). */
import { param } from '../params.ts';
import { Router } from 'express';
import type { FlowService } from '../../flows/flow-service.ts';
import type { StoredFlow } from '../../store/flows.ts';
import type { Engine } from '../../engine/engine.ts';
import { OperationError, type NodeStatus } from '../../engine/node-api.ts';
import { FlowNotRunningError } from '../../engine/engine.ts';
import { allow, userOf } from '../auth-middleware.ts';
import { HttpError, notFound } from '../errors.ts';
import type { FlowPorter } from '../../flows/flow-porter.ts';
import { storageErrorOf } from '../../store/errors.ts';
import { runNotRecorded } from '../../engine/storage-error.ts';

export function flowView(flow: StoredFlow, engine: Engine): Record<string, unknown> {
  return {
    ...flow.doc,
    id: flow.id,
    version: flow.version,
    state: flow.state,
    ...(flow.stateError ? { stateError: flow.stateError } : {}),
    autostart: flow.autostart,
    ...(engine.isRunning(flow.id) ? { runningVersion: engine.runningVersion(flow.id), activeRuns: engine.activeRuns(flow.id) } : {}),
    createdAt: flow.createdAt,
    updatedAt: flow.updatedAt,
  };
}

export function flowsRouter(
  service: FlowService,
  engine: Engine,
  porter: FlowPorter,
  list: () => StoredFlow[],
  nodeStatuses: (flowId: string) => Record<string, NodeStatus>,
): Router {
  const r = Router();

  r.get('/', allow('read'), (_req, res) => {
    res.json(list().map((f) => ({ id: f.id, name: f.name, description: f.description, version: f.version, state: f.state, ...(f.stateError ? { stateError: f.stateError } : {}), autostart: f.autostart, nodeCount: f.doc.nodes.length, updatedAt: f.updatedAt, createdAt: f.createdAt })));
  });

  r.post('/', allow('write'), (req, res) => {
    res.status(201).json(flowView(service.create(bodyObject(req.body), userOf(res).username), engine));
  });

  r.post('/import', allow('write'), (req, res) => {
    const result = porter.import(req.body, userOf(res).username);
    res.status(201).json({ ...flowView(result.flow, engine), ...(result.warnings.length ? { warnings: result.warnings } : {}) });
  });

  r.get('/:id', allow('read'), (req, res) => {
    const flow = service.get(param(req, 'id'));
    const statuses = engine.isRunning(flow.id) ? nodeStatuses(flow.id) : {};
    res.json({ ...flowView(flow, engine), ...(Object.keys(statuses).length ? { nodeStatus: statuses } : {}) });
  });

  r.put('/:id', allow('write'), (req, res) => {
    res.json(flowView(service.update(param(req, 'id'), bodyObject(req.body), userOf(res).username), engine));
  });

  r.delete('/:id', allow('write'), async (req, res) => {
    await service.delete(param(req, 'id'));
    res.status(204).end();
  });

  r.get('/:id/status', allow('read'), (req, res) => {
    const flow = service.get(param(req, 'id'));
    res.json({
      id: flow.id,
      state: flow.state,
      ...(flow.stateError ? { stateError: flow.stateError } : {}),
      autostart: flow.autostart,
      running: engine.isRunning(flow.id),
      activeRuns: engine.activeRuns(flow.id),
      nodes: nodeStatuses(flow.id),
    });
  });

  r.get('/:id/versions', allow('read'), (req, res) => {
    const id = param(req, 'id');
    service.get(id);
    res.json(porter.versions(id));
  });

  r.get('/:id/versions/:version', allow('read'), (req, res) => {
    const v = porter.version(param(req, 'id'), Number(req.params['version']));
    if (!v) throw notFound('version', `${req.params['id']}@${req.params['version']}`);
    res.json(v);
  });

  r.post('/:id/start', allow('write'), async (req, res) => {
    try {
      res.json(flowView(await service.start(param(req, 'id')), engine));
    } catch (err) {
      if ((err as Error).name === 'NotFoundError' || storageErrorOf(err)) throw err;
      throw new HttpError(409, `the flow could not start: ${(err as Error).message}`);
    }
  });

  r.post('/:id/stop', allow('write'), async (req, res) => {
    res.json(flowView(await service.stop(param(req, 'id')), engine));
  });

  r.post('/:id/trigger', allow('write'), (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'the body must be a JSON object {"nodeId"?, "payload"?}');
    const nodeId = body['nodeId'];
    if (nodeId !== undefined && typeof nodeId !== 'string') throw new HttpError(400, 'nodeId must be a string');
    try {
      // the run's start is written before it runs: a 200 names a run that is stored
      const fired = service.trigger(param(req, 'id'), nodeId, body['payload'], 'payload' in body, { recordStart: true });
      if (fired.refused) {
        res.status(503).json({ error: runNotRecorded(fired.refused), code: fired.refused.code });
        return;
      }
      res.json({ runId: fired.runId });
    } catch (err) {
      if (err instanceof FlowNotRunningError) throw new HttpError(409, err.message);
      if ((err as Error).name === 'NotFoundError') throw err;
      const storage = storageErrorOf(err);
      if (storage) throw storage;
      throw new HttpError(400, (err as Error).message);
    }
  });

  // an operator's action on a running node: /stuck/skip, /stuck/dead-letter, /stuck/replay on kafka-in
  r.post('/:id/nodes/:nodeId/stuck/:action', allow('write'), async (req, res) => {
    const body = req.body === undefined || req.body === null ? {} : bodyObject(req.body);
    const flowId = param(req, 'id');
    service.get(flowId);
    try {
      res.json(await engine.operate(flowId, param(req, 'nodeId'), `stuck/${param(req, 'action')}`, body));
    } catch (err) {
      if (err instanceof FlowNotRunningError) throw new HttpError(409, err.message);
      if (err instanceof OperationError) throw new HttpError(err.status, err.message);
      throw err;
    }
  });

  r.get('/:id/export', allow('read'), (req, res) => {
    const file = porter.export(param(req, 'id'));
    res.setHeader('Content-Disposition', `attachment; filename="${file.flow.name.replace(/[^A-Za-z0-9_.-]+/g, '_')}.tributary.json"`);
    res.json(file);
  });

  return r;
}

function bodyObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'the body must be a JSON object');
  return body as Record<string, unknown>;
}

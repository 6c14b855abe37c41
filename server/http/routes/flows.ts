/** /api/flows: documents, versions, start/stop/trigger, export/import (SPEC §7). */
import { param } from '../params.ts';
import { Router } from 'express';
import type { FlowService } from '../../flows/flow-service.ts';
import type { StoredFlow } from '../../store/flows.ts';
import type { Engine } from '../../engine/engine.ts';
import type { NodeStatus } from '../../engine/node-api.ts';
import { runNotRecorded } from '../../engine/storage-error.ts';
import { allow, userOf } from '../auth-middleware.ts';
import type { FlowPorter } from '../../flows/flow-porter.ts';
import { bodyOf, queryOf, Type } from '../body.ts';
import type { NodeRedImporter } from '../../flows/node-red-import.ts';

/** a flow document's shape is checked by the service (SPEC §4: every issue named); here only that it is an object */
const FlowBody = Type.Record(Type.String(), Type.Unknown());
/** which held record an operator acts on (kafka-in: one partition when several are held) */
const StuckBody = Type.Object({ topic: Type.Optional(Type.String()), partition: Type.Optional(Type.Integer({ minimum: 0 })) });
const NodeRedQuery = Type.Object({ onConflict: Type.Optional(Type.Union([Type.Literal('rename'), Type.Literal('replace')])) });
const TriggerBody = Type.Object({ nodeId: Type.Optional(Type.String()), payload: Type.Optional(Type.Unknown()) });

export function flowView(flow: StoredFlow, engine: Engine): Record<string, unknown> {
  const replacement = engine.replacement(flow.id);
  return {
    ...flow.doc,
    id: flow.id,
    version: flow.version,
    state: flow.state,
    ...(flow.stateError ? { stateError: flow.stateError } : {}),
    autostart: flow.autostart,
    ...(engine.isRunning(flow.id) ? { runningVersion: engine.runningVersion(flow.id), activeRuns: engine.activeRuns(flow.id) } : {}),
    // a saved version not running yet: being put into effect, or refused with why
    ...(replacement && replacement.version === flow.version ? { replacement } : {}),
    createdAt: flow.createdAt,
    updatedAt: flow.updatedAt,
  };
}

export function flowsRouter(
  service: FlowService,
  engine: Engine,
  porter: FlowPorter,
  nodeStatuses: (flowId: string) => Record<string, NodeStatus>,
  nodeRed: NodeRedImporter,
): Router {
  const r = Router();

  r.get('/', (_req, res) => {
    res.json(service.list().map((f) => ({ id: f.id, name: f.name, description: f.description, version: f.version, state: f.state, ...(f.stateError ? { stateError: f.stateError } : {}), autostart: f.autostart, ...(engine.isRunning(f.id) ? { runningVersion: engine.runningVersion(f.id) } : {}), nodeCount: f.doc.nodes.length, updatedAt: f.updatedAt, createdAt: f.createdAt })));
  });

  r.post('/', allow('write'), (req, res) => {
    res.status(201).json(flowView(service.create(bodyOf(FlowBody, req.body), userOf(res).username), engine));
  });

  r.post('/import', allow('write'), (req, res) => {
    const result = porter.import(req.body, userOf(res).username);
    res.status(201).json({ ...flowView(result.flow, engine), ...(result.warnings.length ? { warnings: result.warnings } : {}) });
  });

  r.post('/import/node-red', allow('write'), (req, res) => {
    const { onConflict } = queryOf(NodeRedQuery, req.query);
    res.status(201).json(nodeRed.import(req.body, userOf(res).username, onConflict));
  });

  r.get('/:id', (req, res) => {
    const flow = service.get(param(req, 'id'));
    const statuses = engine.isRunning(flow.id) ? nodeStatuses(flow.id) : {};
    res.json({ ...flowView(flow, engine), ...(Object.keys(statuses).length ? { nodeStatus: statuses } : {}) });
  });

  // on a running flow the new version is put into effect; if it cannot start, `replacement.error` says why
  r.put('/:id', allow('write'), async (req, res) => {
    const saved = service.update(param(req, 'id'), bodyOf(FlowBody, req.body), userOf(res).username);
    await service.putIntoEffect(saved.id);
    res.json(flowView(service.get(saved.id), engine));
  });

  r.delete('/:id', allow('write'), async (req, res) => {
    await service.delete(param(req, 'id'));
    res.status(204).end();
  });

  r.get('/:id/status', (req, res) => {
    const flow = service.get(param(req, 'id'));
    res.json({
      id: flow.id,
      state: flow.state,
      ...(flow.stateError ? { stateError: flow.stateError } : {}),
      autostart: flow.autostart,
      running: engine.isRunning(flow.id),
      ...(engine.isRunning(flow.id) ? { runningVersion: engine.runningVersion(flow.id) } : {}),
      activeRuns: engine.activeRuns(flow.id),
      nodes: nodeStatuses(flow.id),
    });
  });

  r.get('/:id/versions', (req, res) => {
    res.json(porter.versions(param(req, 'id')));
  });

  r.get('/:id/versions/:version', (req, res) => {
    res.json(porter.version(param(req, 'id'), param(req, 'version')));
  });

  r.post('/:id/start', allow('write'), async (req, res) => {
    res.json(flowView(await service.start(param(req, 'id')), engine));
  });

  r.post('/:id/stop', allow('write'), async (req, res) => {
    res.json(flowView(await service.stop(param(req, 'id')), engine));
  });

  r.post('/:id/trigger', allow('write'), (req, res) => {
    const body = bodyOf(TriggerBody, req.body);
    // the run's start is written before it runs: a 200 names a run that is stored
    const fired = service.trigger(param(req, 'id'), body.nodeId, body.payload, 'payload' in body, { recordStart: true });
    if (fired.refused) {
      // 503 whether full or unavailable (unlike a refused write's 507): the run may be tried again
      // later, as /hooks answers too; clients rely on this
      res.status(503).json({ error: runNotRecorded(fired.refused), code: fired.refused.code });
      return;
    }
    res.json({ runId: fired.runId });
  });

  // an operator's action on a running node: /stuck/skip, /stuck/dead-letter, /stuck/replay on kafka-in
  r.post('/:id/nodes/:nodeId/stuck/:action', allow('write'), async (req, res) => {
    const flowId = param(req, 'id');
    service.get(flowId);
    res.json(await engine.operate(flowId, param(req, 'nodeId'), `stuck/${param(req, 'action')}`, bodyOf(StuckBody, req.body)));
  });

  r.get('/:id/export', (req, res) => {
    const file = porter.export(param(req, 'id'));
    res.setHeader('Content-Disposition', `attachment; filename="${file.flow.name.replace(/[^A-Za-z0-9_.-]+/g, '_')}.tributary.json"`);
    res.json(file);
  });

  return r;
}

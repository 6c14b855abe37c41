/** /api/templates (SPEC §7, §10): the catalogue, and instantiating a template into a saved, stopped flow. */
import { Router } from 'express';
import { SchemaChecker } from '../../../core/schema-check.ts';
import { allTemplates, templatesById } from '../../../templates/index.ts';
import type { FlowTemplate } from '../../../templates/types.ts';
import type { FlowService } from '../../flows/flow-service.ts';
import type { Engine } from '../../engine/engine.ts';
import { instantiate } from '../../templates/instantiate.ts';
import { allow, userOf } from '../auth-middleware.ts';
import { HttpError, notFound } from '../errors.ts';
import { param } from '../params.ts';
import { flowView } from './flows.ts';

function summary(t: FlowTemplate): Record<string, unknown> {
  return { id: t.id, name: t.name, description: t.description, category: t.category, tags: t.tags, params: t.params };
}

export function templatesRouter(flows: FlowService, engine: Engine, connectionTypeOf: (id: string) => string | undefined): Router {
  const r = Router();
  const checker = new SchemaChecker();
  const find = (id: string): FlowTemplate => {
    const t = templatesById.get(id);
    if (!t) throw notFound('template', id);
    return t;
  };

  r.get('/', allow('read'), (_req, res) => {
    res.json(allTemplates.map(summary));
  });

  // with the flow, so the wizard can preview what it makes
  r.get('/:id', allow('read'), (req, res) => {
    const t = find(param(req, 'id'));
    res.json({ ...summary(t), flow: t.flow });
  });

  r.post('/:id/instantiate', allow('write'), (req, res) => {
    const t = find(param(req, 'id'));
    const body: unknown = req.body ?? {};
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'the body must be a JSON object {"name", "params"}');
    const { name, description, params } = body as Record<string, unknown>;
    if (name !== undefined && (typeof name !== 'string' || name.trim() === '')) throw new HttpError(400, 'name must be a non-empty string', [{ path: 'name', message: 'must be a non-empty string' }]);
    if (description !== undefined && typeof description !== 'string') throw new HttpError(400, 'description must be a string', [{ path: 'description', message: 'must be a string' }]);
    const doc = instantiate(t, params, {
      connectionType: connectionTypeOf,
      ...(name !== undefined ? { name: name.trim() } : {}),
      ...(description !== undefined ? { description } : {}),
      validate: (d) => flows.validate(d),
      checker,
    });
    res.status(201).json(flowView(flows.create(doc, userOf(res).username), engine));
  });

  return r;
}

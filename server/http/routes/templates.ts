/** /api/templates (SPEC §7, §10): the catalogue, and instantiating a template into a saved, stopped flow. */
import { Router } from 'express';
import { invalidField } from '../../../core/errors.ts';
import type { FlowTemplate } from '../../../templates/types.ts';
import type { Engine } from '../../engine/engine.ts';
import type { TemplateService } from '../../templates/template-service.ts';
import { allow, userOf } from '../auth-middleware.ts';
import { bodyOf, Type } from '../body.ts';
import { param } from '../params.ts';
import { flowView } from './flows.ts';

const InstantiateBody = Type.Object({
  name: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  params: Type.Optional(Type.Unknown()),
});

function summary(t: FlowTemplate): Record<string, unknown> {
  return { id: t.id, name: t.name, description: t.description, category: t.category, tags: t.tags, params: t.params };
}

export function templatesRouter(templates: TemplateService, engine: Engine): Router {
  const r = Router();

  r.get('/', (_req, res) => {
    res.json(templates.list().map(summary));
  });

  // with the flow, so the wizard can preview what it makes
  r.get('/:id', (req, res) => {
    const t = templates.get(param(req, 'id'));
    res.json({ ...summary(t), flow: t.flow });
  });

  r.post('/:id/instantiate', allow('write'), (req, res) => {
    const id = param(req, 'id');
    templates.get(id); // 404 before the body is looked at
    const body = bodyOf(InstantiateBody, req.body);
    if (body.name !== undefined && body.name.trim() === '') throw invalidField('name', 'must be a non-empty string');
    const flow = templates.instantiate(id, body, userOf(res).username);
    res.status(201).json(flowView(flow, engine));
  });

  return r;
}

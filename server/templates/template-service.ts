/** The template catalogue (SPEC §10) for the API: a missing template is NotFoundError; instantiating saves a stopped flow. */
import { NotFoundError } from '../../core/errors.ts';
import { SchemaChecker } from '../../core/schema-check.ts';
import { allTemplates, templatesById } from '../../templates/index.ts';
import type { FlowTemplate } from '../../templates/types.ts';
import type { FlowService } from '../flows/flow-service.ts';
import type { StoredFlow } from '../store/flows.ts';
import { instantiate } from './instantiate.ts';

export interface InstantiateInput { name?: string; description?: string; params?: unknown }

export class TemplateService {
  private readonly checker = new SchemaChecker();

  /** `connectionTypeOf`: the type of an existing connection, undefined when there is none */
  constructor(private readonly flows: FlowService, private readonly connectionTypeOf: (id: string) => string | undefined) {}

  list(): readonly FlowTemplate[] {
    return allTemplates;
  }

  get(id: string): FlowTemplate {
    const t = templatesById.get(id);
    if (!t) throw new NotFoundError('template', id);
    return t;
  }

  /** TemplateParamsError naming `params.<field>`; the flow is saved only when all is valid */
  instantiate(id: string, input: InstantiateInput, user: string | null): StoredFlow {
    const doc = instantiate(this.get(id), input.params, {
      connectionType: this.connectionTypeOf,
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      validate: (d) => this.flows.validate(d),
      checker: this.checker,
    });
    return this.flows.create(doc, user);
  }
}

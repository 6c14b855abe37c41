/**
 * The application layer for flows: validate and save documents (refused whole when invalid),
 * start/stop/trigger them on the engine, and restart at boot the flows that were running.
 */
import type { FlowDocument, FlowNode } from '../../core/flow-types.ts';
import type { NodeSpec, ValidationIssue } from '../../core/node-spec.ts';
import { validateFlow } from '../../core/validate-flow.ts';
import type { SchemaChecker } from '../../core/schema-check.ts';
import type { Engine } from '../engine/engine.ts';
import type { FiredRun, Logger } from '../engine/node-api.ts';
import type { FlowsRepo, StoredFlow } from '../store/flows.ts';

export class FlowValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(readonly details: ValidationIssue[]) {
    super(`the flow is invalid: ${details.map((d) => `${d.path}: ${d.message}`).slice(0, 3).join('; ')}${details.length > 3 ? ` (and ${details.length - 3} more)` : ''}`);
  }
}

export class FlowNotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(id: string) {
    super(`flow "${id}" not found`);
  }
}

export type ServerNodeCheck = (node: FlowNode, spec: NodeSpec) => ValidationIssue[];

export interface FlowServiceDeps {
  flows: FlowsRepo;
  engine: Engine;
  specs: ReadonlyMap<string, NodeSpec>;
  checker: SchemaChecker;
  /** server-only save checks (script compiles, connection exists and has the right type) */
  serverChecks: ServerNodeCheck[];
  log: Logger;
}

export class FlowService {
  constructor(private readonly deps: FlowServiceDeps) {}

  validate(doc: unknown): ValidationIssue[] {
    const { specs, checker, serverChecks } = this.deps;
    return validateFlow(doc, {
      specs,
      checker,
      extraNodeChecks: (node, spec) => serverChecks.flatMap((check) => check(node, spec)),
    });
  }

  create(doc: unknown, user: string | null, options: { id?: string } = {}): StoredFlow {
    const valid = this.validated(doc);
    const { id } = this.deps.flows.create(valid, user, options);
    return this.get(id);
  }

  update(id: string, doc: unknown, user: string | null): StoredFlow {
    const valid = this.validated(doc);
    if (!this.deps.flows.update(id, valid, user)) throw new FlowNotFoundError(id);
    return this.get(id);
  }

  get(id: string): StoredFlow {
    const flow = this.deps.flows.get(id);
    if (!flow) throw new FlowNotFoundError(id);
    return flow;
  }

  async delete(id: string): Promise<void> {
    this.get(id);
    await this.deps.engine.stop(id);
    this.deps.flows.delete(id);
  }

  /** Start the latest version, replacing a running one. */
  async start(id: string): Promise<StoredFlow> {
    const flow = this.get(id);
    try {
      await this.deps.engine.start(id, flow.version, flow.doc);
      this.deps.flows.setState(id, 'running');
    } catch (err) {
      this.deps.flows.setState(id, 'error', err instanceof Error ? err.message : String(err));
      throw err;
    }
    return this.get(id);
  }

  async stop(id: string): Promise<StoredFlow> {
    this.get(id);
    await this.deps.engine.stop(id);
    this.deps.flows.setState(id, 'stopped');
    return this.get(id);
  }

  trigger(id: string, nodeId: string | undefined, payload: unknown, hasPayload: boolean): FiredRun {
    this.get(id);
    return this.deps.engine.trigger(id, nodeId, payload, hasPayload);
  }

  /** At boot: start every flow whose state says running; a failure marks it `error`, others still start. */
  async resumeRunning(): Promise<void> {
    for (const summary of this.deps.flows.list({ state: 'running' })) {
      try {
        await this.start(summary.id);
        this.deps.log.info('flow resumed', { flowId: summary.id });
      } catch (err) {
        this.deps.log.error('flow could not be resumed', { flowId: summary.id, error: String(err) });
      }
    }
  }

  private validated(doc: unknown): FlowDocument {
    const issues = this.validate(doc);
    if (issues.length > 0) throw new FlowValidationError(issues);
    return doc as FlowDocument;
  }
}

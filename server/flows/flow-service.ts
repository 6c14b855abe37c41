/**
 * The application layer for flows: validate and save documents (refused whole when invalid),
 * start/stop/trigger them on the engine, and restart at boot the flows that were running —
 * retrying with backoff those that cannot start yet (a database or broker still down).
 * Credentials in node params are split out on save (sealed in flow_secrets, `"***"` in the
 * document) and put back only in the document handed to the engine.
 */
import type { FlowDocument, FlowNode } from '../../core/flow-types.ts';
import type { NodeSpec, NodeSpecLogic, ValidationIssue } from '../../core/node-spec.ts';
import { validateFlow } from '../../core/validate-flow.ts';
import { ConflictError, issuesMessage, NotFoundError, ValidationError } from '../../core/errors.ts';
import { errorMessage } from '../../core/guards.ts';
import { storageErrorOf } from '../store/errors.ts';
import type { SchemaChecker } from '../../core/schema-check.ts';
import { FlowNotRunningError, ReplaceError, type Engine } from '../engine/engine.ts';
import type { TriggerOptions } from '../engine/flow-runtime.ts';
import type { FiredRun } from '../engine/node-api.ts';
import type { Logger } from '../../core/logger.ts';
import type { FlowsRepo, StoredFlow } from '../store/flows.ts';
import type { FlowSecrets } from './flow-secrets.ts';
import { absentSecretAt, splitSecrets, withSecrets, type MissingSecret } from './secret-slots.ts';

/** the document is refused whole (SPEC §4): 400 FLOW_INVALID with every issue */
export class FlowValidationError extends ValidationError<'FLOW_INVALID'> {
  constructor(details: ValidationIssue[]) {
    super(issuesMessage('the flow is invalid', details), details, 'FLOW_INVALID', { count: details.length });
  }
}

export class FlowNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('flow', id);
  }
}

export type ServerNodeCheck = (node: FlowNode, spec: NodeSpec) => ValidationIssue[];

export interface FlowServiceDeps {
  flows: FlowsRepo;
  engine: Engine;
  specs: ReadonlyMap<string, NodeSpec>;
  /** the node types' pure logic (ports from params, checks beyond the schema) */
  logic: ReadonlyMap<string, NodeSpecLogic>;
  checker: SchemaChecker;
  /** server-only save checks (script compiles, connection exists and has the right type) */
  serverChecks: ServerNodeCheck[];
  log: Logger;
  secrets: FlowSecrets;
  /** delays between attempts to resume a flow at boot: doubling from firstMs up to maxMs */
  resumeRetry?: { firstMs: number; maxMs: number };
}

const DEFAULT_RESUME_RETRY = { firstMs: 2000, maxMs: 60_000 };

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

export class FlowService {
  /** flows waiting for their next resume attempt */
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly deps: FlowServiceDeps) {}

  validate(doc: unknown): ValidationIssue[] {
    const { specs, logic, checker, serverChecks } = this.deps;
    return validateFlow(doc, {
      specs,
      logic,
      checker,
      extraNodeChecks: (node, spec) => serverChecks.flatMap((check) => check(node, spec)),
    });
  }

  create(doc: unknown, user: string | null, options: { id?: string } = {}): StoredFlow {
    const split = this.split(doc, undefined, false);
    const { id } = this.deps.flows.create(split.stored, user, { ...options, secrets: this.deps.secrets.sealer(split.secrets) });
    this.deps.secrets.changed();
    return this.get(id);
  }

  /**
   * Like create, for imported files, which never carry secrets: a secret the file left out or
   * gave as `"***"` is not an error but listed, to be entered again before the flow can start.
   */
  createImported(doc: unknown, user: string | null): { flow: StoredFlow; missingSecrets: MissingSecret[] } {
    const split = this.split(doc, undefined, true);
    const { id } = this.deps.flows.create(split.stored, user, { secrets: this.deps.secrets.sealer(split.secrets) });
    this.deps.secrets.changed();
    return { flow: this.get(id), missingSecrets: split.missing };
  }

  /** secrets sent as `"***"` keep the stored ones, new values replace them, null or "" clear them */
  update(id: string, doc: unknown, user: string | null): StoredFlow {
    const existing = this.deps.flows.get(id);
    const split = this.split(doc, existing, false);
    if (!this.deps.flows.update(id, split.stored, user, this.deps.secrets.sealer(split.secrets))) throw new FlowNotFoundError(id);
    this.deps.secrets.changed();
    return this.get(id);
  }

  /**
   * A running flow whose saved version is not the one running gets it put into effect at a run
   * boundary (Engine.replace). When it cannot start the old version keeps running; the engine
   * keeps why (Engine.replacement), which the flow's API state shows.
   */
  async putIntoEffect(id: string): Promise<void> {
    const flow = this.get(id);
    const { engine } = this.deps;
    if (!engine.isRunning(id) || engine.runningVersion(id) === flow.version) return;
    try {
      await engine.replace(id, flow.version, this.engineDoc(flow));
    } catch (err) {
      if (err instanceof ReplaceError || err instanceof FlowNotRunningError) return;
      throw err;
    }
  }

  /** every flow, as stored */
  list(): StoredFlow[] {
    return this.deps.flows.list().map((s) => this.deps.flows.get(s.id)).filter((f): f is StoredFlow => f !== undefined);
  }

  get(id: string): StoredFlow {
    const flow = this.deps.flows.get(id);
    if (!flow) throw new FlowNotFoundError(id);
    return flow;
  }

  async delete(id: string): Promise<void> {
    this.get(id);
    this.cancelRetry(id);
    await this.deps.engine.stop(id);
    this.deps.flows.delete(id); // its secrets go with it (ON DELETE CASCADE)
    this.deps.secrets.changed();
  }

  /**
   * Start the latest version, replacing a running one. A flow that starts is started again
   * at every boot until it is stopped; one that fails here is not (the user sees the error:
   * ConflictError FLOW_START_FAILED saying why, or the StorageError when the store cannot write).
   */
  async start(id: string): Promise<StoredFlow> {
    const flow = this.get(id);
    this.cancelRetry(id);
    try {
      await this.deps.engine.start(id, flow.version, this.engineDoc(flow));
    } catch (err) {
      try {
        this.deps.flows.setState(id, 'error', errorMessage(err));
        this.deps.flows.setAutostart(id, false);
      } catch (stateError) {
        // the store cannot write (disk full): the user still hears why the flow did not start
        this.deps.log.warn('the flow state could not be saved', { flowId: id, error: String(stateError) });
      }
      throw storageErrorOf(err) ?? new ConflictError('FLOW_START_FAILED', `the flow could not start: ${errorMessage(err)}`, { flowId: id }, { cause: err });
    }
    try {
      this.deps.flows.setState(id, 'running');
      this.deps.flows.setAutostart(id, true);
    } catch (err) {
      // the store cannot record that it runs (disk full): then it does not run, nothing half done
      await this.deps.engine.stop(id);
      throw err;
    }
    return this.get(id);
  }

  async stop(id: string): Promise<StoredFlow> {
    this.get(id);
    this.cancelRetry(id);
    // cleared first: a resume attempt finishing meanwhile sees it and stops again
    this.deps.flows.setAutostart(id, false);
    await this.deps.engine.stop(id);
    this.deps.flows.setState(id, 'stopped');
    return this.get(id);
  }

  trigger(id: string, nodeId: string | undefined, payload: unknown, hasPayload: boolean, options: TriggerOptions = {}): FiredRun {
    this.get(id);
    return this.deps.engine.trigger(id, nodeId, payload, hasPayload, options);
  }

  /**
   * At boot: start every flow that was started and not stopped. One that cannot start is marked
   * `error` with the reason and the next attempt, and tried again with a doubling delay until
   * it starts, is stopped or deleted, or the server stops. The others start meanwhile.
   */
  async resumeRunning(): Promise<void> {
    for (const flow of this.deps.flows.list({ autostart: true })) await this.resume(flow.id, 1);
  }

  /** cancels pending resume attempts (server shutdown) */
  close(): void {
    this.closed = true;
    for (const id of [...this.retries.keys()]) this.cancelRetry(id);
  }

  private async resume(id: string, attempt: number): Promise<void> {
    const flow = this.deps.flows.get(id);
    if (!flow?.autostart || this.closed) return;
    try {
      await this.deps.engine.start(id, flow.version, this.engineDoc(flow));
    } catch (err) {
      const { firstMs, maxMs } = this.deps.resumeRetry ?? DEFAULT_RESUME_RETRY;
      const delay = Math.min(maxMs, firstMs * 2 ** Math.min(attempt - 1, 30));
      const reason = errorMessage(err);
      try {
        this.deps.flows.setState(id, 'error', `${reason} (could not resume it; attempt ${attempt}, next in ${seconds(delay)})`);
      } catch (stateError) {
        // the store cannot write (disk full): the retry below must still be planned
        this.deps.log.warn('the flow state could not be saved', { flowId: id, error: String(stateError) });
      }
      this.deps.log.error('flow could not be resumed; retrying', { flowId: id, attempt, retryInMs: delay, error: reason });
      if (this.closed) return;
      const timer = setTimeout(() => {
        this.retries.delete(id);
        // a store that cannot write (disk full) must not take the process down from a timer
        this.resume(id, attempt + 1).catch((e: unknown) => this.deps.log.error('resuming a flow failed', { flowId: id, error: String(e) }));
      }, delay);
      timer.unref();
      this.retries.set(id, timer);
      return;
    }
    if (!this.deps.flows.get(id)?.autostart || this.closed) {
      // stopped or deleted while it was starting
      await this.deps.engine.stop(id);
      return;
    }
    this.deps.flows.setState(id, 'running');
    this.deps.log.info('flow resumed', { flowId: id, ...(attempt > 1 ? { attempts: attempt } : {}) });
  }

  private cancelRetry(id: string): void {
    const timer = this.retries.get(id);
    if (timer) clearTimeout(timer);
    this.retries.delete(id);
  }

  /** the stored document with its secrets in clear: only the engine gets it */
  private engineDoc(flow: StoredFlow): FlowDocument {
    return withSecrets(flow.doc, this.deps.specs, this.deps.secrets.open(flow.id));
  }

  /**
   * Splits the secrets out of `doc` and validates it with them in clear. A `"***"` with no stored
   * secret to keep is refused, naming the field — unless `imported`, where it and a required
   * secret left out become `missing` (the node keeps no secret).
   */
  private split(doc: unknown, existing: StoredFlow | undefined, imported: boolean): { stored: FlowDocument; secrets: Record<string, string>; missing: MissingSecret[] } {
    let previous: Record<string, string> = {};
    if (existing) {
      try {
        previous = this.deps.secrets.open(existing.id);
      } catch {
        previous = {}; // unreadable (another key): only what is sent now is kept
      }
    }
    const split = splitSecrets(doc, this.deps.specs, existing ? { doc: existing.doc, secrets: previous } : undefined);
    let issues = this.validate(split.resolved);
    const missing = [...split.missing];
    if (imported) {
      issues = issues.filter((issue) => {
        const absent = absentSecretAt(issue.path, split.resolved, this.deps.specs);
        if (absent && !missing.some((m) => m.path === absent.path)) missing.push(absent);
        return !absent;
      });
    } else {
      const hint = '"***" keeps a stored secret, and there is none for this node: enter the value';
      const shown = new Set(issues.map((i) => i.path));
      issues = issues.map((i) => (split.missing.some((m) => m.path === i.path) ? { ...i, message: `${i.message} (${hint})` } : i));
      for (const m of split.missing) if (!shown.has(m.path)) issues.push({ path: m.path, message: hint });
    }
    if (issues.length > 0) throw new FlowValidationError(issues);
    return { stored: split.stored as FlowDocument, secrets: split.secrets, missing };
  }
}

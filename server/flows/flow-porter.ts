/**
 * Export/import of flow files. Connections are referenced by id and name (never secrets);
 * on import a reference whose id is unknown is matched by name. Credentials typed into nodes
 * are left out of the file (listed in `secretsLeftOut`); an import warns for each, and the
 * node has no secret until one is entered.
 */
import type { FlowDocument } from '../../core/flow-types.ts';
import type { NodeSpec } from '../../core/node-spec.ts';
import type { FlowsRepo, FlowVersion, StoredFlow } from '../store/flows.ts';
import type { FlowService } from './flow-service.ts';
import { FlowNotFoundError } from './flow-service.ts';
import { NotFoundError } from '../../core/errors.ts';
import { withoutSecrets } from './secret-slots.ts';
import { atImportPath, readImportBody } from './import-file.ts';

export interface ConnectionRef { id: string; name: string; type: string; environment?: string }

export interface ExportFile {
  format: 'tributary-flow';
  formatVersion: 1;
  exportedAt: string;
  flow: FlowDocument;
  connections: ConnectionRef[];
  /** the node params whose secrets were left out (`headers.Authorization` for a header) */
  secretsLeftOut?: { nodeId: string; param: string }[];
}

export interface ConnectionLookup {
  byId(id: string): ConnectionRef | undefined;
  byName(name: string): ConnectionRef | undefined;
}

export class FlowPorter {
  constructor(
    private readonly flows: FlowsRepo,
    private readonly service: FlowService,
    private readonly specs: ReadonlyMap<string, NodeSpec>,
    private readonly connections: ConnectionLookup,
  ) {}

  export(id: string): ExportFile {
    const flow = this.flows.get(id);
    if (!flow) throw new FlowNotFoundError(id);
    const refs = new Map<string, ConnectionRef>();
    for (const node of flow.doc.nodes) {
      const connId = this.connectionParam(node.type, node.params);
      const ref = connId ? this.connections.byId(connId) : undefined;
      if (ref) refs.set(ref.id, ref);
    }
    const { doc, omitted } = withoutSecrets(flow.doc, this.specs);
    return {
      format: 'tributary-flow', formatVersion: 1, exportedAt: new Date().toISOString(), flow: doc, connections: [...refs.values()],
      ...(omitted.length > 0 ? { secretsLeftOut: omitted } : {}),
    };
  }

  /**
   * Accepts an export file or a bare flow document; always creates a new flow. A body of the
   * wrong shape is refused whole, naming the field (import-file.ts).
   */
  import(body: unknown, user: string | null): { flow: StoredFlow; warnings: string[] } {
    const { doc, refs, at, secretsLeftOut } = readImportBody(body);
    const warnings: string[] = [];
    delete doc.id;
    for (const node of doc.nodes) {
      const connId = this.connectionParam(node.type, node.params);
      if (!connId || this.connections.byId(connId)) continue;
      const ref = refs.find((r) => r.id === connId);
      const byName = ref ? this.connections.byName(ref.name) : undefined;
      if (byName) node.params = { ...node.params, connection: byName.id };
      else warnings.push(`node ${node.id}: connection "${ref?.name ?? connId}" does not exist here; create it and set it on the node`);
    }
    let created: ReturnType<FlowService['createImported']>;
    try {
      created = this.service.createImported(doc, user);
    } catch (err) {
      throw atImportPath(err, at);
    }
    const { flow, missingSecrets } = created;
    const missing = new Map<string, { nodeId: string; param: string }>();
    for (const m of [...missingSecrets, ...secretsLeftOut]) {
      if (flow.doc.nodes.some((n) => n.id === m.nodeId)) missing.set(`${m.nodeId}:${m.param}`, { nodeId: m.nodeId, param: m.param });
    }
    for (const m of missing.values()) {
      warnings.push(`node ${m.nodeId}: the secret "${m.param}" is not in the file (secrets are never exported); enter it again — the node has none until then`);
    }
    return { flow, warnings };
  }

  /** FlowNotFoundError when there is no such flow */
  versions(id: string): { version: number; createdAt: string; createdBy: string | null; name: string; nodeCount: number }[] {
    if (!this.flows.get(id)) throw new FlowNotFoundError(id);
    return this.flows.versions(id).map((v) => ({ version: v.version, createdAt: v.createdAt, createdBy: v.createdBy, name: v.doc.name, nodeCount: v.doc.nodes.length }));
  }

  /** NotFoundError naming `id@version` when there is no such version */
  version(id: string, version: number | string): FlowVersion {
    const n = Number(version);
    const found = Number.isInteger(n) ? this.flows.getVersion(id, n) : undefined;
    if (!found) throw new NotFoundError('version', `${id}@${version}`);
    return found;
  }

  private connectionParam(type: string, params: Record<string, unknown> | undefined): string | undefined {
    if (!this.specs.get(type)?.connectionTypes) return undefined;
    const value = params?.['connection'];
    return typeof value === 'string' ? value : undefined;
  }
}

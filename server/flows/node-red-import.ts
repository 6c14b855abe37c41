/**
 * POST /api/flows/import/node-red: converts a Node-RED export (core/node-red) and creates one
 * flow per tab. Everything is checked before anything is written: the converted flows must
 * validate, the broker connections they name must exist (by name), and a flow name already in
 * use is refused (409) unless the caller chose to rename or replace.
 */
import { convertNodeRed, type ConnectionNeeded, type ConvertWarning, type SkippedNode } from '../../core/node-red/convert.ts';
import { AppError, ConflictError, invalidField } from '../../core/errors.ts';
import type { ValidationIssue } from '../../core/node-spec.ts';
import type { FlowService } from './flow-service.ts';
import { FlowValidationError } from './flow-service.ts';
import type { ConnectionLookup } from './flow-porter.ts';

export type OnConflict = 'rename' | 'replace';

export interface NodeRedImportResult {
  created: { id: string; name: string; replaced: boolean }[];
  skipped: SkippedNode[];
  connectionsNeeded: (ConnectionNeeded & { connectionId: string })[];
  warnings: ConvertWarning[];
}

export class NodeRedImporter {
  constructor(
    private readonly service: FlowService,
    private readonly connections: ConnectionLookup,
  ) {}

  import(body: unknown, user: string | null, onConflict?: OnConflict): NodeRedImportResult {
    if (!Array.isArray(body)) throw invalidField('', 'must be a Node-RED export: a JSON array of nodes');
    const converted = convertNodeRed(body);
    if (converted.flows.length === 0) throw invalidField('', 'has no tabs (nodes of type "tab") to import');

    const missing = converted.connectionsNeeded.filter((c) => this.connections.byName(c.name)?.type !== c.type);
    if (missing.length > 0) {
      const details = missing.map((c) => ({
        path: `connections.${c.name}`,
        message: `create an ${c.type} connection named "${c.name}"${c.host ? ` (broker ${c.host}:${c.port ?? 1883})` : ''}; used by ${c.usedBy.map((u) => `${u.flow}/${u.nodeId}`).join(', ')}`,
      }));
      const names = missing.map((c) => c.name).join(', ');
      throw new AppError('connections_missing', `create these connections first, then import again: ${names}`, { names }, details);
    }
    const needed = converted.connectionsNeeded.map((c) => ({ ...c, connectionId: this.connections.byName(c.name)?.id ?? '' }));
    const idByName = new Map(needed.map((c) => [c.name, c.connectionId]));
    for (const flow of converted.flows) {
      for (const node of flow.nodes) {
        const name = node.params['connection'];
        if (node.type.startsWith('mqtt-') && typeof name === 'string') node.params['connection'] = idByName.get(name) ?? name;
      }
    }

    const issues: ValidationIssue[] = converted.flows.flatMap((flow, i) =>
      this.service.validate(flow).map((issue) => ({ path: `flows[${i}] (${flow.name}).${issue.path}`, message: issue.message })));
    if (issues.length > 0) throw new FlowValidationError(issues);

    const existing = new Map<string, string>();
    for (const f of this.service.list()) if (!existing.has(f.name)) existing.set(f.name, f.id);
    const taken = converted.flows.map((f) => f.name).filter((name) => existing.has(name));
    if (taken.length > 0 && !onConflict) {
      const names = taken.join(', ');
      throw new ConflictError('flow_names_taken', `flows with these names exist: ${names}; import with onConflict=rename or onConflict=replace`, { names });
    }

    const created: NodeRedImportResult['created'] = [];
    const used = new Set(existing.keys());
    for (const doc of converted.flows) {
      const replaceId = onConflict === 'replace' ? existing.get(doc.name) : undefined;
      if (replaceId) {
        const flow = this.service.update(replaceId, doc, user);
        created.push({ id: flow.id, name: flow.name, replaced: true });
        continue;
      }
      let name = doc.name;
      for (let i = 2; used.has(name); i++) name = `${doc.name} (${i})`;
      used.add(name);
      const flow = this.service.create({ ...doc, name }, user);
      created.push({ id: flow.id, name: flow.name, replaced: false });
    }
    return { created, skipped: converted.skipped, connectionsNeeded: needed, warnings: converted.warnings };
  }
}

/**
 * What POST /api/flows/import accepts, checked before anything is read from it: an export file
 * (`{"format":"tributary-flow", "flow", "connections"?}`) or a bare flow document. Every wrong
 * shape is a validation error naming the field (`flow.nodes`, `connections[0].name`).
 */
import type { FlowDocument } from '../../core/flow-types.ts';
import type { JsonSchema, ValidationIssue } from '../../core/node-spec.ts';
import { documentSchema } from '../../core/flow-schema.ts';
import { SchemaChecker } from '../../core/schema-check.ts';
import { FlowValidationError } from './flow-service.ts';

export interface ImportedRef { id: string; name: string; type: string; environment?: string }

export interface ImportBody {
  /** a copy of the flow document, its envelope (nodes, edges) of the right shape */
  doc: FlowDocument;
  /** connections named by the export file */
  refs: ImportedRef[];
  /** where the document sits in the body: "flow." in an export file, "" for a bare document */
  at: string;
  /** secrets the export file says it left out (node id + param) */
  secretsLeftOut: { nodeId: string; param: string }[];
}

const exportFileSchema: JsonSchema = {
  type: 'object',
  required: ['format', 'flow'],
  properties: {
    format: { enum: ['tributary-flow'] },
    formatVersion: { enum: [1] },
    exportedAt: { type: 'string' },
    flow: { type: 'object' },
    secretsLeftOut: {
      type: 'array',
      maxItems: 10000,
      items: { type: 'object', required: ['nodeId', 'param'], properties: { nodeId: { type: 'string' }, param: { type: 'string' } } },
    },
    connections: {
      type: 'array',
      maxItems: 10000,
      items: {
        type: 'object',
        required: ['id', 'name', 'type'],
        properties: { id: { type: 'string' }, name: { type: 'string' }, type: { type: 'string' }, environment: { type: 'string' } },
      },
    },
  },
};

let checker: SchemaChecker | undefined;

export function readImportBody(body: unknown): ImportBody {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new FlowValidationError([{ path: '(body)', message: 'must be a JSON object: an export file or a flow document' }]);
  checker ??= new SchemaChecker();
  const fields = body as Record<string, unknown>;
  const isFile = 'format' in fields;
  if (isFile) refuse(checker.check(exportFileSchema, fields, ''));
  const at = isFile ? 'flow.' : '';
  const raw = isFile ? fields['flow'] : fields;
  refuse(checker.check(documentSchema, raw, at.slice(0, -1)));
  return {
    doc: structuredClone(raw) as FlowDocument,
    refs: isFile ? ((fields['connections'] as ImportedRef[] | undefined) ?? []) : [],
    at,
    secretsLeftOut: isFile ? ((fields['secretsLeftOut'] as ImportBody['secretsLeftOut'] | undefined) ?? []) : [],
  };
}

/** A validation error of the document inside the body, its paths prefixed with where it sits. */
export function atImportPath(err: unknown, at: string): unknown {
  if (!at || !(err instanceof FlowValidationError)) return err;
  return new FlowValidationError(err.details.map((d) => ({ ...d, path: d.path === '(document)' ? at.slice(0, -1) : at + d.path })));
}

function refuse(issues: ValidationIssue[]): void {
  if (issues.length > 0) throw new FlowValidationError(issues.map((i) => ({ ...i, path: i.path.replace(/^\./, '') || '(body)' })));
}

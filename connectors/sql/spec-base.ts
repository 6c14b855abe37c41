/**
 * The one spec builder behind the mysql, postgres and oracle node types (SPEC §9): the same
 * params, UI hints and save-time checks, differing only in connection type, identifier
 * length and SQL lexicon. Pure data: importable by the editor.
 */
import type { JsonSchema, NodeSpec } from '../../core/node-spec.ts';
import type { SqlFlavor } from './lexicons.ts';
import { ACTIONS, DEFAULT_BATCH_SIZE, DEFAULT_PAGE_SIZE, paramIssues } from './params.ts';

/** ROMA Connect's wording for the actions, shown by the editor's action picker */
export const ACTION_LABELS: Record<(typeof ACTIONS)[number], string> = {
  select: 'get records',
  insert: 'add records',
  upsert: 'add or update records',
  update: 'update records',
  delete: 'delete records',
  sql: 'run SQL',
};

const expression: JsonSchema = { type: 'string', pattern: '\\$\\{' };
const intOrExpr = (min: number, max: number, extra: JsonSchema = {}): JsonSchema => ({
  anyOf: [{ type: 'integer', minimum: min, maximum: max }, expression],
  ...extra,
});
const names: JsonSchema = { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }] };

const TABLE_ACTIONS = ['select', 'insert', 'upsert', 'update', 'delete'];
const WRITE_ACTIONS = ['insert', 'upsert', 'update', 'delete'];

function paramsSchema(): JsonSchema {
  return {
    type: 'object',
    required: ['connection'],
    additionalProperties: false,
    properties: {
      connection: { type: 'string', minLength: 1, title: 'Connection' },
      action: { type: 'string', enum: [...ACTIONS], default: 'select', title: 'Action', 'x-enumLabels': ACTION_LABELS },
      table: { type: 'string', title: 'Table', description: 'table or schema.table' },
      fields: { ...names, title: 'Fields', description: 'columns to read; empty reads all' },
      where: { type: 'string', title: 'Where', description: 'SQL condition; values only through :name binds' },
      binds: { anyOf: [{ type: 'object' }, expression], title: 'Binds', description: 'bind name → value (expressions allowed)' },
      orderBy: { ...names, title: 'Order by', description: '"col" or "col DESC"' },
      limit: intOrExpr(1, Number.MAX_SAFE_INTEGER, { title: 'Limit', description: 'most rows per run' }),
      incremental: {
        type: 'object',
        title: 'Incremental',
        description: 'read only rows whose column is above the last value read (kept per node, committed when the run succeeds)',
        required: ['column'],
        additionalProperties: false,
        properties: { column: { type: 'string', minLength: 1 }, initial: {} },
      },
      values: {
        anyOf: [{ type: 'object' }, expression],
        title: 'Values',
        description: 'column → expression, evaluated per row with the row as payload; left out, the row’s own fields are written',
      },
      keys: { ...names, title: 'Key columns' },
      batchSize: intOrExpr(1, 10_000, { default: DEFAULT_BATCH_SIZE, title: 'Batch size', description: 'rows per round trip' }),
      sql: { type: 'string', title: 'SQL', description: 'one statement; values only through :name binds' },
      pageSize: intOrExpr(1, 100_000, {
        default: DEFAULT_PAGE_SIZE,
        title: 'Page size',
        description: 'larger results are sent page by page, each page finishing downstream before the next is read',
      }),
    },
  };
}

export interface SqlSpecOptions {
  type: 'mysql' | 'postgres' | 'oracle';
  label: string;
  description: string;
  color: string;
  flavor: SqlFlavor;
}

export function sqlNodeSpec(o: SqlSpecOptions): NodeSpec {
  return {
    type: o.type,
    category: 'database',
    label: o.label,
    description: o.description,
    inputs: ['in'],
    outputs: ['out'],
    paramsSchema: paramsSchema(),
    rawParams: ['where', 'sql'],
    lazyParams: ['values'],
    connectionTypes: [o.type],
    ui: {
      icon: 'database',
      color: o.color,
      order: ['connection', 'action', 'table', 'fields', 'where', 'binds', 'orderBy', 'limit', 'incremental', 'values', 'keys', 'batchSize', 'sql', 'pageSize'],
      widgets: {
        connection: 'connection',
        table: 'table',
        fields: 'columns',
        keys: 'columns',
        orderBy: 'columns',
        where: 'sql',
        sql: 'sql',
        binds: 'keyvalue',
        values: 'keyvalue',
      },
      showIf: {
        table: { action: TABLE_ACTIONS },
        fields: { action: ['select'] },
        where: { action: ['select', 'update', 'delete'] },
        binds: { action: ['select', 'update', 'delete', 'sql'] },
        orderBy: { action: ['select'] },
        limit: { action: ['select'] },
        incremental: { action: ['select'] },
        values: { action: ['insert', 'upsert', 'update'] },
        keys: { action: ['upsert', 'update', 'delete'] },
        batchSize: { action: WRITE_ACTIONS },
        sql: { action: ['sql'] },
        pageSize: { action: ['select', 'sql'] },
      },
      help:
        'Actions: select = get records, insert = add records, upsert = add or update records by key. ' +
        'SQL text takes values only through :name binds; table and column names are checked and quoted.',
    },
    validate: (params) => paramIssues(params, o.flavor.maxIdentLength, o.flavor.lexicon),
  };
}

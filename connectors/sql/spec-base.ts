/**
 * The one spec builder behind the mysql, postgres and oracle node types (SPEC §9): the same
 * params, UI hints and save-time checks, differing only in connection type, identifier
 * length and SQL lexicon. Pure: importable by the editor.
 */
import type { NodeDefinition, NodeSpec } from '../../core/node-spec.ts';
import { Enum, Expression, FreeObject, Type, jsonSchema, withDefault, type ParamsOf, type SchemaOptions } from '../../core/params-schema.ts';
import type { SqlFlavor } from './lexicons.ts';
import { ACTIONS, DEFAULT_BATCH_SIZE, DEFAULT_PAGE_SIZE, INCREMENTAL_MODES, MAX_ATTEMPTS, MAX_DELAY_MS, MAX_PAGING_SIZE, paramIssues } from './params.ts';

/** ROMA Connect's wording for the actions, shown by the editor's action picker */
export const ACTION_LABELS: Record<(typeof ACTIONS)[number], string> = {
  select: 'get records',
  insert: 'add records',
  upsert: 'add or update records',
  update: 'update records',
  delete: 'delete records',
  sql: 'run SQL',
};

const intOrExpr = (min: number, max: number, options: SchemaOptions = {}) =>
  Type.Union([Type.Integer({ minimum: min, maximum: max }), Expression()], options);
const names = (options: SchemaOptions) => Type.Union([Type.Array(Type.String()), Type.String()], options);

const TABLE_ACTIONS = ['select', 'insert', 'upsert', 'update', 'delete'];
const WRITE_ACTIONS = ['insert', 'upsert', 'update', 'delete'];

const params = Type.Object(
  {
    connection: Type.String({ minLength: 1, title: 'Connection' }),
    action: withDefault(Enum(ACTIONS, { type: 'string', title: 'Action', 'x-enumLabels': ACTION_LABELS }), 'select'),
    table: Type.Optional(Type.String({ title: 'Table', description: 'table or schema.table' })),
    fields: Type.Optional(names({ title: 'Fields', description: 'columns to read; empty reads all' })),
    where: Type.Optional(Type.String({ title: 'Where', description: 'SQL condition; values only through :name binds' })),
    binds: Type.Optional(Type.Union([FreeObject(), Expression()], { title: 'Binds', description: 'bind name → value (expressions allowed)' })),
    orderBy: Type.Optional(names({ title: 'Order by', description: '"col" or "col DESC"' })),
    limit: Type.Optional(intOrExpr(1, Number.MAX_SAFE_INTEGER, { title: 'Limit', description: 'most rows per run' })),
    paging: Type.Optional(
      Type.Object(
        {
          page: withDefault(intOrExpr(1, Number.MAX_SAFE_INTEGER, { title: 'Page', description: 'from 1' }), 1),
          size: intOrExpr(1, MAX_PAGING_SIZE, { title: 'Rows per page' }),
          total: withDefault(Type.Boolean({ title: 'Count every matching row', description: 'msg.paging.total (one COUNT(*) more per request)' }), true),
        },
        {
          title: 'Paging',
          description: 'one page of rows (ordered by Order by): payload = the rows, msg.paging = {page, pageSize, total, next}',
          additionalProperties: false,
        },
      ),
    ),
    incremental: Type.Optional(
      Type.Object(
        {
          column: Type.String({ minLength: 1, title: 'Column', description: 'a growing id, or a time (timestamp modes)' }),
          key: Type.Optional(
            Type.String({ title: 'Key column', description: 'a unique growing id ordering rows that share a column value: ties at the limit are never lost' }),
          ),
          mode: Type.Optional(
            Enum(INCREMENTAL_MODES, {
              type: 'string',
              title: 'Mode',
              description: 'incrementing: the column only grows; timestamp: a time, read up to the database clock minus the delay; timestamp+incrementing: with the key',
            }),
          ),
          delayMs: Type.Optional(
            Type.Union([Type.Integer({ minimum: 0, maximum: MAX_DELAY_MS }), Expression()], {
              title: 'Delay (ms)',
              description: 'timestamp modes: rows newer than the database clock minus this wait for a later run, so transactions committing within it are read',
            }),
          ),
          initial: Type.Optional(Type.Unknown()),
        },
        {
          title: 'Incremental',
          description:
            'read only rows past the last (column, key) read, in that order; one read at a time per node; the watermark is committed per page once its rows were handled downstream',
          additionalProperties: false,
        },
      ),
    ),
    values: Type.Optional(
      Type.Union([FreeObject(), Expression()], {
        title: 'Values',
        description: 'column → expression, evaluated per row with the row as payload; left out, the row’s own fields are written',
      }),
    ),
    keys: Type.Optional(names({ title: 'Key columns' })),
    required: Type.Optional(
      Type.Union([Type.Array(Type.String()), Type.String(), FreeObject()], {
        title: 'Required columns',
        description:
          'columns every row must have (not null); a message without them fails its run naming the field, and no row of it is written. ' +
          'An object maps column → the message field it comes from (named in the error)',
      }),
    ),
    exactlyOnce: Type.Optional(
      Type.Boolean({
        title: 'Exactly once',
        description:
          'fed straight by an incremental select: each page is written with the source position in one transaction, kept in the table tributary_offsets of this database, so a page read again is never written twice (MySQL, PostgreSQL)',
      }),
    ),
    batchSize: withDefault(intOrExpr(1, 10_000, { title: 'Batch size', description: 'rows per round trip' }), DEFAULT_BATCH_SIZE),
    maxAttempts: Type.Optional(
      intOrExpr(1, MAX_ATTEMPTS, {
        title: 'Max attempts',
        description:
          'tries per record the database rejects (constraint, type) before it is dead-lettered or fails the run; a database that is down is waited for, never counted',
      }),
    ),
    backoffMs: Type.Optional(intOrExpr(0, 600_000, { title: 'Backoff (ms)', description: 'first wait between attempts, doubled each time, at most 30 s' })),
    deadLetter: Type.Optional(
      Type.String({
        minLength: 1,
        title: 'Dead-letter table',
        description:
          'records the database rejects go here (created if missing) with the error, the node, the run and the attempt count; the other records are written and the run succeeds',
      }),
    ),
    sql: Type.Optional(Type.String({ title: 'SQL', description: 'one statement; values only through :name binds' })),
    pageSize: withDefault(
      intOrExpr(1, 100_000, {
        title: 'Page size',
        description: 'larger results are sent page by page, each page finishing downstream before the next is read',
      }),
      DEFAULT_PAGE_SIZE,
    ),
  },
  { additionalProperties: false },
);
/** the SQL nodes' params as saved (`readParams` turns their resolved form into a plan input) */
export type SqlNodeParams = ParamsOf<typeof params>;

export interface SqlSpecOptions {
  type: 'mysql' | 'postgres' | 'oracle';
  label: string;
  description: string;
  color: string;
  flavor: SqlFlavor;
}

export function sqlNode(o: SqlSpecOptions): NodeDefinition {
  const spec: NodeSpec = {
    type: o.type,
    category: 'database',
    label: o.label,
    description: o.description,
    inputs: ['in'],
    outputs: ['out'],
    paramsSchema: jsonSchema(params),
    rawParams: ['where', 'sql'],
    lazyParams: ['values'],
    connectionTypes: [o.type],
    ui: {
      icon: 'database',
      color: o.color,
      order: ['connection', 'action', 'table', 'fields', 'where', 'binds', 'orderBy', 'limit', 'paging', 'incremental', 'values', 'required', 'keys', 'exactlyOnce', 'batchSize', 'maxAttempts', 'backoffMs', 'deadLetter', 'sql', 'pageSize'],
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
        deadLetter: 'table',
      },
      showIf: {
        table: { action: TABLE_ACTIONS },
        fields: { action: ['select'] },
        where: { action: ['select', 'update', 'delete'] },
        binds: { action: ['select', 'update', 'delete', 'sql'] },
        orderBy: { action: ['select'] },
        limit: { action: ['select'] },
        paging: { action: ['select'] },
        incremental: { action: ['select'] },
        values: { action: ['insert', 'upsert', 'update'] },
        keys: { action: ['upsert', 'update', 'delete'] },
        required: { action: ['insert', 'upsert', 'update'] },
        maxAttempts: { action: ['insert', 'upsert'] },
        backoffMs: { action: ['insert', 'upsert'] },
        deadLetter: { action: ['insert', 'upsert'] },
        exactlyOnce: { action: ['insert', 'upsert'] },
        batchSize: { action: WRITE_ACTIONS },
        sql: { action: ['sql'] },
        pageSize: { action: ['select', 'sql'] },
      },
      help:
        'Actions: select = get records, insert = add records, upsert = add or update records by key. ' +
        'SQL text takes values only through :name binds; table and column names are checked and quoted.',
    },
  };
  return { spec, logic: { validate: (p) => paramIssues(p, o.flavor.maxIdentLength, o.flavor.lexicon) } };
}

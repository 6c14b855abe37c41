/**
 * A table served as a read-only HTTP API (ROMA's data API): GET /hooks/<path>?name=…&page=&pageSize=
 * → one page of a select with `:name` binds taken from the query string →
 * `{"<result name>": rows, page, pageSize, total, next}` — the result name defaults to ROMA's
 * `default`. `page` and `pageSize` are checked by http-in before any run (400 naming the
 * parameter); SQL takes values only through binds, so the query string cannot inject SQL.
 */
import type { FlowTemplate } from '../types.ts';
import { COLUMN_PATTERN, DB_TYPES, columnsField, connectionField, tableField } from '../fields.ts';

export const dbAsHttpApi: FlowTemplate = {
  id: 'db-as-http-api',
  name: 'Database table as an HTTP API',
  description:
    'Serve GET /hooks/<path> answering {"default": rows} from a MySQL, PostgreSQL or Oracle table, ' +
    'filtered by a condition whose :name binds come from the query string.',
  category: 'api',
  tags: ['data api', 'http', 'rest', 'query', 'mysql', 'postgres', 'oracle'],
  params: {
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['source', 'sourceTable', 'path'],
      properties: {
        source: connectionField('Database connection', DB_TYPES, 'MySQL, PostgreSQL or Oracle'),
        sourceTable: tableField('Table', 'source'),
        fields: columnsField('Fields to return', 'source', 'sourceTable', { description: 'left empty, every column is returned' }),
        where: {
          type: 'string',
          title: 'Condition',
          description: 'SQL with :name binds, e.g. Status = :status; each :name is a query parameter',
          'x-widget': 'sql',
        },
        queryParams: {
          type: 'array',
          items: { type: 'string', pattern: COLUMN_PATTERN },
          uniqueItems: true,
          title: 'Query parameters',
          description: 'names of the :name binds, read from ?name=… (a missing one is null)',
        },
        orderBy: columnsField('Order by', 'source', 'sourceTable', { description: 'give a unique order (e.g. the key) so that pages neither overlap nor skip rows' }),
        limit: { type: 'integer', minimum: 1, maximum: 10000, default: 100, title: 'Rows per page', description: 'the default and the most a caller may ask with ?pageSize=' },
        countTotal: { type: 'boolean', default: true, title: 'Count every matching row', description: 'the answer carries total (one COUNT(*) more per request)' },
        path: { type: 'string', minLength: 1, maxLength: 500, title: 'Path', description: 'served under /hooks/, e.g. api/parking/free' },
        resultName: { type: 'string', minLength: 1, default: 'default', title: 'Result name', description: 'the response is {"<result name>": [rows]}' },
        corsOrigins: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          uniqueItems: true,
          title: 'Pages allowed to call it (CORS)',
          description: 'origins such as https://app.example.com; empty: no other origin',
        },
        auth: { enum: ['none', 'bearer', 'apiKey'], default: 'none', title: 'Authentication' },
        secret: { type: 'string', minLength: 8, title: 'Token or API key', description: 'what callers must send (Authorization: Bearer … or X-API-Key)' },
      },
      if: { properties: { auth: { enum: ['bearer', 'apiKey'] } }, required: ['auth'] },
      then: { required: ['secret'] },
    },
    steps: [
      { id: 'connections', title: 'Connection', fields: ['source'] },
      { id: 'tables', title: 'Table and query', fields: ['sourceTable', 'fields', 'where', 'queryParams', 'orderBy', 'limit', 'countTotal'] },
      { id: 'options', title: 'API', fields: ['path', 'resultName', 'corsOrigins', 'auth', 'secret'] },
    ],
    showIf: { secret: { auth: ['bearer', 'apiKey'] } },
  },
  flow: {
    name: 'Database table as an HTTP API',
    nodes: [
      {
        id: '950601',
        type: 'http-in',
        name: 'GET request',
        params: {
          method: 'GET',
          path: '{{path}}',
          auth: '{{auth}}',
          token: { $if: 'auth=bearer', then: '{{secret}}' },
          apiKey: { $if: 'auth=apiKey', then: '{{secret}}' },
          cors: { $if: 'corsOrigins', then: { origins: '{{corsOrigins}}' } },
          query: {
            page: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 1 },
            pageSize: { type: 'integer', minimum: 1, maximum: '{{limit}}', default: '{{limit}}' },
          },
        },
        position: { x: 80, y: 120 },
      },
      {
        id: '950602',
        type: '{{source:type}}',
        name: 'Query',
        params: {
          connection: '{{source}}',
          action: 'select',
          table: '{{sourceTable}}',
          fields: '{{fields}}',
          where: '{{where}}',
          binds: { $map: 'queryParams', key: '{{$value}}', value: '${req.query.{{$value}}}' },
          orderBy: '{{orderBy}}',
          paging: { page: '${req.query.page}', size: '${req.query.pageSize}', total: '{{countTotal}}' },
        },
        position: { x: 320, y: 120 },
      },
      {
        id: '950603',
        type: 'http-response',
        name: 'Rows',
        params: {
          status: 200,
          body: { '{{resultName}}': '${payload}', page: '${paging.page}', pageSize: '${paging.pageSize}', total: '${paging.total}', next: '${paging.next}' },
        },
        position: { x: 560, y: 120 },
      },
    ],
    edges: [
      { source: '950601', target: '950602' },
      { source: '950602', target: '950603' },
    ],
  },
};

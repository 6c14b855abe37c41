import type { NodeDefinition, NodeSpec } from '../../core/node-spec.ts';
import { Type, jsonSchema, withDefault, type ParamsOf } from '../../core/params-schema.ts';

export const SCRIPT_MAX_OUTPUTS = 16;
export const SCRIPT_DEFAULT_TIMEOUT_MS = 1000;
export const SCRIPT_DEFAULT_CODE = 'return msg;';
/** the database types a script may query with ctx.db */
export const SCRIPT_DB_TYPES = ['mysql', 'postgres', 'oracle'];
/** most rows one ctx.db query may return (more is an error telling the script to LIMIT or page) */
export const SCRIPT_DB_MAX_ROWS = 10_000;

/** `outputs` ports: out, out2, out3, … (1 when missing or invalid). */
export function scriptPorts(params: Record<string, unknown>): string[] {
  const raw = params['outputs'];
  const count = typeof raw === 'number' && Number.isInteger(raw) ? Math.min(Math.max(raw, 1), SCRIPT_MAX_OUTPUTS) : 1;
  return Array.from({ length: count }, (_, i) => (i === 0 ? 'out' : `out${i + 1}`));
}

const HELP = `The code is the body of \`async function (msg, ctx)\`: JavaScript run in an isolated sandbox.
Return a message to send it on "out"; an array of messages to send each; with several outputs,
an array with one entry per output (a message, an array of messages, or null); null or nothing
to send nothing. A value that is not an object is sent as {payload: value}.
ctx.log(…) (also ctx.log.warn/error) writes to the step's trace; ctx.state.get/set keeps values
per node (saved when the run succeeds); ctx.flow.get/set shares values across the flow's nodes
while it runs. setTimeout works within the time limit. Messages and values cross the sandbox
as JSON. No require, process, file system or network.
Databases: pick connections under "Database connections"; then
\`const rows = await ctx.db('orders').query('select * from orders where id = :id', { id: msg.payload.id })\`
(by the connection's name or id). Values go only through :name binds, never into the SQL text;
a query returns its rows (at most ${SCRIPT_DB_MAX_ROWS.toLocaleString('en')}), other statements {affectedRows}.
The statement shares the script's time limit. The credentials stay in the connection.`;

const params = Type.Object(
  {
    code: Type.String({ title: 'Code', default: SCRIPT_DEFAULT_CODE, maxLength: 200_000 }),
    outputs: withDefault(Type.Integer({ title: 'Outputs', minimum: 1, maximum: SCRIPT_MAX_OUTPUTS }), 1),
    timeoutMs: withDefault(Type.Integer({ title: 'Time limit (ms)', minimum: 1, maximum: 60_000 }), SCRIPT_DEFAULT_TIMEOUT_MS),
    connections: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { title: 'Database connections', uniqueItems: true, maxItems: 16, 'x-connectionTypes': SCRIPT_DB_TYPES }),
    ),
  },
  { additionalProperties: false },
);
export type ScriptParams = ParamsOf<typeof params>;

export const scriptSpec: NodeSpec = {
  type: 'script',
  category: 'function',
  label: 'Script',
  description: 'Runs JavaScript on each message in a sandbox (time and memory limited).',
  inputs: ['in'],
  outputs: ['out'],
  paramsSchema: jsonSchema(params),
  rawParams: ['code'],
  connectionTypes: SCRIPT_DB_TYPES,
  ui: { icon: 'code', order: ['code', 'outputs', 'timeoutMs', 'connections'], widgets: { code: 'code', connections: 'connections' }, help: HELP },
};

// the code is compiled at save by ./server-check.ts (the sandbox's compiler stays out of the editor's bundle)
export const scriptNode: NodeDefinition = { spec: scriptSpec, logic: { outputs: scriptPorts } };

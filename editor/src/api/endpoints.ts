/** Typed calls of the REST API (SPEC §7), one line each. */
import type { FlowDocument } from '../../../core/flow-types.ts';
import { request, send } from './http.ts';
import type { ConnectionNeeded, ConvertWarning, SkippedNode } from '../../../core/node-red/convert.ts';
import type {
  ColumnInfo, ConnectionInput, ConnectionView, FlowSummary, FlowView, LoginReply, NodeTypeInfo, RunRecord,
  TemplateSummary, TestReply, User,
} from './types.ts';

/** POST /api/flows/import/node-red's answer (server/flows/node-red-import.ts) */
export interface NodeRedImportReply {
  created: { id: string; name: string; replaced: boolean }[];
  skipped: SkippedNode[];
  connectionsNeeded: (ConnectionNeeded & { connectionId: string })[];
  warnings: ConvertWarning[];
}

const enc = encodeURIComponent;

export const authApi = {
  login: (username: string, password: string) => request<LoginReply>('/api/auth/login', { body: { username, password } }),
  me: () => request<User>('/api/auth/me'),
  logout: () => request<void>('/api/auth/logout', { method: 'POST', body: {} }),
};

export const nodeTypesApi = {
  list: () => request<NodeTypeInfo[]>('/api/node-types'),
};

export const flowsApi = {
  list: () => request<FlowSummary[]>('/api/flows'),
  get: (id: string) => request<FlowView>(`/api/flows/${enc(id)}`),
  create: (doc: FlowDocument) => request<FlowView>('/api/flows', { body: doc }),
  update: (id: string, doc: FlowDocument) => request<FlowView>(`/api/flows/${enc(id)}`, { method: 'PUT', body: doc }),
  remove: (id: string) => request<void>(`/api/flows/${enc(id)}`, { method: 'DELETE' }),
  start: (id: string) => request<FlowView>(`/api/flows/${enc(id)}/start`, { method: 'POST', body: {} }),
  stop: (id: string) => request<FlowView>(`/api/flows/${enc(id)}/stop`, { method: 'POST', body: {} }),
  trigger: (id: string, body: { nodeId?: string; payload?: unknown }) =>
    request<{ runId: string }>(`/api/flows/${enc(id)}/trigger`, { body }),
  exportFile: (id: string) => send(`/api/flows/${enc(id)}/export`),
  importFile: (file: unknown) => request<FlowView>('/api/flows/import', { body: file }),
  importNodeRed: (nodes: unknown, onConflict?: 'rename' | 'replace') =>
    request<NodeRedImportReply>(`/api/flows/import/node-red${onConflict ? `?onConflict=${onConflict}` : ''}`, { body: nodes }),
};

export const runsApi = {
  list: (flowId: string, limit = 30) => request<RunRecord[]>(`/api/runs?flowId=${enc(flowId)}&limit=${limit}`),
  get: (id: string) => request<RunRecord>(`/api/runs/${enc(id)}`),
};

export const connectionsApi = {
  list: (environment?: string) => request<ConnectionView[]>(`/api/connections${environment ? `?environment=${enc(environment)}` : ''}`),
  get: (id: string) => request<ConnectionView>(`/api/connections/${enc(id)}`),
  create: (input: ConnectionInput) => request<ConnectionView>('/api/connections', { body: input }),
  update: (id: string, input: ConnectionInput) => request<ConnectionView>(`/api/connections/${enc(id)}`, { method: 'PUT', body: input }),
  remove: (id: string) => request<void>(`/api/connections/${enc(id)}`, { method: 'DELETE' }),
  /** tests the form as it is; with `id`, stored secrets fill in the masked ones */
  test: (input: ConnectionInput) => request<TestReply>('/api/connections/test', { body: input }),
  /** tests the saved profile; the list shows the result as `lastTest` afterwards */
  testSaved: (id: string) => request<TestReply>(`/api/connections/${enc(id)}/test`, { body: {} }),
  tables: (id: string) => request<string[]>(`/api/connections/${enc(id)}/tables`),
  columns: (id: string, table: string) => request<ColumnInfo[]>(`/api/connections/${enc(id)}/tables/${enc(table)}/columns`),
};

export const templatesApi = {
  list: () => request<TemplateSummary[]>('/api/templates'),
  instantiate: (id: string, name: string, params: Record<string, unknown>) =>
    request<FlowView>(`/api/templates/${enc(id)}/instantiate`, { body: { name, params } }),
};

export const templateApi = {
  get: (id: string) => request<TemplateSummary & { flow: FlowDocument }>(`/api/templates/${enc(id)}`),
};

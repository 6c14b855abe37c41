/**
 * Node-RED import (issue 7 item 9): a Node-RED `flows.json` array → one Tributary flow document
 * per tab. Pure: no I/O. Whatever cannot be converted is listed per node with the reason, never
 * silently dropped; broker config nodes become the named connections the user must create.
 */
import type { FlowDocument, FlowEdge, FlowNode } from '../flow-types.ts';
import { convertCode, mustache, nodeRedId } from './code.ts';

export interface NodeRedNode {
  id: string;
  type: string;
  z?: string;
  name?: string;
  label?: string;
  x?: number;
  y?: number;
  d?: boolean;
  wires?: string[][];
  [key: string]: unknown;
}

export interface SkippedNode { id: string; type: string; name: string; reason: string }
export interface ConnectionNeeded { name: string; type: 'mqtt'; host?: string; port?: number; nodeRedId: string; usedBy: { flow: string; nodeId: string }[] }
export interface ConvertWarning { flow: string; nodeId: string; message: string }

export interface NodeRedImport {
  flows: FlowDocument[];
  skipped: SkippedNode[];
  connectionsNeeded: ConnectionNeeded[];
  /** nodes converted with a caveat (e.g. global context read as flow context) */
  warnings: ConvertWarning[];
}

/** a converted node and how a Node-RED output index maps to our port */
interface Converted { node: FlowNode; port: (index: number) => string | undefined; warnings?: string[] }
type Converter = (n: NodeRedNode, ctx: ConvertContext) => Converted | string;
interface ConvertContext { broker: (configId: unknown) => string | undefined }

const CONFIG_TYPES = new Set(['mqtt-broker', 'tls-config', 'http proxy', 'global-config']);

export function convertNodeRed(input: unknown): NodeRedImport {
  if (!Array.isArray(input)) throw new TypeError('a Node-RED export is a JSON array of nodes');
  const all = input.filter((n): n is NodeRedNode => typeof n === 'object' && n !== null && typeof (n as NodeRedNode).id === 'string' && typeof (n as NodeRedNode).type === 'string');
  const tabs = all.filter((n) => n.type === 'tab');
  const tabIds = new Set(tabs.map((t) => t.id));
  const byId = new Map(all.map((n) => [n.id, n]));
  const result: NodeRedImport = { flows: [], skipped: [], connectionsNeeded: [], warnings: [] };
  const brokers = new Map<string, ConnectionNeeded>();
  const usedNames = new Set<string>();

  const skip = (n: NodeRedNode, reason: string): void => {
    result.skipped.push({ id: n.id, type: n.type, name: typeof n.name === 'string' ? n.name : '', reason });
  };
  for (const n of all) {
    if (n.type === 'tab' || CONFIG_TYPES.has(n.type)) continue;
    if (!n.z || !tabIds.has(n.z)) skip(n, n.z ? 'inside a subflow; subflows are not converted' : 'not on a tab');
  }

  for (const tab of tabs) {
    const flowName = uniqueName(String(tab.label ?? tab.id), usedNames);
    const ctx: ConvertContext = {
      broker: (configId) => {
        const cfg = typeof configId === 'string' ? byId.get(configId) : undefined;
        if (!cfg) return undefined;
        let need = brokers.get(cfg.id);
        if (!need) {
          const host = typeof cfg['broker'] === 'string' ? cfg['broker'] : undefined;
          const port = Number(cfg['port']) || undefined;
          const name = cfg.name || (host ? `${host}:${port ?? 1883}` : cfg.id);
          need = { name, type: 'mqtt', ...(host ? { host } : {}), ...(port ? { port } : {}), nodeRedId: cfg.id, usedBy: [] };
          brokers.set(cfg.id, need);
        }
        return need.name;
      },
    };
    const nodes: FlowNode[] = [];
    const ports = new Map<string, Converted['port']>();
    for (const n of all.filter((m) => m.z === tab.id)) {
      const convert = CONVERTERS[n.type];
      if (!convert) {
        skip(n, n.type === 'comment' ? 'comments are not converted' : `no Tributary equivalent for "${n.type}" nodes`);
        continue;
      }
      const out = convert(n, ctx);
      if (typeof out === 'string') {
        skip(n, out);
        continue;
      }
      out.node.id = nodeRedId(n.id);
      if (typeof n.name === 'string' && n.name) out.node.name = n.name;
      if (typeof n.x === 'number' && typeof n.y === 'number') out.node.position = { x: n.x, y: n.y };
      if (n.d === true) out.node.disabled = true;
      for (const message of out.warnings ?? []) result.warnings.push({ flow: flowName, nodeId: out.node.id, message });
      if (out.node.type.startsWith('mqtt')) {
        const need = brokers.get(String(n['broker']));
        need?.usedBy.push({ flow: flowName, nodeId: out.node.id });
      }
      nodes.push(out.node);
      ports.set(n.id, out.port);
    }
    const edges: FlowEdge[] = [];
    for (const n of all.filter((m) => m.z === tab.id)) {
      const port = ports.get(n.id);
      if (!port || !Array.isArray(n.wires)) continue;
      n.wires.forEach((targets, index) => {
        const sourcePort = port(index);
        for (const target of Array.isArray(targets) ? targets : []) {
          // a wire to a skipped node goes with it; the node itself is listed in `skipped`
          if (!ports.has(target) || !sourcePort) continue;
          const edge = { source: nodeRedId(n.id), sourcePort, target: nodeRedId(target), targetPort: 'in' };
          // Node-RED allows loops; our flows are acyclic (a loop node repeats work), so the wire
          // that would close one is left out and said so
          if (reaches(edges, edge.target, edge.source)) {
            result.warnings.push({ flow: flowName, nodeId: edge.source, message: `the wire to ${edge.target} is left out: it closes a loop (use a loop node)` });
          } else edges.push(edge);
        }
      });
    }
    const doc: FlowDocument = { name: flowName, nodes, edges };
    if (typeof tab['info'] === 'string' && tab['info']) doc.description = tab['info'];
    result.flows.push(doc);
  }
  result.connectionsNeeded = [...brokers.values()].filter((b) => b.usedBy.length > 0);
  return result;
}

/** whether `to` is reachable from `from` along the edges so far */
function reaches(edges: readonly FlowEdge[], from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of edges) if (e.source === id) stack.push(e.target);
  }
  return false;
}

function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let i = 2; used.has(candidate); i++) candidate = `${name} (${i})`;
  used.add(candidate);
  return candidate;
}

const single = (index: number): string | undefined => (index === 0 ? 'out' : undefined);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** a Node-RED typed value (`v` + `vt`) as a Tributary param value; a string is the reason it cannot be */
function typedValue(value: unknown, type: unknown): { value: unknown } | string {
  switch (type ?? 'str') {
    case 'str': return { value: str(value).replaceAll('${', () => '$${') };
    case 'num': return Number.isFinite(Number(value)) ? { value: Number(value) } : `"${String(value)}" is not a number`;
    case 'bool': return { value: value === true || value === 'true' };
    case 'json':
      try { return { value: JSON.parse(str(value) || 'null') as unknown }; } catch { return 'its JSON value does not parse'; }
    case 'msg': return str(value) ? { value: `\${${str(value)}}` } : 'an empty msg property';
    default: return `values of type "${String(type)}" are not converted`;
  }
}

const CONVERTERS: Record<string, Converter> = {
  inject: (n) => {
    const repeat = Number(n['repeat']);
    const crontab = str(n['crontab']);
    const payload = n['payloadType'] === 'date' ? undefined : typedValue(n['payload'], n['payloadType']);
    if (typeof payload === 'string') return `payload: ${payload}`;
    if (crontab || repeat > 0) {
      const params: Record<string, unknown> = crontab ? { cron: crontab } : everySeconds(repeat);
      if (n['once'] === true) params['runImmediately'] = true;
      return { node: { id: '', type: 'timer', params }, port: single, warnings: ['a timer sends {payload:{firedAt}}; the inject payload is not sent'] };
    }
    const params: Record<string, unknown> = {};
    if (payload && payload.value !== '') params['payload'] = payload.value;
    if (str(n['topic'])) params['topic'] = str(n['topic']);
    return { node: { id: '', type: 'inject', params }, port: single };
  },

  function: (n) => {
    const { code, warnings } = convertCode(str(n['func']));
    const outputs = Math.max(1, Number(n['outputs']) || 1);
    if (str(n['initialize']).trim() || str(n['finalize']).trim()) warnings.push('the On Start / On Stop code is not converted');
    if (Array.isArray(n['libs']) && n['libs'].length > 0) return 'it requires modules; scripts cannot load modules';
    return {
      node: { id: '', type: 'script', params: { code, ...(outputs > 1 ? { outputs } : {}) } },
      port: (i) => (i >= outputs ? undefined : i === 0 ? 'out' : `out${i + 1}`),
      warnings,
    };
  },

  change: (n) => {
    const fields: Record<string, unknown> = {};
    const rules = Array.isArray(n['rules']) ? (n['rules'] as Record<string, unknown>[]) : [];
    for (const [i, rule] of rules.entries()) {
      if (rule['t'] !== 'set') return `rule ${i + 1}: "${String(rule['t'])}" rules are not converted (only set)`;
      if ((rule['pt'] ?? 'msg') !== 'msg') return `rule ${i + 1}: sets ${String(rule['pt'])} context; only msg properties are converted`;
      const value = typedValue(rule['to'], rule['tot']);
      if (typeof value === 'string') return `rule ${i + 1}: ${value}`;
      fields[str(rule['p'])] = value.value;
    }
    return { node: { id: '', type: 'set', params: { fields, mode: 'merge' } }, port: single };
  },

  switch: (n) => {
    if ((n['propertyType'] ?? 'msg') !== 'msg') return `it tests ${String(n['propertyType'])}; only msg properties are converted`;
    const value = `\${${str(n['property']) || 'payload'}}`;
    const rules = Array.isArray(n['rules']) ? (n['rules'] as Record<string, unknown>[]) : [];
    const ours: Record<string, unknown>[] = [];
    const portOf: string[] = [];
    for (const [i, rule] of rules.entries()) {
      if (rule['t'] === 'else') {
        if (i !== rules.length - 1) return `rule ${i + 1}: "otherwise" is converted only as the last rule`;
        portOf.push('else');
        continue;
      }
      const op = SWITCH_OPS[str(rule['t'])];
      if (!op) return `rule ${i + 1}: "${String(rule['t'])}" tests are not converted`;
      const r: Record<string, unknown> = { value, op };
      if (op !== 'exists' && op !== 'empty') {
        const arg = typedValue(rule['v'], rule['vt']);
        if (typeof arg === 'string') return `rule ${i + 1}: ${arg}`;
        r['arg'] = op === 'regex' && rule['case'] === true ? `(?i)${String(arg.value)}` : arg.value;
      }
      ours.push(r);
      portOf.push(`rule${ours.length}`);
    }
    return { node: { id: '', type: 'switch', params: { rules: ours, stopAtFirst: n['checkall'] === 'false' } }, port: (i) => portOf[i] };
  },

  debug: (n) => {
    const complete = str(n['complete']) || 'payload';
    const whole = complete === 'true';
    const message = whole || complete === 'false' ? '${payload}' : `\${${complete}}`;
    return {
      node: { id: '', type: 'log', params: { level: 'info', message }, ...(n['active'] === false ? { disabled: true } : {}) },
      port: single,
      warnings: whole ? ['it showed the whole message; the log shows the payload'] : [],
    };
  },

  'http in': (n) => {
    const method = str(n['method']).toUpperCase();
    if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) return `method "${method}" is not converted`;
    const path = str(n['url']).replace(/^\/+/, '');
    if (!path) return 'it has no URL';
    const warnings = n['upload'] === true ? ['file uploads are not converted'] : [];
    return { node: { id: '', type: 'http-in', params: { method, path } }, port: single, warnings };
  },

  'http response': (n) => {
    const status = Number(n['statusCode']) || 200;
    const headers = typeof n['headers'] === 'object' && n['headers'] !== null ? (n['headers'] as Record<string, string>) : {};
    return {
      node: { id: '', type: 'http-response', params: { status, body: '${payload}', ...(Object.keys(headers).length ? { headers } : {}) } },
      port: () => undefined,
    };
  },

  'http request': (n) => {
    const method = str(n['method']).toUpperCase();
    if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].includes(method)) return `method "${str(n['method'])}" (set by msg.method) is not converted`;
    const url = mustache(str(n['url']));
    if (!url) return 'its URL comes from msg.url; give the URL in the node';
    const responseType = ({ txt: 'text', obj: 'json', bin: 'base64' } as Record<string, string>)[str(n['ret'])] ?? 'auto';
    const hasBody = !['GET', 'HEAD', 'OPTIONS', 'DELETE'].includes(method);
    return { node: { id: '', type: 'http-request', params: { method, url, responseType, ...(hasBody ? { body: '${payload}' } : {}) } }, port: single };
  },

  'mqtt in': (n, ctx) => {
    const connection = ctx.broker(n['broker']);
    if (!connection) return 'its broker config node is missing from the export';
    if (!str(n['topic'])) return 'it has no topic (dynamic subscriptions are not converted)';
    const format = ({ json: 'json', utf8: 'text', buffer: 'base64', base64: 'base64' } as Record<string, string>)[str(n['datatype'])] ?? 'json';
    return { node: { id: '', type: 'mqtt-in', params: { connection, topic: str(n['topic']), qos: Number(n['qos']) || 0, format } }, port: single };
  },

  'mqtt out': (n, ctx) => {
    const connection = ctx.broker(n['broker']);
    if (!connection) return 'its broker config node is missing from the export';
    const topic = str(n['topic']) || '${topic}';
    const qos = n['qos'] === '' || n['qos'] === undefined ? 0 : Number(n['qos']) || 0;
    return {
      node: { id: '', type: 'mqtt-out', params: { connection, topic, qos, retain: n['retain'] === true || n['retain'] === 'true' } },
      port: single,
    };
  },
};

const SWITCH_OPS: Record<string, string> = {
  eq: 'eq', neq: 'neq', lt: 'lt', lte: 'lte', gt: 'gt', gte: 'gte', cont: 'contains', regex: 'regex', nnull: 'exists', empty: 'empty',
};

/** a repeat in seconds as the timer's largest whole unit */
function everySeconds(seconds: number): Record<string, unknown> {
  for (const [unit, size] of [['day', 86_400], ['hour', 3600], ['minute', 60]] as const) {
    if (seconds % size === 0 && seconds / size <= 1000) return { unit, interval: seconds / size };
  }
  return { unit: 'second', interval: Math.min(1000, Math.max(1, Math.round(seconds))) };
}

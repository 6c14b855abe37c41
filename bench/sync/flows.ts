/** The two flows measured: batched (select pages → insert arrays) and per row (select → loop → insert). */
import type { FlowDocument, TraceMode } from '../../core/flow-types.ts';
import { SOURCE, TARGET } from './tables.ts';

/** a timer that never fires on its own during the benchmark: runs are fired through the engine */
const trigger = { id: 'tick', type: 'timer', params: { unit: 'day', interval: 1, atSeconds: [0], timezone: 'GMT', taskMode: 'serial', runImmediately: false } };

export function batchedFlow(o: { mysql: string; postgres: string; rows: number; pageSize: number; batch: number; trace: TraceMode }): FlowDocument {
  return {
    name: 'bench sync batched',
    settings: { trace: o.trace },
    nodes: [
      trigger,
      {
        id: 'read', type: 'mysql',
        params: { connection: o.mysql, action: 'select', table: SOURCE, where: 'id <= :max', binds: { max: o.rows }, orderBy: 'id', pageSize: o.pageSize },
      },
      { id: 'write', type: 'postgres', params: { connection: o.postgres, action: 'insert', table: TARGET, batchSize: o.batch } },
    ],
    edges: [{ source: 'tick', target: 'read' }, { source: 'read', target: 'write' }],
  };
}

export function perRowFlow(o: { mysql: string; postgres: string; rows: number; trace: TraceMode }): FlowDocument {
  return {
    name: 'bench sync per row',
    settings: { trace: o.trace },
    nodes: [
      trigger,
      { id: 'read', type: 'mysql', params: { connection: o.mysql, action: 'select', table: SOURCE, where: 'id <= :max', binds: { max: o.rows }, orderBy: 'id' } },
      { id: 'each', type: 'loop', params: {} },
      { id: 'write', type: 'postgres', params: { connection: o.postgres, action: 'insert', table: TARGET } },
    ],
    edges: [{ source: 'tick', target: 'read' }, { source: 'read', target: 'each' }, { source: 'each', sourcePort: 'each', target: 'write' }],
  };
}

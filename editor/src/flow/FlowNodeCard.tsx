import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import type { CanvasNode } from '../lib/flow-convert.ts';
import { colorOf, glyphOf } from '../lib/node-look.ts';
import { ERROR_PORT } from '../../../core/flow-types.ts';
import { inputPorts, outputPorts } from '../lib/ports.ts';
import { useFlow } from '../stores/flow-store.ts';
import { useLive } from '../stores/live-store.ts';
import { useNodeTypes } from '../stores/node-types-store.ts';

/** a node on the canvas: type, name, id, ports, live state, status line and problems */
function NodeCard({ id, data, selected }: NodeProps<CanvasNode>) {
  const info = useNodeTypes((s) => s.byType.get(data.type));
  const mark = useLive((s) => s.marks[id]);
  const status = useLive((s) => s.statuses[id]);
  const issues = useFlow((s) => s.issues.nodes[id]);
  const ins = inputPorts(info);
  const outs = outputPorts(info, data.params);
  const ports = info?.errorPort ? [...outs, ERROR_PORT] : outs;
  const classes = [
    'node-card',
    selected ? 'selected' : '',
    mark ? `run-${mark.state}` : '',
    issues ? 'invalid' : '',
    data.disabled ? 'disabled' : '',
    info ? '' : 'unknown',
  ].filter(Boolean).join(' ');

  return (
    <div className={classes} style={{ ['--accent' as string]: colorOf(info) }} data-testid={`node-${id}`} data-run-state={mark?.state ?? 'idle'}>
      <div className="node-head">
        <span className="node-glyph">{glyphOf(info)}</span>
        <span className="node-type">{info?.label ?? `${data.type} (unknown type)`}</span>
        <span className="node-id" title="node id: use ${id|payload.x} in expressions">{id}</span>
      </div>
      <div className="node-name" title={data.name}>{data.name || <span className="muted">{info?.description.split('.')[0] ?? data.type}</span>}</div>
      <div className="node-ports">
        <div className="ports-in">
          {ins.map((p) => (
            <div className="port in" key={p}>
              <Handle type="target" position={Position.Left} id={p} className="handle" />
              {ins.length > 1 && <span className="port-label">{p}</span>}
            </div>
          ))}
        </div>
        <div className="ports-out">
          {ports.map((p) => (
            <div className={p === ERROR_PORT ? 'port out error' : 'port out'} key={p}>
              <span className="port-label">{p}</span>
              <Handle type="source" position={Position.Right} id={p} className={p === ERROR_PORT ? 'handle error' : 'handle'} />
            </div>
          ))}
        </div>
      </div>
      {status && status.text && (
        <div className={`node-status ${status.state}`} data-testid={`node-status-${id}`} title={status.text}>
          {status.text}
        </div>
      )}
      {mark?.state === 'failed' && (
        <div className="node-error" title={mark.error} data-testid={`node-error-${id}`}>
          {mark.error}
        </div>
      )}
      {issues && (
        <div className="node-issue" title={issues.map((i) => `${i.path}: ${i.message}`).join('\n')}>
          {issues.length} problem{issues.length === 1 ? '' : 's'}: {issues[0]?.path} {issues[0]?.message}
        </div>
      )}
      {data.disabled && <div className="node-flag">disabled</div>}
    </div>
  );
}

export const FlowNodeCard = memo(NodeCard);

import { useMemo } from 'react';
import { SchemaForm } from '../form/SchemaForm.tsx';
import type { CanvasNode } from '../lib/flow-convert.ts';
import { fieldErrors } from '../lib/issues.ts';
import { colorOf, glyphOf } from '../lib/node-look.ts';
import { propertiesOf } from '../lib/schema.ts';
import { useFlow } from '../stores/flow-store.ts';
import { useNodeTypes } from '../stores/node-types-store.ts';
import { toast } from '../stores/toast-store.ts';
import { NodeOptions } from './NodeOptions.tsx';

const NO_ISSUES: never[] = [];

/** the selected node: its params form (from the type's schema and UI hints) and node options */
export function NodeInspector({ node }: { node: CanvasNode }) {
  const info = useNodeTypes((s) => s.byType.get(node.data.type));
  const issues = useFlow((s) => s.issues.nodes[node.id]) ?? NO_ISSUES;
  const update = useFlow((s) => s.updateNode);
  const paramErrors = useMemo(() => fieldErrors(issues, 'params'), [issues]);
  const otherIssues = issues.filter((i) => !i.path.startsWith('params.') && !['name', 'retry', 'onError', 'disabled'].some((k) => i.path.startsWith(k)));
  const known = info ? Object.keys(propertiesOf(info.paramsSchema)) : [];
  const unknownParams = Object.keys(node.data.params).filter((k) => !known.includes(k));
  const widgets = useMemo(
    () => ({ ...(info?.connectionTypes.length ? { connection: 'connection' } : {}), ...(info?.ui.widgets ?? {}) }),
    [info],
  );

  const copyRef = (): void => {
    const ref = `\${${node.id}|payload}`;
    void navigator.clipboard?.writeText(ref).then(() => toast.info(`Copied ${ref}`), () => undefined);
  };

  return (
    <div className="inspector-body" data-testid="node-inspector">
      <div className="inspector-head" style={{ ['--accent' as string]: colorOf(info) }}>
        <span className="node-glyph big">{glyphOf(info)}</span>
        <div className="grow">
          <div className="strong">{info?.label ?? node.data.type}</div>
          <div className="muted small">
            id <code data-testid="inspector-node-id">{node.id}</code>
            <button type="button" className="link-btn" onClick={copyRef} title="Copy an expression that reads this node's output">
              copy {'${'}
              {node.id}|…{'}'}
            </button>
          </div>
        </div>
      </div>
      {info?.description && <p className="muted small">{info.description}</p>}
      {info?.ui.help && (
        <details className="help">
          <summary>How it works</summary>
          <p>{info.ui.help}</p>
        </details>
      )}
      {otherIssues.map((i, k) => (
        <div className="banner error small" key={k} role="alert">
          {i.path || 'node'}: {i.message}
        </div>
      ))}
      {paramErrors[''] && <div className="banner error small">{paramErrors[''].join('; ')}</div>}
      {!info && <div className="banner error small">Unknown node type "{node.data.type}": it cannot be saved.</div>}

      <h3 className="section-title">Parameters</h3>
      {info && Object.keys(propertiesOf(info.paramsSchema)).length === 0 && <p className="muted small">This node has no parameters.</p>}
      {info && (
        <SchemaForm
          idPrefix="params"
          schema={info.paramsSchema}
          value={node.data.params}
          onChange={(params) => update(node.id, { params })}
          order={info.ui.order}
          widgets={widgets}
          showIf={info.ui.showIf}
          errors={paramErrors}
          sensitive={info.sensitiveParams}
          connectionTypes={info.connectionTypes}
        />
      )}
      {unknownParams.map((k) => (
        <div className="banner error small" key={k}>
          "{k}" is not a parameter of this node type.{' '}
          <button type="button" className="link-btn" onClick={() => update(node.id, { params: Object.fromEntries(Object.entries(node.data.params).filter(([p]) => p !== k)) })}>
            Remove it
          </button>
        </div>
      ))}

      <h3 className="section-title">Node options</h3>
      <NodeOptions node={node} hasInputs={(info?.inputs.length ?? 1) > 0} errors={fieldErrors(issues, '')} />

      <div className="inspector-foot">
        <button type="button" className="btn small ghost danger" onClick={() => useFlow.getState().removeNode(node.id)}>
          Delete node
        </button>
        <span className="muted small">or press Del on the canvas</span>
      </div>
    </div>
  );
}

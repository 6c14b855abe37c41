import { useEffect, useState } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { flowsApi } from '../api/endpoints.ts';
import { errorText } from '../api/http.ts';
import { Link } from '../components/Link.tsx';
import { Canvas } from '../flow/Canvas.tsx';
import { DebugPanel } from '../flow/DebugPanel.tsx';
import { Inspector } from '../flow/Inspector.tsx';
import { Palette } from '../flow/Palette.tsx';
import { Toolbar } from '../flow/Toolbar.tsx';
import { useLiveTrace } from '../flow/use-live-trace.ts';
import { saveFlow } from '../flow/use-flow-actions.ts';
import { canWrite, useAuth, useCanWrite } from '../stores/auth-store.ts';
import { useFlow } from '../stores/flow-store.ts';
import { useLive } from '../stores/live-store.ts';
import { useNodeTypes } from '../stores/node-types-store.ts';
import { useRoute } from '../stores/router-store.ts';

/** palette | canvas | inspector, toolbar above, debug panel below */
export function FlowEditorPage({ flowId }: { flowId: string | undefined }) {
  const [error, setError] = useState<string>();
  const loadTypes = useNodeTypes((s) => s.load);
  const writable = useCanWrite();

  useEffect(() => {
    void loadTypes();
  }, [loadTypes]);

  useEffect(() => {
    // a flow saved for the first time keeps its canvas: only its URL changed
    if (flowId && useFlow.getState().flowId === flowId) return;
    if (!flowId) {
      useFlow.getState().startNew();
      useLive.getState().reset(undefined);
      return;
    }
    let live = true;
    flowsApi.get(flowId).then(
      (view) => {
        if (!live) return;
        useFlow.getState().load(view);
        useLive.getState().reset(view.id, view.nodeStatus ?? {});
      },
      (err: unknown) => live && setError(errorText(err)),
    );
    return () => {
      live = false;
    };
  }, [flowId]);

  // leaving the page forgets the flow, so opening it again reloads it
  useEffect(() => () => useFlow.getState().startNew(), []);

  const currentId = useFlow((s) => s.flowId);
  useEffect(() => {
    if (currentId) useLive.getState().reset(currentId, useLive.getState().flowId === currentId ? useLive.getState().statuses : {});
  }, [currentId]);
  useLiveTrace(currentId);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if ((e.ctrlKey || e.metaKey) && e.key === 's') {
        e.preventDefault();
        if (canWrite(useAuth.getState().user)) void saveFlow();
      }
    };
    const onUnload = (e: BeforeUnloadEvent): void => {
      if (useFlow.getState().dirty) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('beforeunload', onUnload);
    useRoute.getState().setLeaveGuard(() => !useFlow.getState().dirty || window.confirm('This flow has unsaved changes. Leave without saving?'));
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('beforeunload', onUnload);
      useRoute.getState().setLeaveGuard(undefined);
    };
  }, []);

  if (error)
    return (
      <div className="page">
        <div className="banner error">{error}</div>
        <Link to="/">← back to the flows</Link>
      </div>
    );
  return (
    <ReactFlowProvider>
      <div className="editor">
        <Toolbar />
        <div className="editor-body">
          {writable && <Palette />}
          <Canvas readOnly={!writable} />
          <Inspector readOnly={!writable} />
        </div>
        <DebugPanel />
      </div>
    </ReactFlowProvider>
  );
}

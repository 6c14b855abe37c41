import { useEffect, useState, type MouseEvent as ReactMouseEvent } from 'react';
import type { RunRecord } from '../../../core/flow-types.ts';
import { runsApi } from '../api/endpoints.ts';
import { errorText } from '../api/http.ts';
import { useFlow } from '../stores/flow-store.ts';
import { useLive } from '../stores/live-store.ts';
import { RunDetail } from './RunDetail.tsx';
import { RunList } from './RunList.tsx';

/** the debug panel: recent runs of the flow and the selected run's steps; follows the newest run until one is picked */
export function DebugPanel() {
  const flowId = useFlow((s) => s.flowId);
  const tick = useLive((s) => s.runTick);
  const [open, setOpen] = useState(true);
  const [height, setHeight] = useState(() => Math.round(Math.min(270, window.innerHeight * 0.32)));
  const [runs, setRuns] = useState<RunRecord[]>([]);
  const [picked, setPicked] = useState<string>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!flowId) return setRuns([]);
    let live = true;
    runsApi.list(flowId).then(
      (r) => live && (setRuns(r), setError(undefined)),
      (err: unknown) => live && setError(errorText(err)),
    );
    return () => {
      live = false;
    };
  }, [flowId, tick]);

  const selected = picked ?? runs[0]?.id;
  // drag the top edge to make the panel taller or shorter
  const startResize = (e: ReactMouseEvent): void => {
    e.preventDefault();
    const startY = e.clientY;
    const startHeight = height;
    const move = (ev: MouseEvent): void => setHeight(Math.max(120, Math.min(window.innerHeight - 260, startHeight + startY - ev.clientY)));
    const up = (): void => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  };
  return (
    <section className={open ? 'debug open' : 'debug'} style={open ? { height } : undefined} data-testid="debug-panel">
      {open && <div className="debug-resize" onMouseDown={startResize} title="Drag to resize" />}
      <header className="debug-head">
        <button type="button" className="link-btn strong" onClick={() => setOpen(!open)} aria-expanded={open}>
          {open ? '▾' : '▸'} Debug
        </button>
        <span className="muted small">{flowId ? `${runs.length} recent run${runs.length === 1 ? '' : 's'}` : 'save the flow to run it'}</span>
        {picked && (
          <button type="button" className="link-btn small" onClick={() => setPicked(undefined)}>
            follow latest
          </button>
        )}
        <span className="grow" />
        <button type="button" className="icon-btn" title="Reload" aria-label="Reload runs" onClick={() => useLive.getState().bump()}>
          ↻
        </button>
      </header>
      {open && (
        <div className="debug-body">
          <div className="debug-runs">
            {error && <div className="banner error small">{error}</div>}
            <RunList runs={runs} selected={selected} onSelect={setPicked} />
          </div>
          <div className="debug-steps">{selected ? <RunDetail runId={selected} tick={tick} /> : <div className="muted small pad">Select a run to see its steps.</div>}</div>
        </div>
      )}
    </section>
  );
}

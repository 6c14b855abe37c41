/** Save, start, stop, trigger and export of the open flow, with their messages to the user. */
import { flowsApi } from '../api/endpoints.ts';
import { ApiError, errorText } from '../api/http.ts';
import type { FlowDocument } from '../../../core/flow-types.ts';
import type { FlowView, ValidationIssue } from '../api/types.ts';
import { issueTarget } from '../lib/issues.ts';
import { useNodeTypes } from '../stores/node-types-store.ts';
import { useFlow } from '../stores/flow-store.ts';
import { useLive } from '../stores/live-store.ts';
import { navigate } from '../stores/router-store.ts';
import { toast } from '../stores/toast-store.ts';

export async function saveFlow(): Promise<boolean> {
  const flow = useFlow.getState();
  const doc = flow.document();
  if (doc.name.trim() === '') {
    toast.error('Give the flow a name before saving.');
    return false;
  }
  try {
    const view = flow.flowId ? await flowsApi.update(flow.flowId, doc) : await flowsApi.create(doc);
    useFlow.getState().saved(view);
    toastSaved(view);
    if (!flow.flowId) navigate(`/flows/${view.id}`, { replace: true });
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.details.length > 0) {
      useFlow.getState().setIssues(err.details, doc);
      const n = err.details.length;
      const first = err.details[0] as ValidationIssue;
      toast.error(`Not saved: ${describeIssue(first, doc)}${n > 1 ? ` (and ${n - 1} more problem${n === 2 ? '' : 's'}, marked on the canvas)` : ''}`);
    } else toast.error(`Not saved: ${errorText(err)}`);
    return false;
  }
}

/** a save of a running flow puts it into effect: say whether it runs now, or why the old version still does */
function toastSaved(view: FlowView): void {
  if (view.replacement?.error) {
    toast.error(`Saved version ${view.version}, but it could not start: version ${view.runningVersion ?? '?'} keeps running. ${view.replacement.error}`);
  } else if (view.state === 'running' && view.runningVersion === view.version) {
    toast.ok(`Saved — version ${view.version} is running`);
  } else toast.ok(`Saved — version ${view.version}`);
}

export async function startFlow(): Promise<void> {
  if ((useFlow.getState().dirty || !useFlow.getState().flowId) && !(await saveFlow())) return;
  const id = useFlow.getState().flowId;
  if (!id) return;
  try {
    const view = await flowsApi.start(id);
    useFlow.getState().setRuntime(view);
    toast.ok(`Started version ${view.runningVersion ?? view.version}`);
  } catch (err) {
    toast.error(errorText(err));
  }
}

export async function stopFlow(): Promise<void> {
  const id = useFlow.getState().flowId;
  if (!id) return;
  try {
    const view = await flowsApi.stop(id);
    useFlow.getState().setRuntime(view);
    toast.ok('Stopped');
  } catch (err) {
    toast.error(errorText(err));
  }
}

export async function triggerFlow(options: { nodeId?: string; payload?: unknown } = {}): Promise<void> {
  const id = useFlow.getState().flowId;
  if (!id) return void toast.error('Save and start the flow first.');
  try {
    const { runId } = await flowsApi.trigger(id, options);
    toast.info(`Triggered run ${runId}`);
    // the socket reports the run; these reloads cover a socket that is reconnecting
    setTimeout(() => useLive.getState().bump(), 600);
    setTimeout(() => useLive.getState().bump(), 2000);
  } catch (err) {
    toast.error(errorText(err));
  }
}

export async function exportFlow(): Promise<void> {
  const { flowId, dirty } = useFlow.getState();
  if (!flowId) return void toast.error('Save the flow before exporting it.');
  if (dirty) toast.info('Exporting the last saved version (there are unsaved changes).');
  try {
    const res = await flowsApi.exportFile(flowId);
    const disposition = res.headers.get('content-disposition') ?? '';
    const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `${flowId}.tributary.json`;
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } catch (err) {
    toast.error(`Export failed: ${errorText(err)}`);
  }
}

/** `Timer 764971 · interval: must be >= 1` rather than `nodes[3].params.interval: …` */
function describeIssue(issue: ValidationIssue, doc: FlowDocument): string {
  const t = issueTarget(issue.path);
  if (t.scope !== 'node') return `${issue.path}: ${issue.message}`;
  const node = doc.nodes[t.index];
  if (!node) return `${issue.path}: ${issue.message}`;
  const label = node.name || useNodeTypes.getState().byType.get(node.type)?.label || node.type;
  return `${label} ${node.id} · ${t.rest.replace(/^params\./, '')}: ${issue.message}`;
}

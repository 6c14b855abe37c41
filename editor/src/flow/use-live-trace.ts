/**
 * Live trace of the open flow over socket.io (SPEC §6): `subscribe {flowId}` after connecting
 * (again after every reconnect), events into the live store.
 */
import { useEffect } from 'react';
import { io } from 'socket.io-client';
import { flowsApi } from '../api/endpoints.ts';
import type { RunRecord } from '../../../core/flow-types.ts';
import type { FlowStateEvent, StatusEvent, StepEvent } from '../api/types.ts';
import { useAuth } from '../stores/auth-store.ts';
import { useFlow } from '../stores/flow-store.ts';
import { useLive } from '../stores/live-store.ts';
import { toast } from '../stores/toast-store.ts';

export function useLiveTrace(flowId: string | undefined): void {
  const token = useAuth((s) => s.token);
  useEffect(() => {
    if (!flowId || !token) return;
    const live = useLive.getState();
    const socket = io(window.location.origin, { auth: { token }, reconnectionDelayMax: 5000 });
    socket.on('connect', () => {
      socket.emit('subscribe', { flowId }, (ack: { ok: boolean; error?: string } | undefined) => {
        if (ack?.ok) live.setConnected(true);
        else toast.error(`Live trace unavailable: ${ack?.error ?? 'no answer'}`);
      });
    });
    socket.on('disconnect', () => live.setConnected(false));
    // the server closes the socket when its session ends (logout elsewhere, new password, user disabled)
    socket.on('session:ended', () => useAuth.getState().expire('Your session has ended; please log in again.'));
    socket.on('connect_error', () => live.setConnected(false));
    socket.on('run:start', (run: RunRecord) => live.runStart(run));
    socket.on('run:end', (run: RunRecord) => live.runEnd(run));
    socket.on('node:start', (ev: StepEvent) => live.nodeStart(ev));
    socket.on('node:end', (ev: StepEvent) => live.nodeEnd(ev));
    socket.on('node:status', (ev: StatusEvent) => live.nodeStatus(ev));
    socket.on('flow:state', (ev: FlowStateEvent) => {
      if (ev.flowId !== flowId) return;
      useFlow.getState().setState(ev.state, ev.error);
      // which version runs (a save elsewhere put a new one into effect, or it was refused)
      if (ev.state === 'running') {
        flowsApi.get(flowId).then((view) => {
          if (useFlow.getState().flowId === flowId) useFlow.getState().setRuntime(view);
        }, () => undefined);
      }
    });
    return () => {
      socket.disconnect();
      live.setConnected(false);
    };
  }, [flowId, token]);
}

/**
 * Live traces over socket.io (SPEC §6): after auth, `subscribe {flowId}`; the engine's
 * events go to that flow's room. Per-step events are only produced while someone watches.
 */
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { RunRecord, StepRecord } from '../../core/flow-types.ts';
import type { EngineEvents, FlowState } from '../engine/events.ts';
import type { NodeStatus } from '../engine/node-api.ts';
import { tokenOf, type AuthUser } from './auth-middleware.ts';

const room = (flowId: string): string => `flow:${flowId}`;

export class LiveHub implements EngineEvents {
  private io?: Server;
  /** latest status per flow/node, replayed to new subscribers */
  private readonly statuses = new Map<string, Map<string, NodeStatus>>();

  attach(server: HttpServer, authenticate: (token: string) => AuthUser | undefined, canRead: (flowId: string) => boolean): void {
    const io = new Server(server, { serveClient: false, cors: { origin: false } });
    io.use((socket, next) => {
      const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      const token = typeof fromAuth === 'string' ? fromAuth : tokenOf({ headers: socket.handshake.headers });
      const user = token ? authenticate(token) : undefined;
      if (!user) return next(new Error('authentication required'));
      socket.data['user'] = user;
      next();
    });
    io.on('connection', (socket) => {
      socket.on('subscribe', (arg: unknown, ack?: (reply: unknown) => void) => {
        const flowId = (arg as { flowId?: unknown } | undefined)?.flowId;
        if (typeof flowId !== 'string' || !canRead(flowId)) {
          ack?.({ ok: false, error: typeof flowId === 'string' ? `flow "${flowId}" not found` : 'flowId is required' });
          return;
        }
        void socket.join(room(flowId));
        for (const [nodeId, status] of this.statuses.get(flowId) ?? []) socket.emit('node:status', { flowId, nodeId, ...status });
        ack?.({ ok: true });
      });
      socket.on('unsubscribe', (arg: unknown) => {
        const flowId = (arg as { flowId?: unknown } | undefined)?.flowId;
        if (typeof flowId === 'string') void socket.leave(room(flowId));
      });
    });
    this.io = io;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.io ? this.io.close(() => resolve()) : resolve()));
  }

  wants(flowId: string): boolean {
    return (this.io?.sockets.adapter.rooms.get(room(flowId))?.size ?? 0) > 0;
  }

  runStart(flowId: string, run: RunRecord): void {
    this.emit(flowId, 'run:start', run);
  }

  nodeStart(flowId: string, runId: string, step: StepRecord): void {
    this.emit(flowId, 'node:start', { flowId, runId, ...step });
  }

  nodeEnd(flowId: string, runId: string, step: StepRecord): void {
    this.emit(flowId, 'node:end', { flowId, runId, ...step });
  }

  runEnd(flowId: string, run: RunRecord): void {
    this.emit(flowId, 'run:end', run);
  }

  nodeStatus(flowId: string, nodeId: string, status: NodeStatus): void {
    let map = this.statuses.get(flowId);
    if (!map) this.statuses.set(flowId, (map = new Map()));
    map.set(nodeId, status);
    this.emit(flowId, 'node:status', { flowId, nodeId, ...status });
  }

  /** current statuses of a flow's nodes (shown by GET /api/flows/:id/status) */
  statusOf(flowId: string): Record<string, NodeStatus> {
    return Object.fromEntries(this.statuses.get(flowId) ?? []);
  }

  flowState(flowId: string, state: FlowState, error?: string): void {
    if (state === 'stopped') this.statuses.delete(flowId);
    this.emit(flowId, 'flow:state', { flowId, state, ...(error ? { error } : {}) });
  }

  private emit(flowId: string, event: string, data: unknown): void {
    if (!this.wants(flowId)) return;
    this.io?.to(room(flowId)).emit(event, data);
  }
}

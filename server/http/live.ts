/**
 * Live traces over socket.io (SPEC §6): after auth, `subscribe {flowId}`; the engine's
 * events go to that flow's room. Per-step events are only produced while someone watches.
 *
 * A socket lives only as long as the session it was opened with: the handshake must come from
 * an allowed origin (a WebSocket is not bound by CORS, and the browser sends the cookie from
 * any page of the same site), every `subscribe` checks the session again, and the socket is
 * disconnected when its session ends — logout, new password, user disabled or deleted (the
 * auth service says so) or expiry (a timer).
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { RunRecord, StepRecord } from '../../core/flow-types.ts';
import type { EngineEvents, FlowState } from '../engine/events.ts';
import type { NodeStatus } from '../engine/node-api.ts';
import type { AuthService, SessionsEnded } from '../auth/auth-service.ts';
import { can } from '../auth/roles.ts';
import { hashToken } from '../auth/tokens.ts';
import { tokenOf } from './auth-middleware.ts';
import type { OriginPolicy } from './origin.ts';
import { AppError, invalidField, NotFoundError } from '../../core/errors.ts';

const room = (flowId: string): string => `flow:${flowId}`;

/** setTimeout's longest delay (about 24.8 days) */
const MAX_TIMER_MS = 2 ** 31 - 1;

export type LiveAuth = Pick<AuthService, 'session' | 'onSessionsEnded'>;

interface SocketSession { token: string; tokenHash: string; userId: string; expiry?: NodeJS.Timeout }

export class LiveHub implements EngineEvents {
  private io?: Server;
  private stopListening?: () => void;
  /** latest status per flow/node, replayed to new subscribers */
  private readonly statuses = new Map<string, Map<string, NodeStatus>>();
  private readonly sessions = new Map<Socket, SocketSession>();

  attach(server: HttpServer, auth: LiveAuth, canRead: (flowId: string) => boolean, origins: OriginPolicy): void {
    const io = new Server(server, {
      serveClient: false,
      cors: { origin: false },
      // before any socket.io work: a browser always sends Origin on a WebSocket upgrade and on
      // cross-origin polling; a client without one (not a browser) passes to the token check
      allowRequest: (req: IncomingMessage, done) => {
        const origin = req.headers.origin;
        done(null, origin === undefined || origins.allows(origin, req.headers.host));
      },
    });
    io.use((socket, next) => {
      const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      const token = typeof fromAuth === 'string' ? fromAuth : tokenOf({ headers: socket.handshake.headers });
      const session = token ? auth.session(token) : undefined;
      if (!token || !session || !can(session.user.role, 'read')) return next(new Error('authentication required'));
      socket.data['user'] = session.user;
      const held: SocketSession = { token, tokenHash: hashToken(token), userId: session.user.id };
      const left = Date.parse(session.expiresAt) - Date.now();
      held.expiry = setTimeout(() => this.end(socket, 'the session expired'), Math.min(Math.max(left, 0), MAX_TIMER_MS));
      held.expiry.unref();
      this.sessions.set(socket, held);
      socket.on('disconnect', () => {
        clearTimeout(held.expiry);
        this.sessions.delete(socket);
      });
      next();
    });
    io.on('connection', (socket) => {
      socket.on('subscribe', (arg: unknown, ack?: (reply: unknown) => void) => {
        // the session may have ended or the user lost the right to read since the handshake
        const held = this.sessions.get(socket);
        const session = held && auth.session(held.token);
        if (!session || !can(session.user.role, 'read')) {
          ack?.({ ok: false, ...new AppError('SESSION_ENDED', 'your session has ended; log in again', {}).body() });
          this.end(socket, 'the session ended');
          return;
        }
        socket.data['user'] = session.user;
        const flowId = (arg as { flowId?: unknown } | undefined)?.flowId;
        if (typeof flowId !== 'string' || !canRead(flowId)) {
          const refused = typeof flowId === 'string' ? new NotFoundError('flow', flowId) : invalidField('flowId', 'is required');
          ack?.({ ok: false, ...refused.body() });
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
    this.stopListening = auth.onSessionsEnded((ended) => this.sessionsEnded(ended));
    this.io = io;
  }

  private sessionsEnded(ended: SessionsEnded): void {
    for (const [socket, held] of [...this.sessions]) {
      const hit = ended.kind === 'session'
        ? held.tokenHash === ended.tokenHash
        : held.userId === ended.userId && held.tokenHash !== ended.keepTokenHash;
      if (hit) this.end(socket, 'the session ended');
    }
  }

  /** tells the client why, then closes the socket (the client does not reconnect by itself) */
  private end(socket: Socket, reason: string): void {
    socket.emit('session:ended', { reason });
    socket.disconnect(true);
  }

  close(): Promise<void> {
    this.stopListening?.();
    for (const held of this.sessions.values()) clearTimeout(held.expiry);
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

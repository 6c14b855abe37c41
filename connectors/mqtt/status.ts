/** The canvas status of an mqtt node from its link's state. */
import type { NodeStatus } from '../../server/engine/node-api.ts';
import type { LinkState } from './driver.ts';

/** `detail` follows "connected" (e.g. the topic listened to) */
export function linkStatus(link: LinkState, detail?: string): NodeStatus {
  switch (link.state) {
    case 'connected':
      if (link.error) return { state: 'warn', text: `connected · ${link.error}`, connection: 'connected' };
      return { state: 'ok', text: detail ? `connected · ${detail}` : 'connected', connection: 'connected' };
    case 'connecting':
      return { state: 'idle', text: 'connecting', connection: 'connecting' };
    case 'reconnecting':
      return {
        state: link.error ? 'error' : 'warn',
        text: `${link.error ? `disconnected: ${link.error} · ` : 'disconnected · '}reconnecting${link.attempt > 0 ? ` (attempt ${link.attempt})` : ''}`,
        connection: 'reconnecting',
        ...(link.error ? { error: link.error } : {}),
      };
    case 'failed':
      return { state: 'error', text: link.error, connection: 'failed', error: link.error };
    default:
      return { state: 'idle', text: 'stopped', connection: 'closed' };
  }
}

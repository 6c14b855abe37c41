/** Types and constants of the mqtt driver's links (see mqtt.ts). */
export type QoS = 0 | 1 | 2;

/** reconnect waits: first, doubling up to max */
export const RECONNECT_FIRST_MS = 1000;
export const RECONNECT_MAX_MS = 30_000;
/** how long the broker keeps a persistent session (and its queued messages) of a stopped flow */
export const SESSION_EXPIRY_SECONDS = 7 * 24 * 3600;
/** how long closing waits for in-flight acknowledgements before dropping the socket */
export const CLOSE_GRACE_MS = 2000;
/** MQTT 5 DISCONNECT reason: a client with the same id connected */
export const SESSION_TAKEN_OVER = 142;

export type LinkState =
  | { state: 'connecting' }
  /** `error`: a subscription the broker refused after a reconnect */
  | { state: 'connected'; error?: string }
  | { state: 'reconnecting'; attempt: number; error?: string }
  /** gave up for good: another client took over the session (same client id) */
  | { state: 'failed'; error: string }
  | { state: 'closed' };

export interface InboundMessage {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  /** MQTT 5 user properties, when the publisher set some */
  userProperties?: Record<string, string | string[]>;
}

/** returns false when the message was not taken (its node is stopping) */
export type MessageHandler = (message: InboundMessage) => boolean;

export interface LinkOptions {
  /** replaces the profile's client id (a persistent session needs a stable one of its own) */
  clientId?: string;
  /** false keeps the session (subscriptions, queued QoS 1/2 messages) while disconnected */
  clean?: boolean;
  /** leave QoS 1 messages that no handler took unacknowledged, so a persistent session gets them again */
  holdRefused?: boolean;
  timeoutMs?: number;
  /** false: no reconnects (connection tests) */
  reconnect?: boolean;
  /** reconnect waits (default 1 s doubling to 30 s, reset once a connection held 10 s) */
  backoff?: Backoff;
}

export interface Backoff { firstMs: number; maxMs: number; stableMs: number }

export const DEFAULT_BACKOFF: Backoff = { firstMs: RECONNECT_FIRST_MS, maxMs: RECONNECT_MAX_MS, stableMs: 10_000 };

/** From a connection profile to mqtt.js: the timeout, the checked broker URL, the client options. */
import { randomBytes } from 'node:crypto';
import type { IClientOptions } from 'mqtt';
import type { ConnectionProfileResolved } from '../../server/connections/driver-api.ts';
import { DEFAULT_TIMEOUT_MS } from '../../core/connection-types.ts';
import { RECONNECT_FIRST_MS, SESSION_EXPIRY_SECONDS, type LinkOptions } from './driver-types.ts';

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

export function positive(v: unknown, fallback: number): number {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : fallback;
}

export function profileTimeout(profile: ConnectionProfileResolved): number {
  return positive(profile.params['timeoutMs'], DEFAULT_TIMEOUT_MS);
}

/** the broker URL as given, checked, and without credentials for messages */
export function brokerUrl(profile: ConnectionProfileResolved): { url: string; display: string } {
  const url = str(profile.params['url']);
  if (!url) throw new Error(`mqtt connection "${profile.name}": url is required (mqtt://host:1883)`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`mqtt connection "${profile.name}": "${url}" is not a URL (mqtt://host:1883)`);
  }
  if (!['mqtt:', 'mqtts:', 'ws:', 'wss:'].includes(parsed.protocol)) {
    throw new Error(`mqtt connection "${profile.name}": the url must start with mqtt://, mqtts://, ws:// or wss://`);
  }
  parsed.username = '';
  parsed.password = '';
  return { url, display: parsed.toString().replace(/\/$/, '') };
}

/** mqtt.js options of a profile: MQTT 5, manual connect, our own resubscribe and backoff */
export function mqttOptions(profile: ConnectionProfileResolved, o: LinkOptions = {}): IClientOptions {
  const p = profile.params;
  const clean = o.clean ?? (typeof p['clean'] === 'boolean' ? p['clean'] : true);
  const options: IClientOptions = {
    clientId: o.clientId ?? str(p['clientId']) ?? `tributary-${randomBytes(4).toString('hex')}`,
    protocolVersion: 5,
    clean,
    keepalive: positive(p['keepalive'], 60),
    connectTimeout: o.timeoutMs ?? profileTimeout(profile),
    reconnectPeriod: o.reconnect === false ? 0 : (o.backoff?.firstMs ?? RECONNECT_FIRST_MS),
    // a broker that refuses us (credentials changed) is tried again, with the same backoff
    reconnectOnConnackError: true,
    // the link subscribes again itself, with its subscription identifiers
    resubscribe: false,
    // nothing is published later behind the node's back: mqtt-out waits for the connection
    queueQoSZero: false,
    manualConnect: true,
  };
  if (!clean) options.properties = { sessionExpiryInterval: SESSION_EXPIRY_SECONDS };
  const username = str(p['username']);
  if (username) options.username = username;
  const password = profile.secrets['password'];
  if (password) options.password = password;
  const ca = str(p['ca']);
  if (ca) options.ca = ca;
  const cert = str(p['cert']);
  if (cert) options.cert = cert;
  const key = profile.secrets['key'];
  if (key) options.key = key;
  return options;
}

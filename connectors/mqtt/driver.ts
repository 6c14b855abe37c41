/**
 * The `mqtt` connection driver (mqtt.js 5). `open` gives an MqttLink: one connected client per
 * profile, shared by every mqtt node of every flow using the profile. The link
 *  - multiplexes subscriptions: one broker subscription per topic filter, however many nodes
 *    listen to it; messages are routed by MQTT 5 subscription identifiers (by topic match on
 *    MQTT 3.1.1, where overlapping filters may then see a message twice);
 *  - reconnects with a growing backoff (1 s, doubling to 30 s, reset once a connection held
 *    10 s) and subscribes again when the broker lost the session;
 *  - stops for good when the broker says another client took over its client id, so two
 *    clients with one id do not take the session from each other forever;
 *  - tells listeners its state (connected, reconnecting with the last error, failed, closed).
 * The profile's client id is used as is (brokers may tie permissions to it); without one each
 * link gets `tributary-<random>`. mqtt-in with a persistent session opens its own link
 * (`createLink`) with a stable client id and clean=false.
 */
import { randomBytes } from 'node:crypto';
import { connect as mqttConnect, ReasonCodes, type IClientOptions, type IClientPublishOptions, type IClientSubscribeOptions, type IConnackPacket, type IDisconnectPacket, type IPublishPacket, type MqttClient } from 'mqtt';
import type { ConnectionDriver, ConnectionProfileResolved } from '../../server/connections/driver-api.ts';
import { DEFAULT_TIMEOUT_MS } from '../../core/connection-types.ts';
import {
  CLOSE_GRACE_MS, DEFAULT_BACKOFF, SESSION_TAKEN_OVER,
  type Backoff, type InboundMessage, type LinkOptions, type LinkState, type MessageHandler, type QoS,
} from './driver-types.ts';
import { brokerUrl, mqttOptions, str } from './driver-profile.ts';
import { deadline, errorText, mqttError, topicMatches, unsupportedProtocol } from './driver-util.ts';

export * from './driver-types.ts';
export { brokerUrl, mqttOptions, profileTimeout } from './driver-profile.ts';
export { mqttError, topicMatches } from './driver-util.ts';

interface Subscription { filter: string; id: number; handlers: Map<MessageHandler, QoS> }

/** A client of one broker with its subscriptions, state and backoff; see the file comment. */
export class MqttLink {
  readonly url: string;
  readonly clientId: string;
  readonly timeoutMs: number;
  private client: MqttClient;
  private readonly subs = new Map<string, Subscription>();
  private readonly byId = new Map<number, Subscription>();
  private nextSubId = 1;
  private readonly listeners = new Set<(state: LinkState) => void>();
  private current: LinkState = { state: 'connecting' };
  /** QoS 1 packets no handler took: never acknowledged (holdRefused) */
  private readonly refused = new WeakSet<IPublishPacket>();
  private attempt = 0;
  /** resets the backoff once a connection held */
  private stableTimer: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  private ready = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly brokerAddress: string,
    private readonly options: IClientOptions,
    display: string,
    private readonly holdRefused = false,
    private readonly backoff: Backoff = DEFAULT_BACKOFF,
  ) {
    this.url = display;
    this.clientId = options.clientId ?? '';
    this.timeoutMs = options.connectTimeout ?? DEFAULT_TIMEOUT_MS;
    this.client = this.makeClient(options);
  }

  get state(): LinkState {
    return this.current;
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** MQTT protocol level in use: 5, or 4 (3.1.1) after the broker refused 5 */
  get protocolVersion(): number {
    return this.client.options.protocolVersion ?? 5;
  }

  /** the first connection: resolves once connected and subscribed, rejects with the broker's or the network's error */
  async connect(): Promise<void> {
    try {
      try {
        await this.firstConnect();
      } catch (err) {
        if (this.protocolVersion !== 5 || !unsupportedProtocol(err) || this.closing) throw err;
        this.replaceClient({ ...this.options, protocolVersion: 4, properties: undefined });
        await this.firstConnect();
      }
    } catch (err) {
      await this.close();
      throw err;
    }
    this.ready = true;
    try {
      await Promise.all([...this.subs.values()].map((s) => this.sendSubscribe(s)));
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** calls `listener` on every state change; returns the function that stops it */
  onState(listener: (state: LinkState) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /**
   * Routes messages of `filter` to `handler`. The broker subscription is made (again, with the
   * highest QoS asked, so the new listener gets retained messages) when connected; before the
   * first connection it is only registered, and made by `connect`.
   */
  async subscribe(filter: string, qos: QoS, handler: MessageHandler): Promise<void> {
    let sub = this.subs.get(filter);
    if (!sub) {
      sub = { filter, id: this.nextSubId++, handlers: new Map() };
      this.subs.set(filter, sub);
      this.byId.set(sub.id, sub);
    }
    sub.handlers.set(handler, qos);
    if (!this.ready || !this.client.connected) return;
    try {
      await this.sendSubscribe(sub);
    } catch (err) {
      this.forget(sub, handler);
      throw err;
    }
  }

  /** stops routing to `handler`; the broker subscription goes when its last handler does */
  async unsubscribe(filter: string, handler: MessageHandler): Promise<void> {
    const sub = this.subs.get(filter);
    if (!sub || !this.forget(sub, handler)) return;
    await this.dropSubscription(filter);
  }

  /** removes a subscription from the broker session without a handler (a persistent session's old topic) */
  async dropSubscription(filter: string): Promise<void> {
    if (!this.client.connected || this.closing) return;
    await deadline(this.client.unsubscribeAsync(filter), this.timeoutMs, () => new Error('no UNSUBACK')).catch(() => undefined);
  }

  /** publishes once connected (waiting up to the profile's timeout); with QoS 1/2 resolves on the broker's acknowledgement */
  async publish(topic: string, payload: Buffer | string, opts: { qos: QoS; retain: boolean }, signal?: AbortSignal): Promise<void> {
    await this.waitConnected(this.timeoutMs, signal);
    const options: IClientPublishOptions = { qos: opts.qos, retain: opts.retain };
    await deadline(
      this.client.publishAsync(topic, payload, options),
      this.timeoutMs,
      () => new Error(`${this.url} did not acknowledge the message within ${this.timeoutMs} ms (QoS ${opts.qos})`),
      signal,
    );
  }

  /** resolves when connected; rejects after `timeoutMs` with the last connection error */
  waitConnected(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.client.connected) return Promise.resolve();
    if (this.closing) return Promise.reject(new Error(`the connection to ${this.url} is closed`));
    if (this.current.state === 'failed') return Promise.reject(new Error(this.current.error));
    let off = () => {};
    const up = new Promise<void>((resolve, reject) => {
      off = this.onState((s) => {
        if (s.state === 'connected') resolve();
        else if (s.state === 'closed') reject(new Error(`the connection to ${this.url} was closed`));
        else if (s.state === 'failed') reject(new Error(s.error));
      });
    });
    const why = () => new Error(`not connected to ${this.url} for ${timeoutMs} ms${this.lastError ? ` (last error: ${this.lastError})` : ''}`);
    return deadline(up, timeoutMs, why, signal).finally(off);
  }

  /**
   * Drops the connection: the client reconnects (after the backoff's wait) and the broker sends
   * a persistent session again what it holds unacknowledged — the QoS 1 messages handlers refused.
   */
  redeliver(): void {
    if (this.closing || !this.client.connected) return;
    this.client.stream?.destroy();
  }

  /** disconnects (politely, then by dropping the socket) and stops reconnecting */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.setState({ state: 'closed' });
      clearTimeout(this.stableTimer);
      const client = this.client;
      // with manualConnect mqtt.js would reconnect a client whose socket closes after end() finished
      client.options.reconnectPeriod = 0;
      const timer = setTimeout(() => {
        client.stream?.destroy();
        resolve();
      }, CLOSE_GRACE_MS);
      client.end(!client.connected, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.closing;
  }

  private makeClient(options: IClientOptions): MqttClient {
    const client = mqttConnect(this.brokerAddress, options);
    client.on('connect', (connack: IConnackPacket) => this.onConnect(connack));
    client.on('reconnect', () => this.onReconnect());
    client.on('close', () => this.onDown());
    client.on('error', (err: Error) => {
      this.lastError = errorText(err);
      this.onDown();
    });
    client.on('disconnect', (packet: IDisconnectPacket) => {
      const code = packet.reasonCode ?? 0;
      this.lastError = `the broker disconnected us: ${ReasonCodes[code as keyof typeof ReasonCodes] ?? `reason ${code}`}`;
      if (code === SESSION_TAKEN_OVER) this.yieldSession();
    });
    client.on('message', (topic: string, payload: Buffer, packet: IPublishPacket) => this.route(topic, payload, packet));
    client.handleMessage = (packet, done) => {
      // unacknowledged, the broker keeps the message for the session's next connection
      if (this.refused.has(packet)) return;
      done();
    };
    return client;
  }

  /**
   * Two clients with one id would take the session from each other forever (two servers, or a
   * profile edited while flows still hold the old client): the newer one keeps it.
   */
  private yieldSession(): void {
    clearTimeout(this.stableTimer);
    this.client.options.reconnectPeriod = 0;
    this.setState({
      state: 'failed',
      error: `another client connected with the client id "${this.clientId}" and took over the session; ` +
        'this one stopped reconnecting (give each server its own client id, then restart the flow)',
    });
  }

  private replaceClient(options: IClientOptions): void {
    const old = this.client;
    old.removeAllListeners();
    old.on('error', () => undefined);
    old.options.reconnectPeriod = 0;
    old.end(true);
    this.client = this.makeClient(options);
  }

  private firstConnect(): Promise<void> {
    const client = this.client;
    return new Promise<void>((resolve, reject) => {
      const finish = (err?: unknown) => {
        clearTimeout(timer);
        client.off('connect', onConnect);
        client.off('error', onError);
        if (err === undefined) resolve();
        else reject(mqttError(err));
      };
      const onConnect = () => finish();
      const onError = (err: Error) => finish(err);
      // mqtt.js gives up at connectTimeout; this catches a connection that closes without an error
      const timer = setTimeout(
        () => finish(new Error(`no answer from ${this.url} within ${this.timeoutMs} ms${this.lastError ? ` (${this.lastError})` : ''}`)),
        this.timeoutMs + 500,
      );
      client.once('connect', onConnect);
      client.once('error', onError);
      client.connect();
    });
  }

  private onConnect(connack: IConnackPacket): void {
    this.lastError = undefined;
    // only a connection that held resets the backoff: one dropped at once (a broker handing the
    // session to another client with our id, a proxy in trouble) must not be retried every second
    this.setWait(this.attempt);
    clearTimeout(this.stableTimer);
    this.stableTimer = setTimeout(() => {
      this.attempt = 0;
      this.setWait(0);
    }, this.backoff.stableMs);
    this.stableTimer.unref();
    // a clean session (or an expired one) lost the subscriptions: "connected" once they are back
    if (!this.ready || connack.sessionPresent || this.subs.size === 0) return this.setState({ state: 'connected' });
    const client = this.client;
    Promise.all([...this.subs.values()].map((s) => this.sendSubscribe(s))).then(
      () => client.connected && this.setState({ state: 'connected' }),
      (err: unknown) => client.connected && this.setState({ state: 'connected', error: errorText(err) }),
    );
  }

  private onReconnect(): void {
    clearTimeout(this.stableTimer);
    this.attempt++;
    this.setWait(this.attempt);
    this.setState({ state: 'reconnecting', attempt: this.attempt, ...(this.lastError ? { error: this.lastError } : {}) });
  }

  /** mqtt.js waits options.reconnectPeriod before the next attempt (0: never reconnect) */
  private setWait(attempt: number): void {
    if ((this.client.options.reconnectPeriod ?? 0) <= 0) return;
    this.client.options.reconnectPeriod = Math.min(this.backoff.maxMs, this.backoff.firstMs * 2 ** Math.min(attempt, 20));
  }

  private onDown(): void {
    if (!this.ready || this.closing || this.client.connected || this.current.state === 'failed') return;
    this.setState({ state: 'reconnecting', attempt: this.attempt, ...(this.lastError ? { error: this.lastError } : {}) });
  }

  private setState(next: LinkState): void {
    if (this.current.state === 'closed' || (this.current.state === 'failed' && next.state !== 'closed')) return;
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    for (const listener of [...this.listeners]) listener(next);
  }

  private async sendSubscribe(sub: Subscription): Promise<void> {
    const qos = Math.max(...sub.handlers.values()) as QoS;
    // retain handling 0: the broker sends the filter's retained messages on every subscribe
    const options: IClientSubscribeOptions = { qos, rh: 0 };
    if (this.protocolVersion === 5) options.properties = { subscriptionIdentifier: sub.id };
    try {
      await deadline(this.client.subscribeAsync(sub.filter, options), this.timeoutMs, () => new Error(`no SUBACK within ${this.timeoutMs} ms`));
    } catch (err) {
      throw new Error(`subscription to "${sub.filter}" failed: ${errorText(err)}`);
    }
  }

  /** true when it was the filter's last handler */
  private forget(sub: Subscription, handler: MessageHandler): boolean {
    sub.handlers.delete(handler);
    if (sub.handlers.size > 0) return false;
    this.subs.delete(sub.filter);
    this.byId.delete(sub.id);
    return true;
  }

  private route(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const ids = packet.properties?.subscriptionIdentifier;
    const candidates = ids === undefined
      ? [...this.subs.values()]
      : (Array.isArray(ids) ? ids : [ids]).map((id) => this.byId.get(id)).filter((s): s is Subscription => s !== undefined);
    const userProperties = packet.properties?.userProperties;
    const message: InboundMessage = {
      topic,
      payload,
      qos: packet.qos,
      retain: packet.retain,
      // mqtt-packet gives a null-prototype object
      ...(userProperties && Object.keys(userProperties).length > 0 ? { userProperties: { ...userProperties } } : {}),
    };
    let offered = false;
    let taken = false;
    for (const sub of candidates) {
      // a persistent session may still hold an identifier of an older subscription
      if (!topicMatches(sub.filter, topic)) continue;
      for (const [handler, qos] of sub.handlers) {
        offered = true;
        // what a client of its own would have got, whatever QoS other nodes on the filter asked for
        try {
          if (handler(qos < message.qos ? { ...message, qos } : message)) taken = true;
        } catch {
          // handlers report their own failures; a throw must not stall the client's packet loop
          taken = true;
        }
      }
    }
    if (this.holdRefused && offered && !taken && packet.qos === 1) this.refused.add(packet);
  }
}

/** A link of `profile`, not yet connected: register subscriptions, then `connect()`. */
export function createLink(profile: ConnectionProfileResolved, options: LinkOptions = {}): MqttLink {
  const { url, display } = brokerUrl(profile);
  return new MqttLink(url, mqttOptions(profile, options), display, options.holdRefused ?? false, options.backoff);
}

async function open(profile: ConnectionProfileResolved): Promise<MqttLink> {
  const link = createLink(profile);
  await link.connect();
  return link;
}

async function test(profile: ConnectionProfileResolved, timeoutMs: number): Promise<void> {
  const base = str(profile.params['clientId']) ?? 'tributary';
  // an id of its own, so a test never takes over the session of a running client
  const link = createLink(profile, { clientId: `${base}-test-${randomBytes(3).toString('hex')}`, timeoutMs, reconnect: false });
  try {
    await link.connect();
  } finally {
    await link.close();
  }
}

export const mqttDriver: ConnectionDriver<MqttLink> = {
  type: 'mqtt',
  open,
  close: (link) => link.close(),
  test,
};

export default mqttDriver;

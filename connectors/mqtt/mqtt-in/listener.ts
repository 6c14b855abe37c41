/**
 * One mqtt-in node while its flow runs: subscribes on the profile's shared link, or on a link
 * of its own with a persistent session, and starts a run per message.
 */
import { NodeError, type ConnectionLease, type NodeContext } from '../../../server/engine/node-api.ts';
import {
  createLink, type InboundMessage, type LinkState, type MessageHandler, type MqttLink,
} from '../driver.ts';
import { linkStatus } from '../status.ts';
import { decodeMessage } from './decode.ts';
import { RunWindow } from './window.ts';
import type { Message } from '../../../core/flow-types.ts';

/**
 * Mosquitto's count of messages it dropped (a client's queue full: max_queued_messages), all
 * clients together, published every sys_interval: the only sign of a broker drop a subscriber
 * can get. Brokers without it (or that deny $SYS) simply never send it.
 */
const BROKER_DROPPED = '$SYS/broker/publish/messages/dropped';

/** a dropped message is logged at most this often (the status counts every one) */
const DROP_LOG_MS = 5000;
import type { MqttInParams } from './spec.ts';
import { errorMessage } from '../../../core/guards.ts';

/** node state key: the filter the persistent session subscribed to last */
const SESSION_FILTER = 'sessionFilter';

export class MqttInListener {
  private link: MqttLink | undefined;
  private offState: (() => void) | undefined;
  private stopping = false;
  private invalid = 0;
  private lastInvalid: string | undefined;
  private released = false;
  /** waiting for the storage to write again after runs were refused */
  private heldBack = false;
  private readonly handler: MessageHandler = (m) => this.receive(m);
  private readonly window: RunWindow<Message>;
  private lastDropLog = 0;
  private statusTimer: NodeJS.Timeout | undefined;
  /** the broker's dropped count when first seen, and the latest (see BROKER_DROPPED) */
  private brokerDropped: { first: number; last: number } | undefined;
  private readonly sysHandler: MessageHandler = (m) => this.onBrokerDropped(m);
  /** the counts the status showed last */
  private shown = '';

  constructor(
    private readonly ctx: NodeContext,
    private readonly p: MqttInParams,
    private readonly lease: ConnectionLease<MqttLink>,
  ) {
    this.window = new RunWindow<Message>(p.maxInFlight, p.queueLimit, (msg) => this.fire(msg), (what) => this.counted(what));
  }

  /** the client id of the persistent session: stable per flow and node */
  get sessionClientId(): string {
    const base = typeof this.lease.profile.params['clientId'] === 'string' && this.lease.profile.params['clientId'] !== ''
      ? this.lease.profile.params['clientId']
      : 'tributary';
    return `${base}-${this.ctx.flowId}-${this.ctx.node.id}`;
  }

  async start(): Promise<void> {
    if (this.p.persistentSession) await this.startSession();
    else await this.startShared();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.statusTimer);
    const left = this.window.clear();
    if (left > 0) this.ctx.log.warn(`mqtt-in: ${left} queued message${left === 1 ? '' : 's'} let go as the flow stops`, { flowId: this.ctx.flowId, nodeId: this.ctx.node.id });
    this.offState?.();
    const link = this.link;
    this.link = undefined;
    try {
      // a persistent session keeps its subscription: only the connection goes
      if (link) await link.unsubscribe(BROKER_DROPPED, this.sysHandler).catch(() => undefined);
      if (link && this.p.persistentSession) await link.close();
      else if (link) await link.unsubscribe(this.p.topic, this.handler);
    } finally {
      await this.releaseLease();
    }
  }

  private async releaseLease(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.lease.release();
  }

  private async startShared(): Promise<void> {
    const link = this.lease.client;
    this.watch(link);
    try {
      await link.subscribe(this.p.topic, this.p.qos, this.handler);
    } catch (err) {
      throw new NodeError(errorMessage(err), 'MQTT_SUBSCRIBE', false);
    }
    this.link = link;
    await this.watchBrokerDrops(link);
    this.showStatus(link.state);
  }

  private async startSession(): Promise<void> {
    const clientId = this.sessionClientId;
    const link = createLink(this.lease.profile, { clientId, clean: false, holdRefused: true });
    this.link = link;
    this.watch(link);
    // registered before connecting: the broker sends what it kept right after CONNACK
    await link.subscribe(this.p.topic, this.p.qos, this.handler);
    try {
      await link.connect();
    } catch (err) {
      throw new NodeError(`persistent session "${clientId}" could not connect to ${link.url}: ${errorMessage(err)}`, 'MQTT_CONNECT');
    }
    // the session has a client of its own; the shared one was only needed to check the profile
    await this.releaseLease();
    const previous = this.ctx.state.get<string>(SESSION_FILTER);
    if (previous !== undefined && previous !== this.p.topic) await link.dropSubscription(previous);
    if (previous !== this.p.topic) this.ctx.state.set(SESSION_FILTER, this.p.topic);
    await this.watchBrokerDrops(link);
    this.showStatus(link.state);
  }

  /**
   * The run was refused (the store cannot write): the message is not acknowledged (a persistent
   * session's QoS 1; any other is gone, as MQTT has no redelivery for it). Once the store writes
   * again, the connection is renewed so the broker sends again what it holds.
   */
  private holdBack(): void {
    if (this.heldBack || !this.ctx.storageRecovered) return;
    this.heldBack = true;
    this.ctx.storageRecovered(() => {
      this.heldBack = false;
      if (!this.stopping && this.p.persistentSession) this.link?.redeliver();
    });
  }

  private watch(link: MqttLink): void {
    this.offState?.();
    this.offState = link.onState((s) => this.showStatus(s));
  }

  private showStatus(link: LinkState): void {
    const status = linkStatus(link, this.p.topic);
    if (this.invalid > 0 && status.state === 'ok') {
      status.state = 'warn';
      status.text += ` · ${this.invalid} message${this.invalid === 1 ? '' : 's'} not JSON, last: ${this.lastInvalid ?? ''}`;
      status['invalid'] = this.invalid;
    }
    const c = this.window.counts;
    if (c.dropped > 0) {
      if (status.state === 'ok') status.state = 'warn';
      status.text += ` · ${c.dropped} dropped (queue full at ${this.p.queueLimit})`;
    }
    if (c.failed > 0) status.text += ` · ${c.failed} failed run${c.failed === 1 ? '' : 's'}`;
    const brokerDropped = this.brokerDropped ? this.brokerDropped.last - this.brokerDropped.first : 0;
    if (brokerDropped > 0) {
      if (status.state === 'ok') status.state = 'warn';
      status.text += ` · broker dropped ${brokerDropped} (all clients, since the flow started)`;
      status['brokerDropped'] = brokerDropped;
    }
    Object.assign(status, { received: c.received, queued: c.queued, inFlight: c.inFlight, failed: c.failed, dropped: c.dropped });
    this.ctx.setStatus(status);
  }

  private async watchBrokerDrops(link: MqttLink): Promise<void> {
    try {
      await link.subscribe(BROKER_DROPPED, 0, this.sysHandler);
    } catch (err) {
      this.ctx.log.debug('mqtt-in: the broker gives no dropped-messages count', { nodeId: this.ctx.node.id, error: errorMessage(err) });
    }
  }

  private onBrokerDropped(m: InboundMessage): boolean {
    const n = Number(m.payload.toString('utf8'));
    if (!Number.isFinite(n)) return true;
    const before = this.brokerDropped;
    this.brokerDropped = { first: before?.first ?? n, last: n };
    if (before && n > before.last) {
      this.ctx.log.warn('mqtt-in: the broker dropped messages (a client’s queue was full: raise max_queued_messages or slow the publishers)', {
        flowId: this.ctx.flowId, nodeId: this.ctx.node.id, brokerDropped: n - this.brokerDropped.first,
      });
      if (this.link && !this.stopping) this.showStatus(this.link.state);
    }
    return true;
  }

  /** a run of the window; a refused one (the store cannot write) is gone, as MQTT has no redelivery for it */
  private fire(msg: Message): ReturnType<NodeContext['fire']> | undefined {
    if (this.stopping) return undefined;
    const fired = this.ctx.fire(msg, { kind: 'event' });
    if (fired.refused) {
      this.holdBack();
      this.counted('failed');
    }
    return fired;
  }

  /** a drop is logged (at most every few seconds); the status shows the counts (refreshed every second while they change) */
  private counted(what?: 'dropped' | 'failed'): void {
    if (what === 'dropped' && Date.now() - this.lastDropLog > DROP_LOG_MS) {
      this.lastDropLog = Date.now();
      this.ctx.log.warn(`mqtt-in: queue full (${this.p.queueLimit}): messages dropped`, {
        flowId: this.ctx.flowId, nodeId: this.ctx.node.id, dropped: this.window.counts.dropped,
      });
    }
    if (this.statusTimer || this.stopping) return;
    this.statusTimer = setInterval(() => {
      const c = this.window.counts;
      const now = `${c.received}/${c.started}/${c.failed}/${c.dropped}/${c.queued}/${c.inFlight}`;
      if (now === this.shown) {
        // nothing moved: stop refreshing until the next message
        clearInterval(this.statusTimer);
        this.statusTimer = undefined;
        return;
      }
      this.shown = now;
      if (this.link && !this.stopping) this.showStatus(this.link.state);
    }, 250);
  }

  private receive(m: InboundMessage): boolean {
    if (this.stopping) return false;
    const { msg, error } = decodeMessage(m, this.p.format);
    if (error === undefined) {
      if (this.p.persistentSession && m.qos === 1) {
        // with a persistent session a QoS 1 message is acknowledged when this returns: only for a stored run, so it starts now
        this.window.counts.received++;
        const fired = this.ctx.fire(msg, { kind: 'event', recordStart: true });
        if (!fired.refused) return true;
        this.holdBack();
        return false;
      }
      // acknowledged now; the run starts when the window has room (the queue is in memory); a drop is counted
      this.window.offer(msg);
      this.counted();
      return true;
    }
    // a failed run shows what arrived; nothing is delivered, and the next messages go on
    this.invalid++;
    this.lastInvalid = error;
    this.ctx.log.warn('mqtt-in: payload is not valid JSON', { flowId: this.ctx.flowId, nodeId: this.ctx.node.id, topic: m.topic, error });
    this.ctx.fireFailed(msg, error, { kind: 'event' });
    if (this.link) this.showStatus(this.link.state);
    return true;
  }
}


/**
 * The `kafka` connection driver (kafkajs 2): one Kafka instance per profile and one shared
 * producer, connected on first use. Consumers and admins are made by the nodes that need
 * them (`client.kafka`), since each consumer belongs to one group.
 */
import kafkajs from 'kafkajs';
import type { Kafka, KafkaConfig, LogEntry, Producer, ProducerRecord, RecordMetadata, RetryOptions, SASLOptions } from 'kafkajs';
import type { ConnectionDriver, ConnectionProfileResolved } from '../../server/connections/driver-api.ts';
import type { Logger } from '../../core/logger.ts';
import { DEFAULT_TIMEOUT_MS } from '../../core/connection-types.ts';
import { errorMessage } from '../../core/guards.ts';

const { Kafka: KafkaClass, logLevel, Partitioners } = kafkajs;

export interface KafkaClient {
  kafka: Kafka;
  /** the profile's producer, shared by every kafka-out; connected on first use, again after a failed connect */
  producer(): Promise<Producer>;
  /**
   * Sends through the shared producer (connecting it when needed) and fails once `timeoutMs`
   * has passed without an answer: a broker that accepts connections and never answers must
   * fail the step within the profile's timeout, whatever kafkajs's own retries would wait.
   */
  send(record: ProducerRecord, signal?: AbortSignal): Promise<RecordMetadata[]>;
  /** kafkajs log lines (errors) go to `log` until the returned function is called */
  attachLog(log: Logger): () => void;
  /** the profile's time budget for connection problems, ms */
  timeoutMs: number;
  /**
   * Registers a consumer of `groupId` for `topics`; throws when the group is already consumed
   * through this connection for other topics (members of one group must subscribe alike, or
   * kafkajs's assigner hands them partitions they did not ask for). Returns the release.
   */
  claimGroup(groupId: string, topics: string[], owner: string): () => void;
  /** disconnects the shared producer (the driver's close; nodes release their lease instead) */
  close(): Promise<void>;
}

interface GroupClaim { topics: string; owners: string[] }

export const kafkaDriver: ConnectionDriver<KafkaClient> = {
  type: 'kafka',
  async open(profile) {
    const sinks = new Set<Logger>();
    const timeoutMs = profileTimeout(profile);
    let lastError: string | undefined;
    const kafka = new KafkaClass({
      ...kafkaConfig(profile, timeoutMs),
      logCreator: () => (entry) => {
        if (entry.level === logLevel.ERROR) lastError = String(entry.log.message);
        forwardLog(sinks, entry);
      },
    });
    let producer: Promise<Producer> | undefined;
    const groups = new Map<string, GroupClaim>();
    const brokers = brokersOf(profile).join(', ');
    const client: KafkaClient = {
      kafka,
      timeoutMs,
      claimGroup(groupId, topics, owner) {
        const key = [...new Set(topics)].sort().join(', ');
        const claim = groups.get(groupId);
        if (claim && claim.topics !== key) {
          throw new Error(`consumer group "${groupId}" is already consumed here by ${claim.owners.join(', ')} for ${claim.topics}; ` +
            `consumers of one group must read the same topics (${key} asked): use another groupId`);
        }
        const held = claim ?? { topics: key, owners: [] };
        held.owners.push(owner);
        groups.set(groupId, held);
        let released = false;
        return () => {
          if (released) return;
          released = true;
          held.owners.splice(held.owners.indexOf(owner), 1);
          if (held.owners.length === 0) groups.delete(groupId);
        };
      },
      producer() {
        if (!producer) {
          // not idempotent: kafkajs needs acks=-1 and one request in flight for that, and the
          // product is at-least-once anyway (a retried send may write a record twice)
          const p = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: false });
          producer = p.connect().then(
            () => p,
            (err: unknown) => {
              producer = undefined;
              throw err;
            },
          );
        }
        return producer;
      },
      send(record, signal) {
        lastError = undefined;
        // the broker's own wait for acknowledgements fits in the budget as well
        const work = client.producer().then((p) => p.send({ ...record, timeout: timeoutMs }));
        return withDeadline(work, timeoutMs, () => {
          const last = lastError ? ` (last error: ${lastError})` : '';
          return new Error(`no answer from ${brokers} within ${timeoutMs} ms${last}`);
        }, signal);
      },
      attachLog(log) {
        sinks.add(log);
        return () => void sinks.delete(log);
      },
      async close() {
        const connected = await producer?.catch(() => undefined);
        producer = undefined;
        await connected?.disconnect();
      },
    };
    return client;
  },
  close: (client) => client.close(),
  async test(profile, timeoutMs) {
    const budget = Math.min(timeoutMs, profileTimeout(profile));
    let lastError: string | undefined;
    // every request of the check must fit in the budget too, or disconnecting waits for it
    const kafka = new KafkaClass({
      ...kafkaConfig(profile, budget),
      requestTimeout: budget,
      logCreator: () => (entry) => void (lastError = String(entry.log.message)),
    });
    const admin = kafka.admin();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const last = lastError ? ` (last error: ${lastError})` : '';
        reject(new Error(`no answer from ${brokersOf(profile).join(', ')} within ${budget} ms${last}`));
      }, budget);
    });
    try {
      await Promise.race([
        (async () => {
          await admin.connect();
          await admin.describeCluster();
          // listing topics also proves the credentials may read metadata
          await admin.listTopics();
        })(),
        timeout,
      ]);
    } catch (err) {
      throw new Error(kafkaErrorMessage(err));
    } finally {
      clearTimeout(timer);
      // bounded: a hung broker must not hold the answer back
      await Promise.race([admin.disconnect().catch(() => undefined), new Promise((r) => setTimeout(r, 200).unref())]);
    }
  },
};

export default kafkaDriver;

/**
 * kafkajs settings of a profile; `timeoutMs` bounds connecting, each request and how long
 * connection errors are retried. (Fetch and JoinGroup requests extend their own timeout by
 * the wait they ask the broker for, so consumers are not cut short by this.)
 */
export function kafkaConfig(profile: ConnectionProfileResolved, timeoutMs = profileTimeout(profile)): KafkaConfig {
  const p = profile.params;
  const config: KafkaConfig = {
    brokers: brokersOf(profile),
    clientId: typeof p['clientId'] === 'string' && p['clientId'] ? p['clientId'] : 'tributary',
    connectionTimeout: Math.min(timeoutMs, 10_000),
    requestTimeout: timeoutMs,
    retry: retryWithin(timeoutMs),
    logLevel: logLevel.ERROR,
  };
  const ssl = sslOptions(p['ssl'], profile.secrets);
  if (ssl !== undefined) config.ssl = ssl;
  const sasl = saslOptions(p, profile.secrets);
  if (sasl) config.sasl = sasl;
  return config;
}

export function brokersOf(profile: ConnectionProfileResolved): string[] {
  const raw = profile.params['brokers'];
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [];
  const brokers = list.filter((b): b is string => typeof b === 'string').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) throw new Error(`connection "${profile.name}": brokers is empty (give host:port entries)`);
  return brokers;
}

/** The most telling message of a kafkajs error (retries wrap the cause, which names the broker problem). */
export function kafkaErrorMessage(err: unknown): string {
  let e: unknown = err;
  // KafkaJSNumberOfRetriesExceeded and friends keep the real error in `cause`
  while (e instanceof Error && e.cause instanceof Error && e.name !== 'KafkaJSProtocolError') e = e.cause;
  const message = errorMessage(e);
  return message || (err instanceof Error ? err.name : 'unknown Kafka error');
}

/** `work`, or a rejection with `timeout()` after `ms`, or when `signal` aborts (the run stopped). */
function withDeadline<T>(work: Promise<T>, ms: number, timeout: () => Error, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = (): void => finish(() => reject(new Error('cancelled: the run was stopped')));
    const timer = setTimeout(() => finish(() => reject(timeout())), ms);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then((v) => finish(() => resolve(v)), (err: unknown) => finish(() => reject(err)));
  });
}

function profileTimeout(profile: ConnectionProfileResolved): number {
  const t = Number(profile.params['timeoutMs']);
  return Number.isFinite(t) && t > 0 ? t : DEFAULT_TIMEOUT_MS;
}

/** Exponential retries (kafkajs doubles the wait) whose waits add up to at most `budgetMs`. */
export function retryWithin(budgetMs: number): RetryOptions {
  const initialRetryTime = Math.max(50, Math.min(300, Math.floor(budgetMs / 4)));
  let retries = 0;
  let spent = 0;
  for (let wait = initialRetryTime; retries < 5 && spent + wait <= budgetMs; wait *= 2) {
    spent += wait;
    retries++;
  }
  return { retries, initialRetryTime, maxRetryTime: Math.max(initialRetryTime, Math.min(30_000, budgetMs)) };
}

type TlsOptions = { ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean };

function sslOptions(ssl: unknown, secrets: Record<string, string>): boolean | TlsOptions | undefined {
  if (ssl === true) return true;
  if (ssl === null || typeof ssl !== 'object') return undefined;
  const s = ssl as Record<string, unknown>;
  const out: TlsOptions = {};
  if (typeof s['ca'] === 'string' && s['ca']) out.ca = s['ca'];
  if (typeof s['cert'] === 'string' && s['cert']) out.cert = s['cert'];
  const key = secrets['ssl.key'];
  if (key) out.key = key;
  if (s['rejectUnauthorized'] === false) out.rejectUnauthorized = false;
  return out;
}

function saslOptions(params: Record<string, unknown>, secrets: Record<string, string>): SASLOptions | undefined {
  const nested = params['sasl'];
  const sasl = nested !== null && typeof nested === 'object' ? (nested as Record<string, unknown>) : {};
  const mechanism = sasl['mechanism'] ?? params['sasl.mechanism'];
  if (mechanism === undefined || mechanism === null || mechanism === '') return undefined;
  const username = String(sasl['username'] ?? params['sasl.username'] ?? '');
  const password = secrets['sasl.password'] ?? '';
  switch (mechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
    default:
      throw new Error(`SASL mechanism "${String(mechanism)}" is not supported (use plain, scram-sha-256 or scram-sha-512)`);
  }
}

function forwardLog(sinks: Set<Logger>, entry: LogEntry): void {
  const [log] = sinks;
  if (!log) return;
  const { message, timestamp: _t, stack: _s, ...fields } = entry.log;
  const text = `kafka ${entry.namespace}: ${String(message)}`;
  const extra = fields as Record<string, unknown>;
  if (entry.level === logLevel.ERROR) log.error(text, extra);
  else if (entry.level === logLevel.WARN) log.warn(text, extra);
  else if (entry.level === logLevel.INFO) log.info(text, extra);
  else log.debug(text, extra);
}

/** kafka-in params with their defaults, read once when the flow starts. */
import { FORMATS, PARSE_ERROR_POLICIES, type Format } from './spec.ts';

export interface KafkaInParams {
  connection: string;
  topics: string[];
  groupId: string;
  fromBeginning: boolean;
  format: Format;
  onParseError: (typeof PARSE_ERROR_POLICIES)[number];
  /** 0: no limit */
  maxAttempts: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  concurrency: number;
  sessionTimeoutMs: number;
}

export function readParams(p: Record<string, unknown>): KafkaInParams {
  const connection = p['connection'];
  const groupId = p['groupId'];
  const topics = Array.isArray(p['topics']) ? p['topics'].filter((t): t is string => typeof t === 'string' && t !== '') : [];
  if (typeof connection !== 'string' || !connection) throw new Error('connection is required');
  if (typeof groupId !== 'string' || !groupId) throw new Error('groupId (consumer group) is required');
  if (topics.length === 0) throw new Error('topics needs at least one topic');
  const first = int(p['retryBackoffMs'], 1000, 10);
  return {
    connection,
    topics: [...new Set(topics)],
    groupId,
    fromBeginning: p['fromBeginning'] === true,
    format: (FORMATS as readonly unknown[]).includes(p['format']) ? (p['format'] as Format) : 'json',
    onParseError: p['onParseError'] === 'skip' ? 'skip' : 'stop',
    maxAttempts: int(p['maxAttempts'], 0, 0),
    retryBackoffMs: first,
    retryBackoffMaxMs: Math.max(first, int(p['retryBackoffMaxMs'], 30_000, 10)),
    concurrency: Math.min(64, int(p['concurrency'], 1, 1)),
    sessionTimeoutMs: int(p['sessionTimeoutMs'], 30_000, 6000),
  };
}

function int(v: unknown, dflt: number, min: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isInteger(n) ? Math.max(min, n) : dflt;
}

/** Run and step queries, retention pruning; writes go through RunWriter (the engine port). */
import type { RunStatus, RunTrigger, StepStatus, TraceTruncation } from '../../core/flow-types.ts';
import type { EngineStorePort } from '../engine/store-port.ts';
import type Database from 'better-sqlite3';
import type { Db } from './db.ts';
import { ValidationError } from './errors.ts';
import type { FlushResult, RunWriter } from './run-writer.ts';
import type { StorageHealth } from './storage-health.ts';
import { fromJson } from './util.ts';

/** A run as the API shows it (SPEC §6). `endedAt` is null while running. */
export interface RunSummary {
  id: string;
  flowId: string;
  flowVersion: number;
  trigger: RunTrigger;
  status: RunStatus;
  startedAt: string;
  endedAt: string | null;
  error?: string;
  /** present when the trace hit its caps and steps were left out */
  traceTruncated?: TraceTruncation;
}

export interface StepView {
  nodeId: string;
  iteration?: number;
  status: StepStatus;
  startedAt: string;
  endedAt: string | null;
  /** null when the step recorded none */
  input: unknown;
  output: unknown;
  error?: string;
  params?: unknown;
  iterationPath?: number[];
  attempts?: number;
  logs?: string[];
}

export interface RunDetail extends RunSummary { steps: StepView[] }

export interface RunListQuery {
  flowId?: string;
  status?: string;
  /** default 50, at most 500 */
  limit?: number;
  /** ISO time: only runs that started before it (cursor: pass the last row's startedAt) */
  before?: string;
  /** tie-breaker with `before`: also include runs at exactly `before` whose id sorts before this */
  beforeId?: string;
}

/** the newest `maxRuns` runs of a class per flow are kept, and none older than `maxAgeDays` */
export interface ClassLimits { maxRuns: number; maxAgeDays: number }
/** limits by outcome (core's RetentionSettings, every field set) */
export interface RetentionPolicy { succeeded: ClassLimits; failed: ClassLimits }
export interface PruneResult { deleted: number; succeeded: number; failed: number }

/** the statuses of the `succeeded` class; every other finished status (failed, dead-lettered, …) is `failed` */
export const SUCCEEDED_CLASS = ['succeeded', 'skipped', 'cancelled'] as const;

export interface RunsRepo extends EngineStorePort {
  flush(): FlushResult;
  list(query?: RunListQuery): RunSummary[];
  get(id: string): RunDetail | undefined;
  /**
   * delete runs (and their steps) beyond the newest N of their class per flow or older than the
   * class's age; never running ones. `policy` is one for every flow, or a flow's own.
   */
  prune(policy: RetentionPolicy | ((flowId: string) => RetentionPolicy), now?: Date): PruneResult;
  /** at startup: runs left `running` by a previous process become `failed`; returns how many */
  markInterrupted(now?: Date): number;
}

interface RunDbRow {
  id: string; flow_id: string; flow_version: number; trigger: string; status: RunStatus;
  started_at: string; ended_at: string | null; error: string | null; trace_truncated: string | null;
}
interface StepDbRow {
  node_id: string; iteration: number | null; status: StepStatus; started_at: string;
  ended_at: string | null; data: string;
}
interface StepData {
  input?: unknown; output?: unknown; error?: string; params?: unknown; iterationPath?: number[]; attempts?: number; logs?: string[];
}

export const MAX_LIST_LIMIT = 500;
export const DEFAULT_LIST_LIMIT = 50;
const PRUNE_CHUNK = 500;
const RUN_SELECT = 'SELECT id, flow_id, flow_version, "trigger", status, started_at, ended_at, error, trace_truncated FROM runs';

function toSummary(r: RunDbRow): RunSummary {
  const out: RunSummary = {
    id: r.id, flowId: r.flow_id, flowVersion: r.flow_version, trigger: fromJson<RunTrigger>(r.trigger),
    status: r.status, startedAt: r.started_at, endedAt: r.ended_at,
  };
  if (r.error !== null) out.error = r.error;
  if (r.trace_truncated !== null) out.traceTruncated = fromJson<TraceTruncation>(r.trace_truncated);
  return out;
}

function toStep(r: StepDbRow): StepView {
  const d = fromJson<StepData>(r.data);
  const step: StepView = { nodeId: r.node_id, status: r.status, startedAt: r.started_at, endedAt: r.ended_at, input: null, output: null };
  if (r.iteration !== null) step.iteration = r.iteration;
  step.input = d.input ?? null;
  step.output = d.output ?? null;
  if (d.error !== undefined) step.error = d.error;
  if (d.params !== undefined) step.params = d.params;
  if (d.iterationPath !== undefined) step.iterationPath = d.iterationPath;
  if (d.attempts !== undefined) step.attempts = d.attempts;
  if (d.logs !== undefined) step.logs = d.logs;
  return step;
}

function isoOrThrow(value: string, path: string): string {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new ValidationError(`${path} is not a date`, [{ path, message: 'must be an ISO date' }], 'INVALID_INPUT', { field: path });
  return new Date(t).toISOString();
}

export function createRunsRepo(db: Db, writer: RunWriter, health: StorageHealth): RunsRepo {
  const byId = db.prepare<[string], RunDbRow>(`${RUN_SELECT} WHERE id = ?`);
  const stepsOf = db.prepare<[string], StepDbRow>(
    'SELECT node_id, iteration, status, started_at, ended_at, data FROM steps WHERE run_id = ? ORDER BY seq',
  );
  const flowIds = db.prepare<[], string>('SELECT DISTINCT flow_id FROM runs').pluck();
  const IN_SUCCEEDED = `status IN (${SUCCEEDED_CLASS.map((st) => `'${st}'`).join(', ')})`;
  const IN_FAILED = `status NOT IN (${[...SUCCEEDED_CLASS, 'running'].map((st) => `'${st}'`).join(', ')})`;
  const classes = (['succeeded', 'failed'] as const).map((name) => {
    const where = name === 'succeeded' ? IN_SUCCEEDED : IN_FAILED;
    return {
      name,
      cutoff: db.prepare<[string, number], string>(
        `SELECT started_at FROM runs WHERE flow_id = ? AND ${where} ORDER BY started_at DESC LIMIT 1 OFFSET ?`,
      ).pluck(),
      deleteOlder: db.prepare<[string, string, number]>(
        `DELETE FROM runs WHERE id IN (SELECT id FROM runs WHERE flow_id = ? AND started_at < ? AND ${where} LIMIT ?)`,
      ),
    };
  });
  const interrupt = db.prepare<[string]>(
    `UPDATE runs SET status = 'failed', ended_at = ?, error = 'interrupted: the server stopped before the run ended'
     WHERE status = 'running'`,
  );
  const listStatements = new Map<string, Database.Statement<unknown[], RunDbRow>>();

  /** deletes in short transactions so the engine's writes are not held up for long */
  const deleteChunked = (run: () => number): number => {
    let total = 0;
    for (;;) {
      const n = run();
      total += n;
      if (n < PRUNE_CHUNK) return total;
    }
  };

  return {
    runStarted: (run, written) => writer.runStarted(run, written),
    runStartedNow: (run) => writer.runStartedNow(run),
    runFinished: (run, steps, state, written) => writer.runFinished(run, steps, state, written),
    commitState: (state, written) => writer.commitState(state, written),
    loadNodeState: (flowId, nodeId) => writer.loadNodeState(flowId, nodeId),
    flush: () => writer.flush(),
    storageProblem: () => health.problem(),
    watchStorage: (listener) => health.watch(() => listener()),

    list: (query = {}) => {
      writer.flush();
      const where: string[] = [];
      const args: unknown[] = [];
      if (query.flowId !== undefined) {
        where.push('flow_id = ?');
        args.push(query.flowId);
      }
      if (query.status !== undefined) {
        where.push('status = ?');
        args.push(query.status);
      }
      if (query.before !== undefined) {
        const before = isoOrThrow(query.before, 'before');
        if (query.beforeId !== undefined) {
          where.push('(started_at < ? OR (started_at = ? AND id < ?))');
          args.push(before, before, query.beforeId);
        } else {
          where.push('started_at < ?');
          args.push(before);
        }
      }
      const rawLimit = query.limit ?? DEFAULT_LIST_LIMIT;
      const limit = Number.isFinite(rawLimit) ? Math.min(MAX_LIST_LIMIT, Math.max(1, Math.trunc(rawLimit))) : DEFAULT_LIST_LIMIT;
      args.push(limit);
      const sql = `${RUN_SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id DESC LIMIT ?`;
      let stmt = listStatements.get(sql);
      if (!stmt) listStatements.set(sql, (stmt = db.prepare<unknown[], RunDbRow>(sql)));
      return stmt.all(...args).map(toSummary);
    },

    get: (id) => {
      writer.flush();
      const row = byId.get(id);
      if (!row) return undefined;
      return { ...toSummary(row), steps: stepsOf.all(id).map(toStep) };
    },

    prune: (policy, now = new Date()) => {
      writer.flush();
      const result = { deleted: 0, succeeded: 0, failed: 0 };
      // per flow and class, so each rule walks the (flow_id, started_at) index
      for (const flowId of flowIds.all()) {
        const limits = typeof policy === 'function' ? policy(flowId) : policy;
        for (const cls of classes) {
          const { maxRuns, maxAgeDays } = limits[cls.name];
          let limit = maxAgeDays > 0 ? new Date(now.getTime() - maxAgeDays * 86_400_000).toISOString() : undefined;
          if (maxRuns > 0) {
            const oldestKept = cls.cutoff.get(flowId, maxRuns - 1);
            if (oldestKept !== undefined && (limit === undefined || oldestKept > limit)) limit = oldestKept;
          }
          if (limit === undefined) continue;
          const before = limit;
          const n = deleteChunked(() => cls.deleteOlder.run(flowId, before, PRUNE_CHUNK).changes);
          result[cls.name] += n;
          result.deleted += n;
        }
      }
      return result;
    },

    markInterrupted: (now = new Date()) => {
      writer.flush();
      return interrupt.run(now.toISOString()).changes;
    },
  };
}


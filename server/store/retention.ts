/**
 * Trace retention: prune old runs periodically. Failed runs are kept longer than successful ones
 * (separate count and age limits per class, see runs.ts SUCCEEDED_CLASS), so a stream of good
 * runs never pushes out the failures someone still has to look at. A flow's
 * `settings.retention` overrides the server's policy field by field.
 */
import type { RetentionSettings } from '../../core/flow-types.ts';
import type { ClassLimits, RetentionPolicy, PruneResult } from './runs.ts';
import type { SettingsRepo } from './settings.ts';
import type { Store } from './store.ts';

export const DEFAULT_RETENTION: RetentionPolicy = {
  succeeded: { maxRuns: 1000, maxAgeDays: 30 },
  failed: { maxRuns: 10_000, maxAgeDays: 90 },
};
/**
 * settings key; value in the shape of `settings.retention` (RetentionSettings); the older
 * `{"maxRunsPerFlow"?, "maxAgeDays"?}` is read as the succeeded class's limits
 */
export const RETENTION_SETTING = 'retention';

const positive = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);

function mergeLimits(base: ClassLimits, over: unknown): ClassLimits {
  const o = typeof over === 'object' && over !== null ? (over as Record<string, unknown>) : {};
  return {
    maxRuns: Math.trunc(positive(o['maxRuns']) ?? base.maxRuns),
    maxAgeDays: positive(o['maxAgeDays']) ?? base.maxAgeDays,
  };
}

/** `base` with the positive numbers of `over` in place of its own, field by field */
export function mergeRetention(base: RetentionPolicy, over: RetentionSettings | undefined): RetentionPolicy {
  return { succeeded: mergeLimits(base.succeeded, over?.succeeded), failed: mergeLimits(base.failed, over?.failed) };
}

/** the server's policy: the defaults, overridden by the `retention` setting */
export function retentionPolicy(settings: SettingsRepo, defaults: RetentionPolicy = DEFAULT_RETENTION): RetentionPolicy {
  const raw = settings.get(RETENTION_SETTING);
  const o = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const legacy = { maxRuns: o['maxRunsPerFlow'], maxAgeDays: o['maxAgeDays'] };
  return mergeRetention(mergeRetention(defaults, { succeeded: legacy as RetentionSettings['succeeded'] }), o as RetentionSettings);
}

export interface RetentionTimer {
  /** prune now with the current policy */
  runNow(): PruneResult;
  stop(): void;
}

export interface RetentionOptions {
  /** default 10 minutes */
  intervalMs?: number;
  /** the server's defaults (DEFAULT_RETENTION with TRIBUTARY_RETENTION over it) */
  defaults?: RetentionPolicy;
  onPrune?: (result: PruneResult, policy: RetentionPolicy) => void;
  onError?: (err: unknown) => void;
}

/**
 * Prunes once at start and then every `intervalMs` (expired sessions go too, when the store
 * has them); the timer never keeps the process alive.
 */
export function startRetention(
  store: Pick<Store, 'runs' | 'settings'> & Partial<Pick<Store, 'sessions' | 'flows'>>, options: RetentionOptions = {},
): RetentionTimer {
  const runNow = (): PruneResult => {
    const policy = retentionPolicy(store.settings, options.defaults);
    // runs of a deleted flow keep the server's policy
    const result = store.runs.prune((flowId) => mergeRetention(policy, store.flows?.get(flowId)?.doc.settings?.retention));
    store.sessions?.deleteExpired(new Date().toISOString());
    options.onPrune?.(result, policy);
    return result;
  };
  const tick = (): void => {
    try {
      runNow();
    } catch (err) {
      (options.onError ?? ((e) => console.error('retention: prune failed', e)))(err);
    }
  };
  const first = setTimeout(tick, 0);
  first.unref();
  const timer = setInterval(tick, options.intervalMs ?? 600_000);
  timer.unref();
  return {
    runNow,
    stop: () => {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}

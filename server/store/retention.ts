/** Trace retention: prune old runs periodically, policy from the `retention` setting. */
import type { RetentionPolicy, PruneResult } from './runs.ts';
import type { SettingsRepo } from './settings.ts';
import type { Store } from './store.ts';

export const DEFAULT_RETENTION: RetentionPolicy = { maxRunsPerFlow: 1000, maxAgeDays: 30 };
/** settings key; value `{"maxRunsPerFlow"?: number, "maxAgeDays"?: number}` */
export const RETENTION_SETTING = 'retention';

const positive = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);

/** the defaults, overridden by positive numbers in the `retention` setting */
export function retentionPolicy(settings: SettingsRepo, defaults: RetentionPolicy = DEFAULT_RETENTION): RetentionPolicy {
  const raw = settings.get(RETENTION_SETTING);
  const o = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  return {
    maxRunsPerFlow: Math.trunc(positive(o.maxRunsPerFlow) ?? defaults.maxRunsPerFlow),
    maxAgeDays: positive(o.maxAgeDays) ?? defaults.maxAgeDays,
  };
}

export interface RetentionTimer {
  /** prune now with the current policy */
  runNow(): PruneResult;
  stop(): void;
}

export interface RetentionOptions {
  /** default 10 minutes */
  intervalMs?: number;
  defaults?: RetentionPolicy;
  onPrune?: (result: PruneResult, policy: RetentionPolicy) => void;
  onError?: (err: unknown) => void;
}

/**
 * Prunes once at start and then every `intervalMs` (expired sessions go too, when the store
 * has them); the timer never keeps the process alive.
 */
export function startRetention(
  store: Pick<Store, 'runs' | 'settings'> & Partial<Pick<Store, 'sessions'>>, options: RetentionOptions = {},
): RetentionTimer {
  const runNow = (): PruneResult => {
    const policy = retentionPolicy(store.settings, options.defaults);
    const result = store.runs.prune(policy);
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

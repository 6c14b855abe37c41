/** Fires runs on the timer's schedule (schedule.ts); serial mode skips a tick while the last run is running. */
import type { NodeRuntime } from '../../server/engine/node-api.ts';
import type { TimerParams } from './spec.ts';
import { timerSchedule } from './schedule.ts';

/** setTimeout's limit; a later firing is reached in steps */
const MAX_DELAY = 2 ** 31 - 1;

export const timerRuntime: NodeRuntime<TimerParams> = {
  type: 'timer',
  create(ctx) {
    const params = ctx.params;
    const serial = params.taskMode === 'serial';
    let timer: NodeJS.Timeout | undefined;
    const fire = (kind: 'schedule' | 'manual', payload?: unknown) =>
      ctx.fire({ payload: payload ?? { firedAt: new Date().toISOString() } }, { kind, skipIfRunning: serial && kind === 'schedule' });
    return {
      start() {
        const schedule = timerSchedule(params, new Date());
        const arm = (after: Date): void => {
          const next = schedule.next(after);
          ctx.setStatus({ state: 'ok', text: next ? `next ${next.toISOString()}` : 'no next run', next: next?.toISOString() });
          if (!next) return;
          const wait = (): void => {
            const left = next.getTime() - Date.now();
            if (left > MAX_DELAY) {
              timer = setTimeout(wait, MAX_DELAY);
              return;
            }
            timer = setTimeout(() => {
              // the slot, not the clock: a timer that wakes a little late must not skip or repeat one
              arm(new Date(Math.max(next.getTime(), Date.now() - 1)));
              fire('schedule');
            }, Math.max(0, left));
          };
          wait();
        };
        arm(new Date());
        if (params.runImmediately) fire('schedule');
      },
      stop() {
        clearTimeout(timer);
        timer = undefined;
      },
      trigger(payload, hasPayload) {
        return fire('manual', hasPayload ? payload : undefined);
      },
    };
  },
};

export default timerRuntime;

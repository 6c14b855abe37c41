/** Fires runs on a schedule (croner); serial mode skips a tick while the last run is running. */
import { Cron } from 'croner';
import type { NodeRuntime } from '../../server/engine/node-api.ts';
import { scheduleToCron, type TimerParams } from './spec.ts';

export const timerRuntime: NodeRuntime<TimerParams> = {
  type: 'timer',
  create(ctx) {
    const params = ctx.params;
    const pattern = scheduleToCron(params);
    const timezone = params.timezone;
    const serial = params.taskMode === 'serial';
    let job: Cron | undefined;
    const fire = (kind: 'schedule' | 'manual', payload?: unknown) =>
      ctx.fire({ payload: payload ?? { firedAt: new Date().toISOString() } }, { kind, skipIfRunning: serial && kind === 'schedule' });
    return {
      start() {
        job = new Cron(pattern, { timezone: timezone === 'GMT' ? 'Etc/GMT' : timezone, protect: false }, () => {
          fire('schedule');
        });
        const next = job.nextRun();
        ctx.setStatus({ state: 'ok', text: next ? `next ${next.toISOString()}` : 'no next run', next: next?.toISOString() });
        if (params.runImmediately) fire('schedule');
      },
      stop() {
        job?.stop();
        job = undefined;
      },
      trigger(payload, hasPayload) {
        return fire('manual', hasPayload ? payload : undefined);
      },
    };
  },
};

export default timerRuntime;

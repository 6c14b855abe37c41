/** The runs a user may read (SPEC §6): what was written is flushed first, a missing run is NotFoundError. */
import { NotFoundError } from '../../core/errors.ts';
import type { RunDetail, RunListQuery, RunsRepo, RunSummary } from '../store/runs.ts';

export class RunHistory {
  constructor(private readonly runs: Pick<RunsRepo, 'flush' | 'list' | 'get'>) {}

  list(query: RunListQuery): RunSummary[] {
    this.runs.flush();
    return this.runs.list(query);
  }

  get(id: string): RunDetail {
    this.runs.flush();
    const run = this.runs.get(id);
    if (!run) throw new NotFoundError('run', id);
    return run;
  }
}

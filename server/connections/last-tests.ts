/**
 * The last result of each saved connection's test, for the connections list. Kept in memory
 * (a restart forgets it: it says how the target answered then, not a stored fact) and dropped
 * when the profile changes, since it no longer describes the profile as it is.
 */
import type { ConnectionTestSummary } from '../../core/connection-types.ts';
import type { ConnectionTestResult } from './test-connection.ts';

export class LastTests {
  private readonly results = new Map<string, ConnectionTestSummary>();

  record(id: string, result: ConnectionTestResult, at = new Date()): void {
    this.results.set(id, { ...result, at: at.toISOString() });
  }

  get(id: string): ConnectionTestSummary | undefined {
    return this.results.get(id);
  }

  forget(id: string): void {
    this.results.delete(id);
  }
}

/**
 * What the API does with connection profiles (SPEC §7–§8), in one service: CRUD with
 * write-only secrets, tests, schema pickers. Decides not-found (NotFoundError), refuses to
 * delete a profile flows use (CONNECTION_IN_USE), and reports a database that cannot answer a
 * schema picker as CONNECTION_FAILED (502) — the driver's text, for the editor's user.
 */
import { AppError, ConflictError, NotFoundError, UnavailableError } from '../../core/errors.ts';
import { errorMessage } from '../../core/guards.ts';
import type { ConnectionView } from '../../core/connection-types.ts';
import type { ColumnInfo, ConnectionDriver } from './driver-api.ts';
import { noSchema } from './lazy-driver.ts';
import type { ConnectionPool } from './pool.ts';
import type { ConnectionService } from './service.ts';
import type { ConnectionTestResult } from './test-connection.ts';
import { LastTests } from './last-tests.ts';

/** which flows use a connection */
export type ConnectionUsers = (connectionId: string) => { flowId: string; name: string }[];

export class ConnectionAdmin {
  private readonly lastTests = new LastTests();

  constructor(
    private readonly service: ConnectionService,
    private readonly pool: Pick<ConnectionPool, 'tables' | 'columns'>,
    private readonly drivers: ReadonlyMap<string, ConnectionDriver>,
    private readonly usersOf: ConnectionUsers,
  ) {
    service.onChange((id) => this.lastTests.forget(id));
  }

  /** each with its last test result, when it was tested since the server started */
  list(filter: { environment?: string; type?: string }): ConnectionView[] {
    return this.service.list(filter).map((v) => this.withLastTest(v));
  }

  /** the profile and the flows that use it */
  get(id: string): ConnectionView & { usedBy: { flowId: string; name: string }[] } {
    return { ...this.withLastTest(this.require(id)), usedBy: this.usersOf(id) };
  }

  create(input: unknown): ConnectionView {
    return this.service.create(input);
  }

  update(id: string, input: unknown): ConnectionView {
    const view = this.service.update(id, input);
    if (!view) throw new NotFoundError('connection', id);
    return view;
  }

  delete(id: string): void {
    this.require(id);
    const users = this.usersOf(id);
    if (users.length > 0) {
      const flows = users.map((u) => `"${u.name}" (${u.flowId})`).join(', ');
      throw new ConflictError('CONNECTION_IN_USE', `connection is used by ${flows}; change those flows first`, { flows });
    }
    this.service.delete(id);
  }

  /** an unsaved profile: `{ok:false,error}` also for an invalid one (SPEC §7) */
  testUnsaved(input: unknown): Promise<ConnectionTestResult> {
    return this.service.test(input ?? {}, this.drivers);
  }

  async testSaved(id: string): Promise<ConnectionTestResult> {
    const tested = this.require(id).updatedAt;
    const result = await this.service.test(id, this.drivers);
    // a profile edited while the test ran: the result describes the old one
    if (this.service.get(id)?.updatedAt === tested) this.lastTests.record(id, result);
    return result;
  }

  tables(id: string): Promise<string[]> {
    this.requireDatabase(id, 'tables');
    return this.schemaCall(id, () => this.pool.tables(id));
  }

  columns(id: string, table: string): Promise<ColumnInfo[]> {
    this.requireDatabase(id, 'columns');
    return this.schemaCall(id, () => this.pool.columns(id, table));
  }

  private withLastTest(view: ConnectionView): ConnectionView {
    const last = this.lastTests.get(view.id);
    return last ? { ...view, lastTest: last } : view;
  }

  private require(id: string): ConnectionView {
    const view = this.service.get(id);
    if (!view) throw new NotFoundError('connection', id);
    return view;
  }

  /** refused before connecting: an MQTT broker that is down must not turn "no tables here" into a 502 */
  private requireDatabase(id: string, what: 'tables' | 'columns'): void {
    const view = this.require(id);
    if (!this.service.typeDef(view.type)?.database) throw noSchema(view.type, what);
  }

  /** our own refusals (no tables for this type) as they are; the database's failures as 502 */
  private async schemaCall<T>(connectionId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new UnavailableError('CONNECTION_FAILED', errorMessage(err), { connectionId }, { cause: err });
    }
  }
}

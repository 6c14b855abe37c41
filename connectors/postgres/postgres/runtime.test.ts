/** The postgres node against the real PostgreSQL (database `test`). */
import type { Pool } from 'pg';
import { postgresDriver } from '../driver.ts';
import type { ConnectionDriver } from '../../../server/connections/driver-api.ts';
import { runtimeSuite } from '../../sql/runtime-suite.test-support.ts';
import { LOCAL_POSTGRES } from '../../sql/sql.test-support.ts';
import { postgresExecutor } from './executor.ts';
import { postgresRuntime } from './runtime.ts';
import { postgresSpec } from './spec.ts';

runtimeSuite({
  runtime: postgresRuntime,
  spec: postgresSpec,
  driver: postgresDriver as ConnectionDriver<unknown>,
  profile: LOCAL_POSTGRES,
  executor: (client) => postgresExecutor(client as Pool),
  prefix: `trib_pgrt_${process.pid}`,
  ddl: {
    incremental: (t) => `CREATE TABLE ${t} (id INT PRIMARY KEY, updated_at TIMESTAMPTZ(6) NOT NULL, v VARCHAR(20))`,
    types: (t) =>
      `CREATE TABLE ${t} (id INT PRIMARY KEY, big BIGINT, amount NUMERIC(30,10), dt TIMESTAMP(3), ts TIMESTAMPTZ(3),
        d DATE, bin BYTEA, txt VARCHAR(200), flag SMALLINT, dbl DOUBLE PRECISION)`,
  },
  series: (n) => `SELECT n FROM generate_series(1, ${n}) AS n`,
  badLogin: { ...LOCAL_POSTGRES, id: 'c_bad', name: 'bad login', params: { ...LOCAL_POSTGRES.params, user: 'no_such_role_x' } },
  missingTable: /relation ".*" does not exist/,
});

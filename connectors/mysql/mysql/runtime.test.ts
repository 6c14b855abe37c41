/** The mysql node against the real MariaDB (database `test`). */
import { mysqlDriver } from '../driver.ts';
import type { ConnectionDriver } from '../../../server/connections/driver-api.ts';
import { runtimeSuite } from '../../sql/runtime-suite.test-support.ts';
import { LOCAL_MYSQL } from '../../sql/sql.test-support.ts';
import { mysqlExecutor } from './executor.ts';
import { mysqlRuntime } from './runtime.ts';
import { mysqlSpec } from './spec.ts';
import type { Pool } from 'mysql2/promise';

runtimeSuite({
  runtime: mysqlRuntime,
  spec: mysqlSpec,
  driver: mysqlDriver as ConnectionDriver<unknown>,
  profile: LOCAL_MYSQL,
  executor: (client) => mysqlExecutor(client as Pool),
  prefix: `trib_myrt_${process.pid}`,
  ddl: {
    incremental: (t) => `CREATE TABLE ${t} (id INT PRIMARY KEY, updated_at DATETIME(6) NOT NULL, v VARCHAR(20))`,
    types: (t) =>
      `CREATE TABLE ${t} (id INT PRIMARY KEY, big BIGINT NULL, amount DECIMAL(30,10) NULL, dt DATETIME(3) NULL,
        ts TIMESTAMP(3) NULL DEFAULT NULL, d DATE NULL, bin BLOB NULL, txt VARCHAR(200) CHARACTER SET utf8mb4 NULL,
        flag TINYINT(1) NULL, dbl DOUBLE NULL)`,
  },
  // MariaDB's sequence engine
  series: (n) => `SELECT seq AS n FROM seq_1_to_${n}`,
  badLogin: { ...LOCAL_MYSQL, id: 'c_bad', name: 'bad login', params: { ...LOCAL_MYSQL.params, user: 'no_such_user_x' }, secrets: { password: 'wrong' } },
  missingTable: /Table '.*' doesn't exist/,
});

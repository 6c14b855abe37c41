/** The `mysql` node runtime (MySQL and MariaDB). */
import type { Pool } from 'mysql2/promise';
import { sqlRuntime } from '../../sql/runtime-base.ts';
import { mysqlDialect } from './dialect.ts';
import { mysqlExecutor } from './executor.ts';

export const mysqlRuntime = sqlRuntime<Pool>({ type: 'mysql', dialect: mysqlDialect, executor: mysqlExecutor });

export default mysqlRuntime;

/** The `postgres` node runtime. */
import type { Pool } from 'pg';
import { sqlRuntime } from '../../sql/runtime-base.ts';
import { postgresDialect } from './dialect.ts';
import { postgresExecutor } from './executor.ts';

export const postgresRuntime = sqlRuntime<Pool>({ type: 'postgres', dialect: postgresDialect, executor: postgresExecutor });

export default postgresRuntime;

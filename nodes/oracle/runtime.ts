/** The `oracle` node runtime (node-oracledb Thin mode). */
import type { OraclePool } from '../../server/connections/drivers/oracle.ts';
import { sqlRuntime } from '../_sql/runtime-base.ts';
import { oracleDialect } from './dialect.ts';
import { oracleExecutor } from './executor.ts';

export const oracleRuntime = sqlRuntime<OraclePool>({ type: 'oracle', dialect: oracleDialect, executor: oracleExecutor });

export default oracleRuntime;

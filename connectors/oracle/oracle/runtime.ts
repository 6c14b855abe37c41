/** The `oracle` node runtime (node-oracledb Thin mode). */
import type { OraclePool } from '../driver.ts';
import { sqlRuntime } from '../../sql/runtime-base.ts';
import { oracleDialect } from './dialect.ts';
import { oracleExecutor } from './executor.ts';

export const oracleRuntime = sqlRuntime<OraclePool>({ type: 'oracle', dialect: oracleDialect, executor: oracleExecutor });

export default oracleRuntime;

/** The `postgres` node type: get, add, upsert, update, delete records or run SQL. */
import type { NodeSpec } from '../../../core/node-spec.ts';
import { POSTGRES_FLAVOR } from '../../sql/lexicons.ts';
import { sqlNodeSpec } from '../../sql/spec-base.ts';

export const postgresSpec: NodeSpec = sqlNodeSpec({
  type: 'postgres',
  label: 'PostgreSQL',
  description: 'Read from or write to a PostgreSQL table, or run a SQL statement.',
  color: '#336791',
  flavor: POSTGRES_FLAVOR,
});

export default postgresSpec;

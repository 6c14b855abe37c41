/** The `mysql` node type (MySQL and MariaDB): get, add, upsert, update, delete records or run SQL. */
import type { NodeSpec } from '../../../core/node-spec.ts';
import { MYSQL_FLAVOR } from '../../sql/lexicons.ts';
import { sqlNodeSpec } from '../../sql/spec-base.ts';

export const mysqlSpec: NodeSpec = sqlNodeSpec({
  type: 'mysql',
  label: 'MySQL',
  description: 'Read from or write to a MySQL or MariaDB table, or run a SQL statement.',
  color: '#00758f',
  flavor: MYSQL_FLAVOR,
});

export default mysqlSpec;

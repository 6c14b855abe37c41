/** The `mysql` node type (MySQL and MariaDB): get, add, upsert, update, delete records or run SQL. */
import type { NodeDefinition, NodeSpec } from '../../../core/node-spec.ts';
import { MYSQL_FLAVOR } from '../../sql/lexicons.ts';
import { sqlNode } from '../../sql/spec-base.ts';

export const mysqlNode: NodeDefinition = sqlNode({
  type: 'mysql',
  label: 'MySQL',
  description: 'Read from or write to a MySQL or MariaDB table, or run a SQL statement.',
  color: '#00758f',
  flavor: MYSQL_FLAVOR,
});

export const mysqlSpec: NodeSpec = mysqlNode.spec;

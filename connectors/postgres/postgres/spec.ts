/** The `postgres` node type: get, add, upsert, update, delete records or run SQL. */
import type { NodeDefinition, NodeSpec } from '../../../core/node-spec.ts';
import { POSTGRES_FLAVOR } from '../../sql/lexicons.ts';
import { sqlNode } from '../../sql/spec-base.ts';

export const postgresNode: NodeDefinition = sqlNode({
  type: 'postgres',
  label: 'PostgreSQL',
  description: 'Read from or write to a PostgreSQL table, or run a SQL statement.',
  color: '#336791',
  flavor: POSTGRES_FLAVOR,
});

export const postgresSpec: NodeSpec = postgresNode.spec;

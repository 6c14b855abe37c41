/** The `oracle` node type: get, add, upsert, update, delete records or run SQL (Oracle 12c+). */
import type { NodeDefinition, NodeSpec } from '../../../core/node-spec.ts';
import { ORACLE_FLAVOR } from '../../sql/lexicons.ts';
import { sqlNode } from '../../sql/spec-base.ts';

export const oracleNode: NodeDefinition = sqlNode({
  type: 'oracle',
  label: 'Oracle',
  description: 'Read from or write to an Oracle table, or run a SQL statement (Oracle 12c or later).',
  color: '#c74634',
  flavor: ORACLE_FLAVOR,
});

export const oracleSpec: NodeSpec = oracleNode.spec;

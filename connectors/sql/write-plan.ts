/** What a write produces and the one plan per action, shared by the plain and the resilient write paths. */
import { planDelete, planInsert, planUpdate, planUpsert, type Row } from './build-write.ts';
import type { BatchPlan, Dialect } from './dialect.ts';
import type { SqlParams } from './params.ts';

export interface WriteResult {
  /** rows taken from the payload */
  rows: number;
  /** as the database counts them (MySQL counts an upsert that updates as 2) */
  affectedRows: number;
  /** round trips */
  batches: number;
  /** records put in the dead-letter table (only with `deadLetter`) */
  deadLettered?: number;
}

/** where a write comes from, for dead letters */
export interface WriteOrigin {
  flowId: string;
  nodeId: string;
}

/** one row to write: the row, the payload element it was made from, and the path naming it */
export interface WriteEntry {
  row: Row;
  item: unknown;
  path: string;
}

export function planFor(d: Dialect, p: SqlParams, rows: Row[]): BatchPlan[] {
  const table = p.table!;
  switch (p.action) {
    case 'insert':
      return planInsert(d, table, rows);
    case 'upsert':
      return planUpsert(d, table, p.keys, rows);
    case 'update':
      return planUpdate(d, table, p.keys, rows);
    case 'delete':
      return planDelete(d, table, p.keys, rows);
    default:
      throw new Error(`not a write action: ${p.action}`);
  }
}


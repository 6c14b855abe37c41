/**
 * The physical-limit baseline: a hand-written copy with no engine. Rows stream from mysql2
 * (backpressure down to the socket) and go to PostgreSQL as multi-row INSERTs of `batch` rows,
 * each its own transaction; the next batch is read while the previous one is written.
 */
import mysql from 'mysql2';
import pg from 'pg';
import { MARIADB, POSTGRES, SOURCE, TARGET } from './tables.ts';

type Row = { id: string; amount: string; note: string; created: string };

function insertSql(rows: number): string {
  const tuples: string[] = [];
  for (let i = 0; i < rows; i++) tuples.push(`($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`);
  return `INSERT INTO ${TARGET} (id, amount, note, created) VALUES ${tuples.join(', ')}`;
}

/**
 * Copies the first `rows` source rows; returns how many were written. `overlap: false` waits
 * for each INSERT before reading on (what a flow that handles one page at a time does).
 */
export async function baselineCopy(rows: number, batch: number, overlap = true): Promise<number> {
  // exact numbers and wall-time text, no Date objects: the least work a copy can do
  const source = mysql.createConnection({
    ...MARIADB, charset: 'utf8mb4', supportBigNumbers: true, bigNumberStrings: true, dateStrings: true,
  });
  const target = new pg.Client(POSTGRES);
  await target.connect();
  const fullSql = insertSql(batch);
  let written = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const flush = async (chunk: Row[]): Promise<void> => {
    const values: unknown[] = new Array(chunk.length * 4);
    for (let i = 0; i < chunk.length; i++) {
      const r = chunk[i]!;
      values[i * 4] = r.id;
      values[i * 4 + 1] = r.amount;
      values[i * 4 + 2] = r.note;
      values[i * 4 + 3] = r.created;
    }
    await pending; // one INSERT in flight at a time
    const insert = target.query(chunk.length === batch ? fullSql : insertSql(chunk.length), values);
    insert.catch(() => undefined); // surfaces at the next `await pending`
    pending = insert;
    if (!overlap) await insert;
    written += chunk.length;
  };
  try {
    const stream = source
      .query({ sql: `SELECT id, amount, note, created FROM ${SOURCE} WHERE id <= ? ORDER BY id`, values: [rows] })
      .stream({ highWaterMark: batch });
    let chunk: Row[] = [];
    for await (const row of stream as AsyncIterable<Row>) {
      chunk.push(row);
      if (chunk.length === batch) {
        await flush(chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) await flush(chunk);
    await pending;
    return written;
  } finally {
    await target.end();
    await new Promise<void>((resolve) => source.end(() => resolve()));
  }
}

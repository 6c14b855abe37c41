/**
 * The benchmark's tables: a MariaDB source seeded in one INSERT … SELECT from the SEQUENCE
 * engine, and a PostgreSQL target truncated before each variant. Exact DECIMAL, text with
 * emoji and a DATETIME per row, like a real sync.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';

export const SOURCE = 'bench_sync_src';
export const TARGET = 'bench_sync_dst';

export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' } as const;
export const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' } as const;

export interface Tables {
  my: mysql.Connection;
  pg: pg.Client;
  close(): Promise<void>;
}

export async function openTables(): Promise<Tables> {
  const my = await mysql.createConnection({ ...MARIADB, charset: 'utf8mb4', multipleStatements: false });
  const client = new pg.Client(POSTGRES);
  await client.connect();
  return {
    my,
    pg: client,
    async close() {
      await my.end();
      await client.end();
    },
  };
}

async function sourceCount(t: Tables): Promise<number | undefined> {
  try {
    const [rows] = await t.my.query(`SELECT COUNT(*) AS n FROM ${SOURCE}`);
    return Number((rows as { n: number }[])[0]!.n);
  } catch {
    return undefined;
  }
}

/** Seeds `rows` rows unless the source already holds exactly that many; returns the seconds taken. */
export async function seedSource(t: Tables, rows: number): Promise<number> {
  if ((await sourceCount(t)) === rows) return 0;
  const started = performance.now();
  await t.my.query(`DROP TABLE IF EXISTS ${SOURCE}`);
  await t.my.query(
    `CREATE TABLE ${SOURCE} (id BIGINT NOT NULL PRIMARY KEY, amount DECIMAL(20,4) NOT NULL, note VARCHAR(100) NOT NULL,
       created DATETIME NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  );
  // the sequence engine yields 1…n without a round trip per row; chunks keep each transaction small
  const chunk = 250_000;
  for (let from = 1; from <= rows; from += chunk) {
    const to = Math.min(rows, from + chunk - 1);
    await t.my.query(
      `INSERT INTO ${SOURCE} (id, amount, note, created)
       SELECT seq, CAST((seq * 7919) % 100000000000 AS DECIMAL(20,4)) + (seq % 10000) / 10000, CONCAT('row ', seq, ' 🚀 naïve'),
              TIMESTAMPADD(SECOND, seq, '2024-01-01 00:00:00')
         FROM seq_${from}_to_${to}`,
    );
  }
  return (performance.now() - started) / 1000;
}

export async function dropSource(t: Tables): Promise<void> {
  await t.my.query(`DROP TABLE IF EXISTS ${SOURCE}`);
}

export async function createTarget(t: Tables): Promise<void> {
  await t.pg.query(`DROP TABLE IF EXISTS ${TARGET}`);
  await t.pg.query(
    `CREATE TABLE ${TARGET} (id BIGINT NOT NULL PRIMARY KEY, amount NUMERIC(20,4) NOT NULL, note VARCHAR(100) NOT NULL, created TIMESTAMP NOT NULL)`,
  );
}

export async function truncateTarget(t: Tables): Promise<void> {
  await t.pg.query(`TRUNCATE ${TARGET}`);
  // a fresh start for each variant: no dead tuples of the previous one
  await t.pg.query(`VACUUM ANALYZE ${TARGET}`);
}

export async function dropTarget(t: Tables): Promise<void> {
  await t.pg.query(`DROP TABLE IF EXISTS ${TARGET}`);
}

/** Row count and checksums of the first `rows` source rows, to compare with the target. */
export interface Digest { rows: number; maxId: string; amount: string; noteLength: string; createdSeconds: string }

export async function sourceDigest(t: Tables, rows: number): Promise<Digest> {
  const [r] = await t.my.query(
    `SELECT COUNT(*) AS n, CAST(MAX(id) AS CHAR) AS maxId, CAST(SUM(amount) AS CHAR) AS amount, CAST(SUM(CHAR_LENGTH(note)) AS CHAR) AS noteLength,
            CAST(SUM(TIMESTAMPDIFF(SECOND, '2024-01-01 00:00:00', created)) AS CHAR) AS createdSeconds
       FROM ${SOURCE} WHERE id <= ?`,
    [rows],
  );
  const row = (r as Record<string, unknown>[])[0]!;
  return digestOf(row);
}

function digestOf(row: Record<string, unknown>): Digest {
  return {
    rows: Number(row['n']), maxId: String(row['maxId']), amount: String(row['amount']), noteLength: String(row['noteLength']),
    createdSeconds: String(row['createdSeconds']),
  };
}

export async function targetDigest(t: Tables): Promise<Digest> {
  const { rows } = await t.pg.query(
    `SELECT COUNT(*) AS n, MAX(id)::text AS "maxId", SUM(amount)::text AS amount, SUM(char_length(note))::text AS "noteLength",
            SUM(EXTRACT(EPOCH FROM created - TIMESTAMP '2024-01-01 00:00:00'))::bigint::text AS "createdSeconds"
       FROM ${TARGET}`,
  );
  return digestOf(rows[0] as Record<string, unknown>);
}

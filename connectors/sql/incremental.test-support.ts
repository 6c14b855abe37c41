/**
 * The real engine with timer, inject, loop, mysql and postgres nodes on the local MariaDB and
 * PostgreSQL, for the incremental-read tests (SPEC §11), plus plain clients to seed and count.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { FlowDocument, FlowNode } from '../../core/flow-types.ts';
import { directConnections, testEngine } from '../../server/engine/engine.test-support.ts';
import type { ConnectionDriver } from '../../server/connections/driver-api.ts';
import { timerSpec } from '../../nodes/timer/spec.ts';
import { timerRuntime } from '../../nodes/timer/runtime.ts';
import { loopSpec } from '../../nodes/loop/spec.ts';
import { loopRuntime } from '../../nodes/loop/runtime.ts';
import { mysqlDriver } from '../mysql/driver.ts';
import { mysqlSpec } from '../mysql/mysql/spec.ts';
import { mysqlRuntime } from '../mysql/mysql/runtime.ts';
import { postgresDriver } from '../postgres/driver.ts';
import { postgresSpec } from '../postgres/postgres/spec.ts';
import { postgresRuntime } from '../postgres/postgres/runtime.ts';
import { LOCAL_MYSQL, LOCAL_POSTGRES } from './sql.test-support.ts';

export const suffix = (): string => `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until<T>(get: () => Promise<T> | T, done: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(v)?.slice(0, 300)}`);
    await sleep(50);
  }
}

/** a MariaDB connection in UTC (the nodes' sessions run in UTC), for seeding and counting */
export async function mariadb(): Promise<mysql.Connection> {
  const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test', dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
  await c.query("SET time_zone = '+00:00'");
  return c;
}

export async function postgres(): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', options: '-c TimeZone=UTC' });
  await c.connect();
  return c;
}

/** the engine with the node types these flows use, connections `c_mysql` and `c_pg` */
export function syncEngine() {
  const connections = directConnections(
    [mysqlDriver as ConnectionDriver<unknown>, postgresDriver as ConnectionDriver<unknown>],
    [LOCAL_MYSQL, LOCAL_POSTGRES],
  );
  const made = testEngine([timerSpec, loopSpec, mysqlSpec, postgresSpec], [timerRuntime, loopRuntime, mysqlRuntime, postgresRuntime], { connections });
  const close = async (): Promise<void> => {
    await made.engine.shutdown(5000);
    await connections.closeAll();
  };
  return { ...made, close, mysqlId: LOCAL_MYSQL.id, pgId: LOCAL_POSTGRES.id };
}

/** a flow of `nodes` wired in a chain; `[from, port]` pairs give a port other than out */
export function chain(nodes: FlowNode[], ports: Record<string, string> = {}): FlowDocument {
  const edges = nodes.slice(1).map((n, i) => {
    const source = nodes[i]!.id;
    return ports[source] ? { source, sourcePort: ports[source], target: n.id } : { source, target: n.id };
  });
  return { name: 'incremental test', nodes, edges } as FlowDocument;
}

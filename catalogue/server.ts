/**
 * The server's half of the catalogue, derived from it by convention (no second list):
 * - a core node type's runtime is `nodes/<type>/runtime.ts`, a connector's node type's
 *   `connectors/<connector>/<type>/runtime.ts`;
 * - a connector's driver is `connectors/<connector>/driver.ts`;
 * - a node type may add save-time checks that need server-side tools (the script compiler, RE2)
 *   in `server-check.ts` beside its spec.
 * Each is its module's default export. Runtimes and drivers load on first use, so client
 * libraries (mysql2, pg, kafkajs, mqtt, oracledb) stay unloaded until a flow needs them.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ValidationIssue } from '../core/node-spec.ts';
import type { NodeRuntime } from '../server/engine/node-api.ts';
import type { ConnectionDriver } from '../server/connections/driver-api.ts';
import { lazyDriver } from '../server/connections/lazy-driver.ts';
import { connectors, coreNodes } from './index.ts';

/** save-time issues of a node's params (paths relative to params) */
export type ServerParamsCheck = (params: Record<string, unknown>) => ValidationIssue[];

/** .ts when run from source, .js when compiled into dist/ */
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const ROOT = new URL('../', import.meta.url);

/** where each node type's files are */
export function nodeFolders(): { type: string; folder: URL }[] {
  return [
    ...coreNodes.map((d) => ({ type: d.spec.type, folder: new URL(`nodes/${d.spec.type}/`, ROOT) })),
    ...connectors.flatMap((c) => c.nodes.map((d) => ({ type: d.spec.type, folder: new URL(`connectors/${c.profile.type}/${d.spec.type}/`, ROOT) }))),
  ];
}

export function driverFile(connectionType: string): URL {
  return new URL(`connectors/${connectionType}/driver${EXT}`, ROOT);
}

async function defaultExport<T>(file: URL): Promise<T> {
  const mod = (await import(file.href)) as { default?: T };
  if (mod.default === undefined) throw new Error(`${fileURLToPath(file)} has no default export`);
  return mod.default;
}

/** a runtime whose module loads when the first node of its type is created */
function lazyRuntime(type: string, file: URL): NodeRuntime {
  let loading: Promise<NodeRuntime> | undefined;
  const load = async (): Promise<NodeRuntime> => {
    const runtime = await defaultExport<NodeRuntime>(file);
    if (runtime.type !== type) throw new Error(`${fileURLToPath(file)} is the runtime of "${runtime.type}", not of "${type}"`);
    return runtime;
  };
  return {
    type,
    async create(ctx) {
      loading ??= load();
      return (await loading).create(ctx);
    },
  };
}

export function nodeRuntimes(): Map<string, NodeRuntime> {
  return new Map(nodeFolders().map(({ type, folder }) => [type, lazyRuntime(type, new URL(`runtime${EXT}`, folder))]));
}

export function connectionDrivers(): Map<string, ConnectionDriver> {
  return new Map(connectors.map((c) => [c.profile.type, lazyDriver(c.profile.type, () => defaultExport<ConnectionDriver>(driverFile(c.profile.type)))]));
}

/** the node types' server-side save checks, by type (loaded now: saving a flow is synchronous) */
export async function serverParamsChecks(): Promise<Map<string, ServerParamsCheck>> {
  const checks = new Map<string, ServerParamsCheck>();
  for (const { type, folder } of nodeFolders()) {
    const file = new URL(`server-check${EXT}`, folder);
    if (existsSync(file)) checks.set(type, await defaultExport<ServerParamsCheck>(file));
  }
  return checks;
}

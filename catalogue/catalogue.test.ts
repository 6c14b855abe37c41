/** The catalogue is the one list of node types and connectors: the server's parts follow from it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { NodeRuntime } from '../server/engine/node-api.ts';
import type { ConnectionDriver } from '../server/connections/driver-api.ts';
import { CONNECTION_TYPE_NAMES, allSpecs, connectors, logicByType, nodeDefinitions } from './index.ts';
import { connectionDrivers, driverFile, nodeFolders, nodeRuntimes, serverParamsChecks } from './server.ts';

const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

test('every node type of the catalogue has its runtime where the convention puts it, for its own type', async () => {
  const folders = nodeFolders();
  assert.deepEqual(folders.map((f) => f.type), nodeDefinitions.map((d) => d.spec.type));
  for (const { type, folder } of folders) {
    assert.ok(existsSync(new URL(`spec${EXT}`, folder)), `${type}: no spec.ts in ${folder.pathname}`);
    const file = new URL(`runtime${EXT}`, folder);
    assert.ok(existsSync(file), `${type}: no runtime.ts in ${folder.pathname}`);
    const runtime = ((await import(file.href)) as { default?: NodeRuntime }).default;
    assert.equal(runtime?.type, type, `${file.pathname} default-exports the runtime of ${type}`);
  }
  assert.deepEqual([...nodeRuntimes().keys()], nodeDefinitions.map((d) => d.spec.type));
});

test('every connector has its driver where the convention puts it, for its own type', async () => {
  for (const type of CONNECTION_TYPE_NAMES) {
    const driver = ((await import(driverFile(type).href)) as { default?: ConnectionDriver }).default;
    assert.equal(driver?.type, type, `${driverFile(type).pathname} default-exports the ${type} driver`);
  }
  assert.deepEqual([...connectionDrivers().keys()], [...CONNECTION_TYPE_NAMES]);
  for (const c of connectors) for (const n of c.nodes) if (n.spec.connectionTypes) assert.ok(n.spec.connectionTypes.includes(c.profile.type), n.spec.type);
});

test('specs are plain JSON data: what /api/node-types serves is the spec itself', () => {
  for (const spec of allSpecs) {
    assert.deepStrictEqual(JSON.parse(JSON.stringify(spec)), spec, `${spec.type} holds something JSON does not (a function, a symbol, undefined)`);
    assert.equal(Object.getOwnPropertySymbols(spec.paramsSchema).length, 0, spec.type);
  }
});

test('params-dependent ports and extra checks are the logic of switch and script; server checks load for them', async () => {
  assert.deepEqual(logicByType.get('switch')!.outputs!({ rules: [{}, {}] }), ['rule1', 'rule2', 'else']);
  assert.deepEqual(logicByType.get('script')!.outputs!({ outputs: 2 }), ['out', 'out2']);
  const checks = await serverParamsChecks();
  assert.deepEqual([...checks.keys()].sort(), ['script', 'switch']);
  assert.match(checks.get('script')!({ code: 'return (' })[0]!.message, /does not compile/);
  assert.equal(checks.get('switch')!({ rules: [{ value: 'a', op: 'regex', arg: '(a' }] })[0]!.path, 'rules[0].arg');
});

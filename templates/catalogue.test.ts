import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SchemaChecker } from '../core/schema-check.ts';
import { allTemplates, templatesById } from './index.ts';
import { referencedParams } from './placeholders.ts';

const REQUIRED = ['mysql-to-oracle-sync', 'db-to-db-sync', 'mqtt-to-db', 'kafka-to-db', 'db-to-kafka', 'db-as-http-api'];

test('the catalogue has the templates of SPEC §10, with unique ids', () => {
  for (const id of REQUIRED) assert.ok(templatesById.has(id), id);
  assert.equal(templatesById.size, allTemplates.length);
});

for (const t of allTemplates) {
  const props = t.params.schema['properties'] as Record<string, Record<string, unknown>>;

  test(`${t.id}: a three-step form, connections first, every param in exactly one step`, () => {
    assert.ok(t.name && t.description && t.tags.length > 0);
    const ids = t.params.steps.map((s) => s.id);
    assert.equal(ids.length, 3);
    assert.equal(ids[0], 'connections');
    assert.equal(ids[1], 'tables');
    assert.ok(ids[2] === 'schedule' || ids[2] === 'options');
    const connections = Object.keys(props).filter((k) => Array.isArray(props[k]!['x-connectionTypes']));
    assert.deepEqual(t.params.steps[0]!.fields, connections);
    const listed = t.params.steps.flatMap((s) => s.fields);
    assert.deepEqual([...listed].sort(), Object.keys(props).sort());
    assert.equal(new Set(listed).size, listed.length);
    if (ids[2] === 'schedule') assert.ok(t.params.steps[2]!.fields.includes('interval'));
  });

  test(`${t.id}: the schema compiles and the flow names only declared params`, () => {
    new SchemaChecker().check(t.params.schema, {}, 'params');
    const declared = new Set(Object.keys(props));
    const used = referencedParams(t.flow);
    for (const name of used) assert.ok(declared.has(name), `flow uses undeclared param ${name}`);
    for (const name of declared) assert.ok(used.has(name), `param ${name} is never used by the flow`);
    for (const check of t.params.checks ?? []) assert.ok(declared.has(check.param) && declared.has(check.among));
    for (const field of Object.keys(t.params.showIf ?? {})) assert.ok(declared.has(field));
    // node ids are numeric, as the editor and ROMA Connect give them
    for (const n of t.flow.nodes) assert.match(n.id, /^\d{6}$/);
  });

  test(`${t.id}: the template module is pure data (imports only types and field builders)`, () => {
    const src = readFileSync(new URL(`./${t.id}/template.ts`, import.meta.url), 'utf8');
    const imports = [...src.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    for (const i of imports) assert.ok(i === '../types.ts' || i === '../fields.ts', `unexpected import ${i}`);
  });
}

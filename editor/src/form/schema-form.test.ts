// The node params form the inspector shows, generated from the real node specs (rendered to
// HTML with react-dom/server), and what typing into its controls stores.
import '../testing/browser.test-support.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement, isValidElement, type ReactElement, type ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import type { NodeTypeInfo } from '../api/types.ts';
import { isShown, propertiesOf, requiredOf, withDefaults } from '../lib/schema.ts';
import { nodeTypeInfo, nodeTypeInfos } from '../testing/server.test-support.ts';
import { CheckboxInput } from './CheckboxInput.tsx';
import { EnumSelect } from './EnumSelect.tsx';
import type { FieldProps } from './field-types.ts';
import { IntOrExprInput } from './IntOrExprInput.tsx';
import { NumberInput } from './NumberInput.tsx';
import { SchemaForm, type SchemaFormProps } from './SchemaForm.tsx';
import { TextInput } from './TextInput.tsx';

/** the form as the node inspector builds it for a node of this type */
function paramsForm(info: NodeTypeInfo, value: Record<string, unknown>, more: Partial<SchemaFormProps> = {}): SchemaFormProps {
  return {
    idPrefix: 'params', schema: info.paramsSchema, value, onChange: () => undefined,
    order: info.ui.order, widgets: info.ui.widgets, showIf: info.ui.showIf, sensitive: info.sensitiveParams, connectionTypes: info.connectionTypes,
    ...more,
  };
}
const html = (type: string, value: Record<string, unknown> = {}, more: Partial<SchemaFormProps> = {}): string =>
  renderToString(createElement(SchemaForm, paramsForm(nodeTypeInfo(type), value, more)));

/** the field rows shown, in order (nested forms included, as their own names) */
const rows = (markup: string): string[] => [...markup.matchAll(/data-field="([^"]+)"/g)].map((m) => m[1]!);
/** the opening tag of the control named `name` */
function control(markup: string, name: string): string {
  const m = new RegExp(`<(input|select|textarea)[^>]*name="${name.replace(/[[\].]/g, '\\$&')}"[^>]*>`).exec(markup);
  assert.ok(m, `no control ${name}`);
  return m[0];
}
const selected = (markup: string, name: string): string | undefined =>
  new RegExp(`name="${name}"[^>]*>(?:(?!</select>).)*<option value="\\d+" selected="">([^<]*)</option>`).exec(markup)?.[1];
const requiredMarks = (markup: string): string[] =>
  [...markup.matchAll(/data-field="([^"]+)"><label class="field-label">[^<]*<span class="req"/g)].map((m) => m[1]!);

test('every node type\'s params form renders, a row per field its choices show, required ones marked', () => {
  for (const info of nodeTypeInfos) {
    const markup = html(info.type);
    const props = propertiesOf(info.paramsSchema);
    const effective = withDefaults(info.paramsSchema, {});
    const expected = Object.keys(props).filter((n) => isShown(info.ui.showIf?.[n], effective));
    // nested rows (e.g. incremental's column/initial) come right after their field's label
    const top = rows(markup).filter((n) => expected.includes(n));
    assert.deepEqual([...top].sort(), [...expected].sort(), info.type);
    if (info.ui.order) assert.deepEqual(top.slice(0, info.ui.order.filter((n) => expected.includes(n)).length), info.ui.order.filter((n) => expected.includes(n)), `${info.type} order`);
    for (const name of requiredOf(info.paramsSchema).filter((n) => expected.includes(n))) assert.ok(requiredMarks(markup).includes(name), `${info.type}.${name} marked required`);
  }
});

test('an empty form shows the defaults the server will use', () => {
  const timer = html('timer');
  assert.equal(selected(timer, 'params.unit'), 'minute');
  assert.match(control(timer, 'params.interval'), /placeholder="1"/);
  assert.match(control(timer, 'params.atSeconds'), /placeholder="0"/);
  assert.match(control(timer, 'params.timezone'), /placeholder="GMT"/);
  assert.doesNotMatch(control(timer, 'params.runImmediately'), /checked/);
  assert.match(control(html('switch'), 'params.stopAtFirst'), /checked=""/);
  const script = html('script');
  assert.match(control(script, 'params.code'), /^<textarea[^>]*class="input mono code code"/);
  assert.match(script, /placeholder="return msg;"/);
  assert.match(control(script, 'params.timeoutMs'), /placeholder="1000"/);
});

test('the values of a node fill the form; numbers stay numbers in choices (QoS 1)', () => {
  const markup = html('mqtt-out', { topic: 'devices/${payload.id}/set', qos: 1, retain: true });
  assert.match(control(markup, 'params.topic'), /value="devices\/\$\{payload.id\}\/set"/);
  assert.equal(selected(markup, 'params.qos'), '1 · at least once');
  assert.match(control(markup, 'params.retain'), /checked=""/);
});

test('choosing an action shows only its fields', () => {
  const select = rows(html('mysql', { action: 'select' }));
  assert.ok(select.includes('where') && select.includes('limit') && !select.includes('sql') && !select.includes('values'));
  assert.deepEqual(rows(html('mysql', { action: 'sql' })), ['connection', 'action', 'binds', 'sql', 'pageSize']);
  assert.deepEqual(rows(html('http-in', { path: 'orders', auth: 'basic' })).filter((n) => ['username', 'password', 'token', 'apiKey'].includes(n)), ['username', 'password']);
});

test('SQL and code get text areas; connections a picker; binds and headers key → value rows', () => {
  const markup = html('postgres', { action: 'sql', sql: 'select 1', binds: { id: '${payload.id}', n: 3 } });
  assert.match(control(markup, 'params.sql'), /^<textarea[^>]*class="input mono code sql"/);
  assert.match(markup, /<textarea[^>]*>select 1<\/textarea>/);
  assert.match(control(markup, 'params.connection'), /^<select/);
  assert.match(markup, /— choose a connection —/);
  assert.match(control(markup, 'params.binds.key.0'), /value="id"/);
  assert.match(control(markup, 'params.binds.value.0'), /value="\$\{payload.id\}"/);
  assert.match(control(markup, 'params.binds.value.1'), /value="3"/);
});

test('switch rules: one numbered small form per rule, and "+ Add"', () => {
  const markup = html('switch', { rules: [{ value: '${payload.t}', op: 'gt', arg: 30 }, { value: '${payload.t}', op: 'exists' }] });
  assert.equal(selected(markup, 'params.rules\\[1\\].op'), 'exists');
  assert.match(control(markup, 'params.rules[0].arg'), /value="30"/);
  assert.match(markup, /aria-label="Remove item 2"/);
  assert.match(markup, /data-testid="params.rules-add"/);
});

test('a stored secret shows as stored, never its value; Clear offered', () => {
  const markup = html('http-request', { url: 'https://x', auth: 'bearer', token: '***' });
  const box = control(markup, 'params.token');
  assert.match(box, /type="password"/);
  assert.match(box, /placeholder="••••••  \(stored — type to replace\)"/);
  assert.match(box, /value=""/);
  assert.match(markup, /title="Remove the stored secret">Clear</);
});

test('the server\'s complaints show under their field, which is marked invalid', () => {
  const markup = html('timer', { interval: 0 }, { errors: { interval: ['must be >= 1'] } });
  assert.match(markup, /<div class="field invalid" data-field="interval">/);
  assert.match(control(markup, 'params.interval'), /aria-invalid="true"/);
  assert.match(markup, /role="alert" data-testid="field-error-interval">must be &gt;= 1</);
});

test('a value of another shape than the field expects is shown, not dropped', () => {
  // an expression where a number goes (imported flow), an object where text goes
  const markup = html('timer', { interval: '${payload.every}', timezone: { zone: 'UTC' } });
  assert.match(control(markup, 'params.interval'), /value="\$\{payload.every\}"/);
  assert.match(control(markup, 'params.timezone'), /^<textarea/);
  assert.match(markup, /&quot;zone&quot;: &quot;UTC&quot;/);
});

/** the control element a hook-free field component returns, to type into it */
function typeInto(el: ReactNode, value: string | boolean): void {
  const props = (isValidElement(el) ? el.props : {}) as { onChange?: (e: { target: { value: string; checked: boolean } }) => void; children?: ReactNode };
  if (props.onChange) return props.onChange({ target: { value: String(value), checked: value === true } });
  const kids = Array.isArray(props.children) ? props.children : [props.children];
  const inner = kids.find((k) => isValidElement(k) && (k as ReactElement<{ onChange?: unknown }>).props.onChange);
  assert.ok(inner, 'no control to type into');
  typeInto(inner, value);
}
function typed(component: (p: FieldProps) => ReactNode, schema: Record<string, unknown>, kind: FieldProps['kind'], text: string | boolean): unknown[] {
  const got: unknown[] = [];
  const el = component({ name: 'f', schema, kind, value: undefined, onChange: (v) => got.push(v), invalid: false, required: false, values: {} });
  typeInto(el, text);
  return got;
}

test('a number-or-expression field stores numbers as numbers and anything else as an expression', () => {
  const schema = propertiesOf(nodeTypeInfo('mysql').paramsSchema)['limit']!;
  assert.deepEqual(typed(IntOrExprInput, schema, 'int-or-expr', '25'), [25]);
  assert.deepEqual(typed(IntOrExprInput, schema, 'int-or-expr', ' -2.5 '), [-2.5]);
  assert.deepEqual(typed(IntOrExprInput, schema, 'int-or-expr', '${payload.limit}'), ['${payload.limit}']);
  assert.deepEqual(typed(IntOrExprInput, schema, 'int-or-expr', '  '), [undefined], 'emptied: the field goes, the default applies');
});

test('number, text, choice and checkbox fields store what the user means', () => {
  const timer = propertiesOf(nodeTypeInfo('timer').paramsSchema);
  assert.deepEqual(typed(NumberInput, timer['interval']!, 'integer', '15'), [15]);
  assert.deepEqual(typed(NumberInput, timer['interval']!, 'integer', ''), [undefined]);
  assert.deepEqual(typed(TextInput, timer['timezone']!, 'string', 'Asia/Shanghai'), ['Asia/Shanghai']);
  assert.deepEqual(typed(TextInput, timer['timezone']!, 'string', ''), [undefined]);
  assert.deepEqual(typed(CheckboxInput, timer['runImmediately']!, 'boolean', true), [true]);
  const qos = propertiesOf(nodeTypeInfo('mqtt-in').paramsSchema)['qos']!;
  assert.deepEqual(typed(EnumSelect, qos, 'enum', '2'), [2], 'QoS 2 is stored as the number 2');
  const acks = propertiesOf(nodeTypeInfo('kafka-out').paramsSchema)['acks']!;
  assert.deepEqual(typed(EnumSelect, acks, 'enum', '0'), [-1]);
});

/** the field component SchemaForm placed for `name` (SchemaForm itself uses no hooks) */
function fieldOf(el: ReactNode, name: string): FieldProps | undefined {
  if (!isValidElement(el)) return undefined;
  const props = el.props as Partial<FieldProps> & { children?: ReactNode };
  if (props.name === name && typeof props.onChange === 'function') return props as FieldProps;
  for (const kid of Array.isArray(props.children) ? props.children : [props.children]) {
    const found = fieldOf(kid, name);
    if (found) return found;
  }
  return undefined;
}

test('editing one field keeps the others; emptying a field removes it so its default applies', () => {
  const changes: Record<string, unknown>[] = [];
  const props = paramsForm(nodeTypeInfo('script'), { code: 'return msg;', outputs: 2, timeoutMs: 5000 }, { onChange: (next) => changes.push(next) });
  const form = SchemaForm(props);
  fieldOf(form, 'params.outputs')?.onChange(3);
  fieldOf(form, 'params.timeoutMs')?.onChange(undefined);
  assert.deepEqual(changes, [{ code: 'return msg;', outputs: 3, timeoutMs: 5000 }, { code: 'return msg;', outputs: 2 }]);
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { convertNodeRed } from './convert.ts';
import { convertCode, mustache } from './code.ts';
import { NODE_RED_EXPORT } from './node-red.test-support.ts';
import { validateFlow } from '../validate-flow.ts';
import { logicByType, specsByType } from '../../catalogue/index.ts';

describe('Node-RED import (convertNodeRed)', () => {
  const result = convertNodeRed(structuredClone(NODE_RED_EXPORT));
  const [orders, sensors] = result.flows;

  it('makes one flow per tab, named by the tab, that passes save-time validation', () => {
    assert.deepEqual(result.flows.map((f) => f.name), ['Orders', 'Sensors']);
    assert.equal(orders?.description, 'order intake');
    for (const flow of result.flows) assert.deepEqual(validateFlow(flow, { specs: specsByType, logic: logicByType }), [], flow.name);
  });

  it('converts each node type, keeping names and positions', () => {
    const types = (f: typeof orders) => Object.fromEntries((f?.nodes ?? []).map((n) => [n.id, n.type]));
    assert.deepEqual(types(orders), {
      'inj1_1': 'inject', 'fn1_1': 'script', 'dbg1_1': 'log', http1: 'http-in', chg1: 'set', sw1: 'switch', req1: 'http-request', resp1: 'http-response',
    });
    assert.deepEqual(types(sensors), { min1: 'mqtt-in', fn2: 'script', mout1: 'mqtt-out', dbg2: 'log', inj2: 'timer' });
    const inject = orders?.nodes.find((n) => n.id === 'inj1_1');
    assert.deepEqual(inject, { id: 'inj1_1', type: 'inject', name: 'Go', position: { x: 110, y: 80 }, params: { payload: { qty: 3, price: 5 }, topic: 'orders' } });
    const byId = (f: typeof orders, id: string) => f?.nodes.find((n) => n.id === id)?.params;
    assert.deepEqual(byId(orders, 'chg1'), { fields: { status: 'new', count: 2, copy: '${payload.id}' }, mode: 'merge' });
    assert.deepEqual(byId(orders, 'sw1'), {
      rules: [{ value: '${payload.qty}', op: 'gt', arg: 10 }, { value: '${payload.qty}', op: 'regex', arg: '(?i)^a' }], stopAtFirst: true,
    });
    assert.deepEqual(byId(orders, 'http1'), { method: 'POST', path: 'orders/:id' });
    assert.deepEqual(byId(orders, 'req1'), { method: 'POST', url: 'http://127.0.0.1:9/notify/${payload.id}', responseType: 'json', body: '${payload}' });
    assert.deepEqual(byId(orders, 'resp1'), { status: 202, body: '${payload}', headers: { 'X-Source': 'node-red' } });
    assert.deepEqual(byId(sensors, 'inj2'), { unit: 'minute', interval: 5, runImmediately: true });
    assert.deepEqual(byId(sensors, 'min1'), { connection: 'Plant broker', topic: 'plant/+/temp', qos: 1, format: 'json' });
    assert.deepEqual(byId(sensors, 'mout1'), { connection: 'Plant broker', topic: 'plant/alarm', qos: 0, retain: false });
    assert.deepEqual(byId(sensors, 'fn2'), { code: "if (msg.payload.t > 30) { ctx.log.warn('hot'); return [msg, null]; }\nreturn [null, msg];", outputs: 2 });
    assert.equal(sensors?.nodes.find((n) => n.id === 'dbg2')?.disabled, true);
  });

  it('turns wires into edges on the right ports', () => {
    const edges = (f: typeof orders) => (f?.edges ?? []).map((e) => `${e.source}:${e.sourcePort}->${e.target}`).sort();
    assert.deepEqual(edges(orders), [
      'chg1:out->sw1', 'fn1_1:out->dbg1_1', 'http1:out->chg1', 'inj1_1:out->fn1_1', 'req1:out->resp1', 'sw1:else->resp1', 'sw1:rule1->req1', 'sw1:rule2->resp1',
    ]);
    assert.deepEqual(edges(sensors), ['fn2:out->mout1', 'fn2:out2->dbg2', 'min1:out->fn2']);
  });

  it('lists every node it cannot convert with the reason', () => {
    assert.deepEqual(result.skipped.map((s) => [s.id, s.type, s.name]).sort(), [
      ['cmt1', 'comment', 'Read me'], ['dly1', 'delay', 'Slow down'], ['exec1', 'exec', 'Shell'],
    ]);
    assert.match(result.skipped.find((s) => s.id === 'dly1')?.reason ?? '', /no Tributary equivalent for "delay"/);
  });

  it('names the broker connections to create and where they are used', () => {
    assert.deepEqual(result.connectionsNeeded, [{
      name: 'Plant broker', type: 'mqtt', host: '127.0.0.1', port: 1883, nodeRedId: 'brk1',
      usedBy: [{ flow: 'Sensors', nodeId: 'min1' }, { flow: 'Sensors', nodeId: 'mout1' }],
    }]);
  });

  it('skips a change or switch it cannot express, naming the rule', () => {
    const r = convertNodeRed([
      { id: 't', type: 'tab', label: 'T' },
      { id: 'c', type: 'change', z: 't', rules: [{ t: 'set', p: 'a', pt: 'msg', to: '1', tot: 'str' }, { t: 'delete', p: 'b', pt: 'msg' }], wires: [] },
      { id: 's', type: 'switch', z: 't', property: 'payload', propertyType: 'msg', rules: [{ t: 'btwn', v: '1', v2: '3' }], wires: [] },
      { id: 'x', type: 'function', z: 'x-subflow', func: 'return msg;', wires: [] },
    ]);
    assert.deepEqual(r.skipped.map((s) => [s.id, s.reason]), [
      ['x', 'inside a subflow; subflows are not converted'],
      ['c', 'rule 2: "delete" rules are not converted (only set)'],
      ['s', 'rule 1: "btwn" tests are not converted'],
    ]);
    assert.deepEqual(r.flows[0]?.nodes, []);
  });

  it('rewrites Node-RED function APIs and warns about the rest', () => {
    assert.deepEqual(convertCode("node.warn(1); context.set('a', flow.get('b')); global.set('g', 2); return msg;"), {
      code: "ctx.log.warn(1); ctx.state.set('a', ctx.flow.get('b')); ctx.flow.set('g', 2); return msg;",
      warnings: ['global context has no equivalent; it now reads and writes flow context (ctx.flow)'],
    });
    assert.equal(convertCode('myflow.get(1); a.node.warn(2)').code, 'myflow.get(1); a.node.warn(2)');
    assert.equal(mustache('http://x/{{{msg.payload.id}}}?a=${b}'), 'http://x/${payload.id}?a=$${b}');
  });

  it('leaves out, and warns about, the wire that closes a Node-RED loop', () => {
    const r = convertNodeRed([
      { id: 't', type: 'tab', label: 'Retry' },
      { id: 'a', type: 'inject', z: 't', repeat: '', payload: '', payloadType: 'str', wires: [['b']] },
      { id: 'b', type: 'function', z: 't', func: 'return msg;', outputs: 1, wires: [['c']] },
      { id: 'c', type: 'function', z: 't', func: 'return msg;', outputs: 1, wires: [['b', 'd']] },
      { id: 'd', type: 'debug', z: 't', complete: 'payload', wires: [] },
    ]);
    const flow = r.flows[0];
    assert.deepEqual(flow?.edges.map((e) => `${e.source}->${e.target}`), ['a->b', 'b->c', 'c->d']);
    assert.deepEqual(r.warnings, [{ flow: 'Retry', nodeId: 'c', message: 'the wire to b is left out: it closes a loop (use a loop node)' }]);
    assert.deepEqual(validateFlow(flow, { specs: specsByType, logic: logicByType }), []);
  });

  it('refuses input that is not an array', () => {
    assert.throws(() => convertNodeRed({ nodes: [] }), /JSON array/);
  });
});

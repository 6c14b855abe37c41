/** A hand-written Node-RED export: two tabs, every converted node type, and nodes that are not. */
export const NODE_RED_EXPORT = [
  { id: 'tab1.a', type: 'tab', label: 'Orders', disabled: false, info: 'order intake' },
  { id: 'tab2.b', type: 'tab', label: 'Sensors', disabled: false, info: '' },
  { id: 'brk1', type: 'mqtt-broker', name: 'Plant broker', broker: '127.0.0.1', port: '1883', clientid: '' },
  // tab 1: inject → function → debug, and http in → change → switch → http response / http request
  {
    id: 'inj1.1', type: 'inject', z: 'tab1.a', name: 'Go', props: [{ p: 'payload' }], repeat: '', crontab: '', once: false,
    topic: 'orders', payload: '{"qty":3,"price":5}', payloadType: 'json', x: 110, y: 80, wires: [['fn1.1']],
  },
  {
    id: 'fn1.1', type: 'function', z: 'tab1.a', name: 'Total',
    func: "const seen = (context.get('seen') || 0) + 1;\ncontext.set('seen', seen);\nflow.set('last', msg.payload.qty);\nnode.warn('total for ' + msg.topic);\nmsg.payload = { total: msg.payload.qty * msg.payload.price, seen, last: flow.get('last') };\nreturn msg;",
    outputs: 1, noerr: 0, initialize: '', finalize: '', libs: [], x: 290, y: 80, wires: [['dbg1.1']],
  },
  { id: 'dbg1.1', type: 'debug', z: 'tab1.a', name: 'Show', active: true, tosidebar: true, complete: 'payload', x: 470, y: 80, wires: [] },
  { id: 'http1', type: 'http in', z: 'tab1.a', name: 'Order hook', url: '/orders/:id', method: 'post', upload: false, x: 120, y: 200, wires: [['chg1']] },
  {
    id: 'chg1', type: 'change', z: 'tab1.a', name: 'Mark',
    rules: [
      { t: 'set', p: 'status', pt: 'msg', to: 'new', tot: 'str' },
      { t: 'set', p: 'count', pt: 'msg', to: '2', tot: 'num' },
      { t: 'set', p: 'copy', pt: 'msg', to: 'payload.id', tot: 'msg' },
    ],
    x: 300, y: 200, wires: [['sw1']],
  },
  {
    id: 'sw1', type: 'switch', z: 'tab1.a', name: 'Big?', property: 'payload.qty', propertyType: 'msg',
    rules: [{ t: 'gt', v: '10', vt: 'num' }, { t: 'regex', v: '^a', vt: 'str', case: true }, { t: 'else' }],
    checkall: 'false', repair: false, outputs: 3, x: 460, y: 200, wires: [['req1'], ['resp1'], ['resp1']],
  },
  {
    id: 'req1', type: 'http request', z: 'tab1.a', name: 'Notify', method: 'POST', ret: 'obj', paytoqs: 'ignore',
    url: 'http://127.0.0.1:9/notify/{{payload.id}}', x: 640, y: 160, wires: [['resp1']],
  },
  { id: 'resp1', type: 'http response', z: 'tab1.a', name: '', statusCode: '202', headers: { 'X-Source': 'node-red' }, x: 820, y: 200, wires: [] },
  { id: 'dly1', type: 'delay', z: 'tab1.a', name: 'Slow down', pauseType: 'delay', timeout: '5', x: 640, y: 260, wires: [[]] },
  { id: 'cmt1', type: 'comment', z: 'tab1.a', name: 'Read me', info: '', x: 120, y: 20, wires: [] },
  // tab 2: mqtt in → function (2 outputs) → mqtt out / debug; a repeating inject; an exec node
  {
    id: 'min1', type: 'mqtt in', z: 'tab2.b', name: 'Temps', topic: 'plant/+/temp', qos: '1', datatype: 'json', broker: 'brk1',
    nl: false, rap: true, inputs: 0, x: 100, y: 60, wires: [['fn2']],
  },
  {
    id: 'fn2', type: 'function', z: 'tab2.b', name: 'Split',
    func: "if (msg.payload.t > 30) { node.warn('hot'); return [msg, null]; }\nreturn [null, msg];", outputs: 2, x: 280, y: 60, wires: [['mout1'], ['dbg2']],
  },
  { id: 'mout1', type: 'mqtt out', z: 'tab2.b', name: 'Alarm', topic: 'plant/alarm', qos: '', retain: '', broker: 'brk1', x: 460, y: 40, wires: [] },
  { id: 'dbg2', type: 'debug', z: 'tab2.b', name: '', active: false, complete: 'true', x: 460, y: 90, wires: [] },
  { id: 'inj2', type: 'inject', z: 'tab2.b', name: 'Every 5 min', repeat: '300', crontab: '', once: true, payload: '', payloadType: 'date', x: 100, y: 160, wires: [['exec1']] },
  { id: 'exec1', type: 'exec', z: 'tab2.b', name: 'Shell', command: 'uptime', x: 280, y: 160, wires: [[], [], []] },
];

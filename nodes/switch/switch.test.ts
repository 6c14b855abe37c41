// switch regex rules on a real server over HTTP: patterns run in linear time (RE2), so a
// catastrophic-backtracking pattern cannot freeze the server; what RE2 cannot run is refused at save.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../server/server.test-support.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.destroy();
});

let hookCount = 0;

/** http-in (POST /hooks/<path>) → switch(rule) → http-response "match" | "no match"; started */
async function regexFlow(arg: string, value = '${payload}'): Promise<string> {
  const path = `re-${process.pid}-${++hookCount}`;
  const f = await s.api('/api/flows', {
    body: {
      name: `regex ${hookCount}`,
      nodes: [
        { id: 'in', type: 'http-in', params: { method: 'POST', path } },
        { id: 'sw', type: 'switch', params: { rules: [{ value, op: 'regex', arg }] } },
        { id: 'yes', type: 'http-response', params: { status: 200, body: 'match' } },
        { id: 'no', type: 'http-response', params: { status: 200, body: 'no match' } },
      ],
      edges: [
        { source: 'in', target: 'sw' },
        { source: 'sw', sourcePort: 'rule1', target: 'yes' },
        { source: 'sw', sourcePort: 'else', target: 'no' },
      ],
    },
  });
  assert.equal(f.status, 201, JSON.stringify(f.body));
  const started = await s.api(`/api/flows/${f.body.id}/start`, { method: 'POST' });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  return `${s.url}/hooks/${path}`;
}

async function post(url: string, body: string, type = 'text/plain'): Promise<{ status: number; text: string; ms: number }> {
  const t0 = Date.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
  return { status: res.status, text: await res.text(), ms: Date.now() - t0 };
}

test('^(a+)+$ against 32 a’s and "!" is answered at once, and /api/health answers within 1 s throughout', async () => {
  const url = await regexFlow('^(a+)+$');
  let done = false;
  const healthMs: number[] = [];
  const watch = (async () => {
    while (!done) {
      const t0 = Date.now();
      const h = await fetch(`${s.url}/api/health`);
      assert.equal(h.status, 200);
      healthMs.push(Date.now() - t0);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    for (const n of [32, 40, 5000]) {
      const r = await post(url, `${'a'.repeat(n)}!`);
      assert.equal(r.status, 200);
      assert.equal(r.text, 'no match');
      assert.ok(r.ms < 1000, `${n} a's + "!" answered after ${r.ms} ms`);
    }
    const yes = await post(url, 'a'.repeat(32));
    assert.equal(yes.text, 'match');
  } finally {
    done = true;
    await watch;
  }
  assert.ok(healthMs.length > 0);
  assert.ok(Math.max(...healthMs) < 1000, `slowest /api/health: ${Math.max(...healthMs)} ms`);
});

test('a pattern taken from the message runs on the same engine; one RE2 cannot run fails the step by name', async () => {
  const url = await regexFlow('${payload.re}', '${payload.s}');
  const evil = await post(url, JSON.stringify({ re: '^(a+)+$', s: `${'a'.repeat(40)}!` }), 'application/json');
  assert.equal(evil.text, 'no match');
  assert.ok(evil.ms < 1000, `answered after ${evil.ms} ms`);
  assert.equal((await post(url, JSON.stringify({ re: '(?i)^ABC$', s: 'abc' }), 'application/json')).text, 'match');
  const bad = await post(url, JSON.stringify({ re: '^(a)\\1$', s: 'aa' }), 'application/json');
  assert.equal(bad.status, 500, bad.text);
  const runId = JSON.parse(bad.text).runId as string;
  const run = await s.api(`/api/runs/${runId}`);
  const step = run.body.steps.find((st: { nodeId: string }) => st.nodeId === 'sw');
  assert.equal(step.status, 'failed');
  assert.match(JSON.stringify(step.error), /rules\[0\]\.arg: regex uses a backreference \(\\\\1\), which is not supported \(patterns run in linear time\)/);
  const long = await post(url, JSON.stringify({ re: 'a'.repeat(2001), s: 'a' }), 'application/json');
  assert.equal(long.status, 500, 'a pattern longer than the limit fails the step');
});

test('backreferences, lookaround and broken patterns are refused at save, by path', async () => {
  const cases: [string, RegExp][] = [
    ['^(a)\\1$', /^regex uses a backreference \(\\1\), which is not supported \(patterns run in linear time\)$/],
    ['(?<x>a)\\k<x>', /^regex uses a named backreference \(\\k<…>\), which is not supported/],
    ['foo(?=bar)', /^regex uses a lookahead \(\?=…\), which is not supported/],
    ['foo(?!bar)', /^regex uses a lookahead \(\?!…\), which is not supported/],
    ['(?<=a)b', /^regex uses a lookbehind \(\?<=…\), which is not supported/],
    ['(?<!a)b', /^regex uses a lookbehind \(\?<!…\), which is not supported/],
    ['(ab', /^not a valid regular expression: missing closing \)/],
    ['a'.repeat(2001), /^regex is 2001 characters long; the limit is 2000$/],
  ];
  const before = (await s.api('/api/flows')).body.length;
  for (const [arg, message] of cases) {
    const r = await s.api('/api/flows', {
      body: {
        name: 'bad regex',
        nodes: [
          { id: 'i', type: 'inject', params: {} },
          { id: 'l', type: 'log', params: {} },
          { id: 'sw', type: 'switch', params: { rules: [{ value: '${payload}', op: 'eq', arg: 1 }, { value: '${payload}', op: 'regex', arg }] } },
        ],
        edges: [{ source: 'i', target: 'sw' }, { source: 'sw', sourcePort: 'rule1', target: 'l' }],
      },
    });
    assert.equal(r.status, 400, `${arg}: ${JSON.stringify(r.body)}`);
    assert.deepEqual(r.body.details.map((d: { path: string }) => d.path), ['nodes[2].params.rules[1].arg'], arg);
    assert.match(r.body.details[0].message, message, arg);
    assert.match(r.body.error, /nodes\[2\]\.params\.rules\[1\]\.arg: /);
  }
  assert.equal((await s.api('/api/flows')).body.length, before, 'nothing stored');
});

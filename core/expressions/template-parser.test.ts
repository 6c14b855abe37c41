import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExpressionError, parseTemplate } from './index.ts';
import type { ExprRef, TemplatePart } from './index.ts';

function onlyRef(text: string): ExprRef {
  const t = parseTemplate(text);
  assert.equal(t.single, true, `${text} should be a single expression`);
  const part = t.parts[0];
  assert.ok(part && part.kind === 'expr');
  return part.ref;
}

/** Parts without positions/sources, to compare shapes. */
function shape(text: string): unknown[] {
  return parseTemplate(text).parts.map((p: TemplatePart) =>
    p.kind === 'text' ? p.text : { nodeId: p.ref.nodeId, path: p.ref.path });
}

function throwsAt(text: string, position: number, reason: RegExp): void {
  assert.throws(() => parseTemplate(text), (err: unknown) => {
    assert.ok(err instanceof ExpressionError, `${text}: expected ExpressionError, got ${String(err)}`);
    assert.equal(err.position, position, `${text}: position (${err.message})`);
    assert.match(err.reason, reason, text);
    assert.ok(err.message.endsWith(`at position ${position}`), err.message);
    return true;
  });
}

describe('parseTemplate: plain text', () => {
  it('keeps text without expressions as one part', () => {
    assert.deepEqual(parseTemplate('hello world'), { parts: [{ kind: 'text', text: 'hello world' }], single: false });
  });
  it('returns no parts for the empty string', () => {
    assert.deepEqual(parseTemplate(''), { parts: [], single: false });
  });
  it('treats lone $, {, } and $$ as text', () => {
    assert.deepEqual(shape('cost $5 {x} } $$ $'), ['cost $5 {x} } $$ $']);
  });
});

describe('parseTemplate: references', () => {
  it('parses ${path} on the incoming message', () => {
    const ref = onlyRef('${payload.items[0].name}');
    assert.deepEqual(ref, { path: ['payload', 'items', 0, 'name'], source: 'payload.items[0].name', start: 0, end: 24 });
    assert.equal('nodeId' in ref, false);
  });
  it('parses ${nodeId|path}', () => {
    assert.deepEqual(onlyRef('${500885|payload.aa}'), {
      nodeId: '500885', path: ['payload', 'aa'], source: '500885|payload.aa', start: 0, end: 20,
    });
  });
  it('accepts node ids of letters, digits, _ and -, up to 64 characters', () => {
    assert.equal(onlyRef('${my-node_2|payload}').nodeId, 'my-node_2');
    const long = 'a'.repeat(64);
    assert.equal(onlyRef(`\${${long}|payload}`).nodeId, long);
  });
  it('allows white space around node id, bar and path tokens', () => {
    const ref = onlyRef('${ 500885 | payload.aa }');
    assert.equal(ref.nodeId, '500885');
    assert.deepEqual(ref.path, ['payload', 'aa']);
    assert.equal(ref.source, ' 500885 | payload.aa ');
    assert.deepEqual(onlyRef('${\tpayload . items [ 1 ] [ "k" ]\n}').path, ['payload', 'items', 1, 'k']);
  });
  it('reads ${nodeId|} (and white space only) as that node\'s whole message', () => {
    assert.deepEqual(onlyRef('${415940|}').path, []);
    assert.deepEqual(onlyRef('${415940| }').path, []);
  });
  it('records start and end of each expression in the template', () => {
    const parts = parseTemplate('id=${a|x}, n=${y}').parts;
    const refs = parts.flatMap((p) => (p.kind === 'expr' ? [p.ref] : []));
    assert.deepEqual(refs.map((r) => [r.start, r.end]), [[3, 9], [13, 17]]);
  });
});

describe('parseTemplate: brackets and keys', () => {
  it('reads double- and single-quoted keys', () => {
    assert.deepEqual(onlyRef('${payload["a b"]}').path, ['payload', 'a b']);
    assert.deepEqual(onlyRef("${payload['x']}").path, ['payload', 'x']);
    assert.deepEqual(onlyRef(`\${payload['say "hi"']}`).path, ['payload', 'say "hi"']);
  });
  it('decodes escaped quotes and backslashes inside brackets', () => {
    assert.deepEqual(onlyRef('${payload["a\\"b"]}').path, ['payload', 'a"b']);
    assert.deepEqual(onlyRef("${payload['it\\'s']}").path, ['payload', "it's"]);
    assert.deepEqual(onlyRef('${payload["back\\\\slash"]}').path, ['payload', 'back\\slash']);
    assert.deepEqual(onlyRef('${payload["tab\\there\\u00e9"]}').path, ['payload', 'tab\there\u00e9']);
  });
  it('keeps }, | and ${ inside quoted keys', () => {
    assert.deepEqual(onlyRef('${payload["a}|b"]}').path, ['payload', 'a}|b']);
    assert.deepEqual(onlyRef("${n1|payload['x|y}']}"), {
      nodeId: 'n1', path: ['payload', 'x|y}'], source: "n1|payload['x|y}']", start: 0, end: 21,
    });
    assert.deepEqual(onlyRef('${payload["a${b"]}').path, ['payload', 'a${b']);
  });
  it('reads numeric indices as numbers and dotted digits as strings', () => {
    assert.deepEqual(onlyRef('${payload.rows[12][0]}').path, ['payload', 'rows', 12, 0]);
    assert.deepEqual(onlyRef('${payload.rows.0}').path, ['payload', 'rows', '0']);
  });
  it('accepts unicode keys, $, - and _ in bare keys', () => {
    assert.deepEqual(onlyRef('${payload.名前}').path, ['payload', '名前']);
    assert.deepEqual(onlyRef('${payload.ключ.значение}').path, ['payload', 'ключ', 'значение']);
    assert.deepEqual(onlyRef('${payload.😀x}').path, ['payload', '😀x']);
    assert.deepEqual(onlyRef('${headers.content-type}').path, ['headers', 'content-type']);
    assert.deepEqual(onlyRef('${payload.$id._x}').path, ['payload', '$id', '_x']);
  });
  it('allows a leading bracket and an empty quoted key', () => {
    assert.deepEqual(onlyRef('${n|["odd key"].x}').path, ['odd key', 'x']);
    assert.deepEqual(onlyRef('${payload[""]}').path, ['payload', '']);
  });
});

describe('parseTemplate: escapes, text and several expressions', () => {
  it('turns $${ into a literal ${', () => {
    assert.deepEqual(parseTemplate('$${x}'), { parts: [{ kind: 'text', text: '${x}' }], single: false });
    assert.deepEqual(shape('cost: $${payload} is literal'), ['cost: ${payload} is literal']);
  });
  it('applies $${ left to right', () => {
    assert.deepEqual(shape('$$${x}'), ['$${x}']);
    assert.deepEqual(shape('$${a}${b}'), ['${a}', { nodeId: undefined, path: ['b'] }]);
  });
  it('mixes escapes with real expressions', () => {
    assert.deepEqual(shape('use $${x} for ${payload.x}!'), ['use ${x} for ', { nodeId: undefined, path: ['payload', 'x'] }, '!']);
  });
  it('splits text and expressions, including adjacent ones', () => {
    assert.deepEqual(shape('a${x}${n|y}b'), [
      'a', { nodeId: undefined, path: ['x'] }, { nodeId: 'n', path: ['y'] }, 'b',
    ]);
    assert.equal(parseTemplate('${x}${y}').single, false);
    assert.equal(parseTemplate(' ${x}').single, false);
    assert.equal(parseTemplate('${x} ').single, false);
  });
});

describe('parseTemplate: malformed input', () => {
  it('rejects an unclosed ${', () => {
    throwsAt('${', 0, /unclosed expression: missing '}'/);
    throwsAt('hello ${payload.name', 6, /unclosed expression/);
    throwsAt('a ${x and ${y}', 2, /missing '}' before the next '\$\{'/);
  });
  it('rejects ${} and ${   }', () => {
    throwsAt('${}', 0, /empty expression/);
    throwsAt('x ${  }', 2, /empty expression/);
  });
  it('rejects a trailing dot', () => {
    throwsAt('${payload.}', 10, /expected a key after '\.', found '\}'/);
    throwsAt('${payload..x}', 10, /expected a key after '\.', found '\.'/);
    throwsAt('${.payload}', 2, /a path starts with a key or '\['/);
  });
  it('rejects an unclosed or empty bracket', () => {
    throwsAt('${payload[}', 10, /expected a number or a quoted key after '\[', found '\}'/);
    throwsAt('${payload[]}', 10, /expected a number or a quoted key/);
    throwsAt('${payload[0}', 11, /expected '\]' to close the '\[' at position 9, found '\}'/);
    throwsAt('${payload[abc]}', 10, /expected a number or a quoted key after '\[', found 'a'/);
    throwsAt('${payload["a" "b"]}', 14, /expected '\]'/);
  });
  it('rejects an unterminated string', () => {
    throwsAt('${payload["x]}', 10, /unterminated string/);
    throwsAt("${payload['x]}", 10, /unterminated string/);
    throwsAt('${payload["x\\"]}', 10, /unterminated string/);
  });
  it('rejects negative and huge indices', () => {
    throwsAt('${payload[-1]}', 10, /negative indices are not supported/);
    throwsAt('${payload[99999999999999999999]}', 10, /too large/);
  });
  it('rejects a bad \\u escape', () => {
    throwsAt('${payload["\\u12"]}', 11, /four hex digits/);
  });
  it('rejects invalid node ids', () => {
    throwsAt('${bad id!|x}', 2, /invalid node id 'bad id!'/);
    throwsAt('${ a.b | x}', 3, /invalid node id 'a\.b'/);
    throwsAt(`\${${'a'.repeat(65)}|x}`, 2, /invalid node id/);
    throwsAt('${|x}', 2, /missing node id before '\|'/);
  });
  it('rejects unexpected characters after a key', () => {
    throwsAt('${payload.x y}', 12, /unexpected 'y': expected '\.', '\[' or '\}'/);
    throwsAt('${a|b|c}', 5, /unexpected '\|'/);
    throwsAt('${payload{x}', 9, /unexpected '\{'/);
  });
  it('gives positions relative to the whole template', () => {
    throwsAt('Hello, ${payload.}!', 17, /expected a key/);
  });
});

/** Node-RED function bodies and mustache URLs rewritten for Tributary (pure text rewrites). */

/** Node-RED ids (`a1b2.c3d4`) as Tributary node ids, which allow only A–Z a–z 0–9 _ - */
export function nodeRedId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}

/** `{{payload.id}}` / `{{{payload.id}}}` → `${payload.id}`; a literal `${` is escaped */
export function mustache(text: string): string {
  return text.replaceAll('${', () => '$${').replace(/\{\{\{?\s*(?:msg\.)?([^{}]+?)\s*\}?\}\}/g, (_m, path: string) => `\${${path}}`);
}

/**
 * Node-RED's function body already is the body of a function of `msg` that returns messages;
 * ours is `async function (msg, ctx)`, so only the APIs differ. Whatever has no equivalent is
 * kept and warned about rather than removed, so the user sees it when the script runs.
 */
export function convertCode(func: string): { code: string; warnings: string[] } {
  const warnings: string[] = [];
  const notPrefixed = '(?<![.\\w$])';
  const replacements: [RegExp, string][] = [
    [new RegExp(`${notPrefixed}node\\.warn\\(`, 'g'), 'ctx.log.warn('],
    [new RegExp(`${notPrefixed}node\\.error\\(`, 'g'), 'ctx.log.error('],
    [new RegExp(`${notPrefixed}node\\.log\\(`, 'g'), 'ctx.log('],
    [new RegExp(`${notPrefixed}node\\.debug\\(`, 'g'), 'ctx.log('],
    [new RegExp(`${notPrefixed}node\\.trace\\(`, 'g'), 'ctx.log('],
    [new RegExp(`${notPrefixed}context\\.flow\\.(get|set)\\(`, 'g'), 'ctx.flow.$1('],
    [new RegExp(`${notPrefixed}context\\.(get|set)\\(`, 'g'), 'ctx.state.$1('],
    [new RegExp(`${notPrefixed}flow\\.(get|set)\\(`, 'g'), 'ctx.flow.$1('],
  ];
  let code = func;
  for (const [pattern, to] of replacements) code = code.replace(pattern, to);
  if (new RegExp(`${notPrefixed}(context\\.)?global\\.(get|set)\\(`).test(code)) {
    code = code.replace(new RegExp(`${notPrefixed}(?:context\\.)?global\\.(get|set)\\(`, 'g'), 'ctx.flow.$1(');
    warnings.push('global context has no equivalent; it now reads and writes flow context (ctx.flow)');
  }
  if (new RegExp(`${notPrefixed}node\\.send\\(`).test(code)) warnings.push('node.send() is not supported: return the messages instead');
  if (new RegExp(`${notPrefixed}node\\.(status|done|on)\\(`).test(code)) warnings.push('node.status/done/on are not supported');
  if (new RegExp(`${notPrefixed}(require|env\\.get|RED\\.)`).test(code)) warnings.push('require, env and RED are not available in scripts');
  return { code: code.trim() ? code : 'return msg;', warnings };
}

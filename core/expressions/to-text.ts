/** How a value reads when interpolated into text (SPEC §5): objects as JSON, null/undefined as "". */
export function toText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      if (value === null) return '';
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
      return toJson(value);
    default:
      return ''; // undefined, functions, symbols
  }
}

function toJson(value: object): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    // BigInt or a cycle (possible in driver results, never in JSON messages): a second, slower try.
    return JSON.stringify(value, tolerantReplacer()) ?? '';
  }
}

function tolerantReplacer(): (key: string, v: unknown) => unknown {
  const seen = new WeakSet<object>();
  return (_key, v) => {
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[Circular]';
      seen.add(v);
    }
    return v;
  };
}

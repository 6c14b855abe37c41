/**
 * JSON text of a value written with a budget: the walk stops as soon as the text passes
 * `limit` characters, so a 90 MB string or a list of a million rows costs about the limit, not
 * the value. On the way, lists are cut after `listLimit` items (with a marker), binary data
 * becomes a `$binary` summary, cycles and depth are bounded, and — given a masker — secrets and
 * values under sensitive keys are masked as they are written, so a cut preview is masked too.
 * Plain JSON data comes out exactly as JSON.stringify writes it.
 */
import { binarySummary, isBinary } from './binary.ts';

export interface TextMasker {
  maskText(text: string): string;
  isSensitiveKey(key: string): boolean;
  /** length of the longest secret, 0 when none */
  longestSecret: number;
}

export interface BoundedOptions {
  limit: number;
  listLimit: number;
  /** objects nested deeper are written as a marker */
  maxDepth: number;
  mask?: TextMasker | undefined;
}

export interface BoundedJson {
  /** the JSON text; when `cut`, its first `limit` characters are a preview (not valid JSON) */
  text: string;
  cut: boolean;
  /** length of the whole JSON text: exact when not cut, else a lower bound */
  bytes: number;
}

const MASKED = '"***"';

/** the key list of a large object a caller listed just before the walk (one slot) */
let remembered: { of: object; keys: string[] } | undefined;

/** Hand over the key list of `of` (already paid for) to the next walk; the longest list is kept. */
export function rememberKeys(of: object, keys: string[]): void {
  if (!remembered || keys.length > remembered.keys.length) remembered = { of, keys };
}

/** Drop a handed-over list that no walk will use (so it keeps nothing alive). */
export function forgetKeys(): void {
  remembered = undefined;
}

function keysOf(v: object): string[] {
  return remembered?.of === v ? remembered.keys : Object.keys(v);
}

export function boundedJson(value: unknown, options: BoundedOptions): BoundedJson {
  const w = new Writer(options);
  try {
    if (!w.write(value, '', 0)) w.out = 'null';
  } finally {
    forgetKeys();
  }
  const cut = w.out.length > options.limit;
  return { text: w.out, cut, bytes: w.out.length + w.unwritten };
}

/**
 * The first `n` characters of `text` with its secrets masked, masking only a window a little
 * longer than `n`: a secret cut by the window's end is never shown in part.
 */
export function maskedPrefix(text: string, n: number, mask: TextMasker): string {
  const look = mask.longestSecret;
  if (look === 0) return text.slice(0, n);
  for (let window = n + look; ; window *= 2) {
    if (window >= text.length) return mask.maskText(text).slice(0, n);
    const masked = mask.maskText(text.slice(0, window));
    // the last look-1 characters may hold the unmasked start of a secret that the window cut
    if (masked.length - (look - 1) >= n) return masked.slice(0, n);
  }
}

class Writer {
  out = '';
  /** characters counted but not written (the rest of cut strings) */
  unwritten = 0;
  private readonly ancestors: object[] = [];
  private readonly limit: number;
  private readonly listLimit: number;
  private readonly maxDepth: number;
  private readonly mask: TextMasker | undefined;

  constructor(o: BoundedOptions) {
    this.limit = o.limit;
    this.listLimit = o.listLimit;
    this.maxDepth = o.maxDepth;
    this.mask = o.mask;
  }

  private get full(): boolean {
    return this.out.length > this.limit;
  }

  /** false when `v` has no JSON form (undefined, a function, a symbol): left out of objects, null in lists */
  write(v: unknown, key: string, depth: number): boolean {
    if (v !== null && typeof v === 'object' && !isBinary(v) && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      v = (v as { toJSON: (key: string) => unknown }).toJSON(key);
    }
    switch (typeof v) {
      case 'string':
        this.string(v);
        return true;
      case 'number':
        this.out += Number.isFinite(v) ? String(v) : 'null';
        return true;
      case 'boolean':
        this.out += v ? 'true' : 'false';
        return true;
      case 'bigint':
        this.string(v.toString());
        return true;
      case 'object':
        break;
      default:
        return false;
    }
    if (v === null) {
      this.out += 'null';
      return true;
    }
    if (isBinary(v)) {
      const mask = this.mask;
      const hasSecret = mask ? (text: string) => mask.maskText(text) !== text : undefined;
      this.out += JSON.stringify({ $binary: binarySummary(v, hasSecret, mask?.longestSecret ?? 0) });
      return true;
    }
    if (depth >= this.maxDepth) {
      this.out += `{"__truncated":true,"depth":${depth}}`;
      return true;
    }
    if (this.ancestors.includes(v)) {
      this.out += '"[Circular]"';
      return true;
    }
    this.ancestors.push(v);
    if (Array.isArray(v)) this.list(v, depth);
    else this.object(v as Record<string, unknown>, depth);
    this.ancestors.pop();
    return true;
  }

  private list(v: unknown[], depth: number): void {
    const n = Math.min(v.length, this.listLimit);
    this.out += '[';
    for (let i = 0; i < n; i++) {
      if (i > 0) this.out += ',';
      if (!this.write(v[i], String(i), depth + 1)) this.out += 'null';
      if (this.full) return;
    }
    if (v.length > n) this.out += `${n > 0 ? ',' : ''}{"__truncated":true,"items":${v.length}}`;
    this.out += ']';
  }

  private object(v: Record<string, unknown>, depth: number): void {
    this.out += '{';
    let first = true;
    const mask = this.mask;
    for (const key of keysOf(v)) {
      const item = v[key];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      const before = this.out;
      if (!first) this.out += ',';
      this.string(key);
      if (this.full) return;
      this.out += ':';
      if (mask && item !== null && item !== '' && mask.isSensitiveKey(key)) this.out += MASKED;
      else if (!this.write(item, key, depth + 1)) {
        this.out = before; // a toJSON that gave nothing: the key is left out, as JSON.stringify does
        continue;
      }
      first = false;
      if (this.full) return;
    }
    this.out += '}';
  }

  private string(s: string): void {
    const room = this.limit - this.out.length + 1;
    const mask = this.mask;
    if (s.length <= room) {
      this.out += JSON.stringify(mask ? mask.maskText(s) : s);
      return;
    }
    const head = mask ? maskedPrefix(s, room, mask) : s.slice(0, room);
    this.out += JSON.stringify(head);
    this.unwritten += s.length - head.length;
  }
}

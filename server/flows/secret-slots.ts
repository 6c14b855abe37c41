/**
 * Where credentials sit inside a flow document (a node spec's `sensitiveParams`, and entries
 * with credential-like names of its `sensitiveEntries`), and the document transformations
 * around them: split a saved document into what is stored (`"***"` in place of each secret)
 * and the secrets themselves; put the secrets back for the engine; leave them out of exports.
 * Pure: no I/O, no encryption (see flow-secrets.ts).
 */
import { SECRET_MASK } from '../../core/connection-types.ts';
import type { FlowDocument, FlowNode } from '../../core/flow-types.ts';
import type { NodeSpec } from '../../core/node-spec.ts';
import { isSensitiveKey } from '../secrets/mask.ts';
import { isRecord } from '../../core/guards.ts';

/** secret values by slot key `<nodeId>:<param>` or `<nodeId>:<param>.<entry>` */
export type FlowSecretMap = Record<string, string>;

export type Specs = ReadonlyMap<string, NodeSpec>;

/** one secret's place in a node: `params[param]`, or `params[param][entry]` */
interface Slot { param: string; entry?: string }

/** a secret the document refers to (`"***"` or left out) that has no value */
export interface MissingSecret { nodeId: string; param: string; path: string }

// node ids are [A-Za-z0-9_-] and sensitive param names have no dot, so the key parses back
export function slotKey(nodeId: string, slot: Slot): string {
  return `${nodeId}:${slotName(slot)}`;
}

function slotName(slot: Slot): string {
  return slot.entry === undefined ? slot.param : `${slot.param}.${slot.entry}`;
}

/** the slots of `node` that hold something (a value, `"***"`, null or "") */
function slotsOf(node: FlowNode, spec: NodeSpec | undefined): Slot[] {
  if (!spec || !isRecord(node.params)) return [];
  const slots: Slot[] = [];
  for (const param of spec.sensitiveParams ?? []) if (param in node.params) slots.push({ param });
  for (const param of spec.sensitiveEntries ?? []) {
    const entries = node.params[param];
    if (isRecord(entries)) for (const entry of Object.keys(entries)) if (isSensitiveKey(entry)) slots.push({ param, entry });
  }
  return slots;
}

function read(params: Record<string, unknown>, slot: Slot): unknown {
  if (slot.entry === undefined) return params[slot.param];
  const entries = params[slot.param];
  return isRecord(entries) ? entries[slot.entry] : undefined;
}

/** sets the slot (on copies of the objects on the way); `undefined` removes it */
function write(params: Record<string, unknown>, slot: Slot, value: unknown): void {
  if (slot.entry === undefined) {
    if (value === undefined) delete params[slot.param];
    else params[slot.param] = value;
    return;
  }
  const entries = { ...(params[slot.param] as Record<string, unknown>) };
  if (value === undefined) delete entries[slot.entry];
  else entries[slot.entry] = value;
  params[slot.param] = entries;
}

function nodesOf(doc: unknown): FlowNode[] | undefined {
  if (!isRecord(doc) || !Array.isArray(doc['nodes'])) return undefined;
  return doc['nodes'] as FlowNode[];
}

/**
 * Visits every secret slot of a copy of `doc` (a document as sent: maybe malformed, which the
 * validator reports later). `visit` returns the slot's new value (undefined removes it).
 */
function mapSlots<T>(doc: T, specs: Specs, visit: (node: FlowNode, index: number, slot: Slot, value: unknown) => unknown): T {
  const copy = structuredClone(doc);
  nodesOf(copy)?.forEach((node, index) => {
    if (!isRecord(node) || typeof node.type !== 'string') return;
    const slots = slotsOf(node, specs.get(node.type));
    if (slots.length === 0) return;
    node.params = { ...node.params };
    for (const slot of slots) write(node.params, slot, visit(node, index, slot, read(node.params, slot)));
  });
  return copy;
}

export interface SplitDocument {
  /** the document with the secrets in clear: what is validated */
  resolved: unknown;
  /** the document to store: `"***"` where a secret is set */
  stored: unknown;
  secrets: FlowSecretMap;
  /** `"***"` sent where nothing is stored to keep: left out */
  missing: MissingSecret[];
}

/**
 * Write-only semantics, as for connection secrets: a new string replaces the secret, `"***"`
 * keeps the one stored for the same node (of the same type), `null` or `""` clears it.
 * Values of another type stay in place for the validator to refuse (every sensitive param is a string).
 */
export function splitSecrets(doc: unknown, specs: Specs, previous?: { doc: FlowDocument; secrets: FlowSecretMap }): SplitDocument {
  const secrets: FlowSecretMap = {};
  const missing: MissingSecret[] = [];
  const previousType = new Map((previous?.doc.nodes ?? []).map((n) => [n.id, n.type]));
  const kept = (node: FlowNode, key: string): string | undefined =>
    previousType.get(node.id) === node.type ? previous?.secrets[key] : undefined;

  const resolved = mapSlots(doc, specs, (node, index, slot, value) => {
    const key = slotKey(node.id, slot);
    if (value === null || value === '') return undefined;
    if (value === SECRET_MASK) {
      const old = kept(node, key);
      if (old === undefined) missing.push({ nodeId: node.id, param: slotName(slot), path: `nodes[${index}].params.${slotName(slot)}` });
      else secrets[key] = old;
      return old;
    }
    if (typeof value === 'string') secrets[key] = value;
    return value;
  });
  const stored = mapSlots(resolved, specs, (node, _index, slot, value) =>
    secrets[slotKey(node.id, slot)] !== undefined ? SECRET_MASK : value);
  return { resolved, stored, secrets, missing };
}

/** the stored document with its secrets in clear, for the engine; a `"***"` without a value is left out */
export function withSecrets(doc: FlowDocument, specs: Specs, secrets: FlowSecretMap): FlowDocument {
  return mapSlots(doc, specs, (node, _index, slot, value) =>
    value === SECRET_MASK ? secrets[slotKey(node.id, slot)] : value);
}

/** the stored document without its secrets (export files), and which were left out */
export function withoutSecrets(doc: FlowDocument, specs: Specs): { doc: FlowDocument; omitted: { nodeId: string; param: string }[] } {
  const omitted: { nodeId: string; param: string }[] = [];
  const out = mapSlots(doc, specs, (node, _index, slot, value) => {
    if (value !== SECRET_MASK) return value;
    omitted.push({ nodeId: node.id, param: slotName(slot) });
    return undefined;
  });
  return { doc: out, omitted };
}

/** every non-empty string secret replaced by `"***"` (documents written before secrets were split out) */
export function redactSecrets(doc: FlowDocument, specs: Specs): { doc: FlowDocument; changed: boolean } {
  let changed = false;
  const out = mapSlots(doc, specs, (_node, _index, _slot, value) => {
    if (typeof value !== 'string' || value === '' || value === SECRET_MASK) return value;
    changed = true;
    return SECRET_MASK;
  });
  return { doc: out, changed };
}

const PARAM_PATH = /^nodes\[(\d+)\]\.params\.([A-Za-z0-9_]+)$/;

/**
 * The secret a validation issue is about when that secret has no value in `doc` (e.g. "a token
 * is required" for a node imported without its token); undefined for any other issue.
 */
export function absentSecretAt(path: string, doc: unknown, specs: Specs): MissingSecret | undefined {
  const m = PARAM_PATH.exec(path);
  const node = m ? nodesOf(doc)?.[Number(m[1])] : undefined;
  const param = m?.[2];
  if (!node || !param || !isRecord(node.params)) return undefined;
  if (!specs.get(node.type)?.sensitiveParams?.includes(param)) return undefined;
  const value = node.params[param];
  return value === undefined || value === '' ? { nodeId: node.id, param, path } : undefined;
}

/** How a node type looks: its glyph and accent color (from ui hints, else by category). */
import type { NodeCategory } from '../../../core/node-spec.ts';
import type { NodeTypeInfo } from '../api/types.ts';

const GLYPHS: Record<string, string> = {
  clock: '◷', play: '▶', repeat: '↻', split: '⇉', edit: '✎', 'file-text': '≡', code: '{}', database: '⛁',
  globe: '⊕', send: '➤', inbox: '⇣', reply: '↩', radio: '◉', message: '✉',
};

export const CATEGORY_COLORS: Record<NodeCategory, string> = {
  trigger: '#0284c7',
  flow: '#d97706',
  function: '#7c3aed',
  database: '#059669',
  messaging: '#db2777',
  http: '#4f46e5',
  output: '#475569',
};

export const CATEGORY_LABELS: Record<NodeCategory, string> = {
  trigger: 'Triggers',
  flow: 'Flow control',
  function: 'Functions',
  database: 'Databases',
  messaging: 'Messaging',
  http: 'HTTP',
  output: 'Output',
};

export const CATEGORY_ORDER: NodeCategory[] = ['trigger', 'flow', 'function', 'database', 'messaging', 'http', 'output'];

export function glyphOf(info: NodeTypeInfo | undefined): string {
  const icon = info?.ui.icon;
  return (icon && GLYPHS[icon]) ?? (info?.label.slice(0, 1).toUpperCase() || '?');
}

export function colorOf(info: NodeTypeInfo | undefined): string {
  if (!info) return '#94a3b8';
  return CATEGORY_COLORS[info.category] ?? '#475569';
}

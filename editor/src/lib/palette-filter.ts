/** Palette search: a node type matches by its label, type, description, category (key or
 * shown label, so "database" finds the MySQL/PostgreSQL/Oracle nodes) or connection type. */
import type { NodeTypeInfo } from '../api/types.ts';
import { CATEGORY_LABELS } from './node-look.ts';

type Searchable = Pick<NodeTypeInfo, 'type' | 'label' | 'description' | 'category' | 'connectionTypes'>;

export function matchesPalette(t: Searchable, filter: string): boolean {
  const f = filter.trim().toLowerCase();
  if (!f) return true;
  const fields = [t.label, t.type, t.description, t.category, CATEGORY_LABELS[t.category] ?? '', ...t.connectionTypes];
  return fields.some((s) => s.toLowerCase().includes(f));
}

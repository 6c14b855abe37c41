/** Ctrl+F: the nodes whose name, id, type or type label match what the user typed (pure). */

export interface Findable { id: string; type: string; name?: string; typeLabel?: string }

export interface Found extends Findable {
  /** lower is better: exact id, then names and labels that start with the text, then anywhere */
  rank: number;
}

export function findNodes(nodes: readonly Findable[], query: string, limit = 20): Found[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [];
  const found: Found[] = [];
  for (const n of nodes) {
    const fields = [n.name, n.typeLabel, n.type, n.id].filter((f): f is string => Boolean(f)).map((f) => f.toLowerCase());
    let rank: number;
    if (n.id.toLowerCase() === q) rank = 0;
    else if (fields.some((f) => f.startsWith(q))) rank = 1;
    else if (fields.some((f) => f.includes(q))) rank = 2;
    else continue;
    found.push({ ...n, rank });
  }
  return found.sort((a, b) => a.rank - b.rank || (a.name ?? a.typeLabel ?? a.type).localeCompare(b.name ?? b.typeLabel ?? b.type) || a.id.localeCompare(b.id)).slice(0, limit);
}

/**
 * What the user is typing for a structured value (a list, JSON, key-value rows): kept as
 * typed while it does not parse, replaced when the value changes from outside (another node
 * selected, auto-map).
 */
import { useState } from 'react';

const key = (v: unknown): string => JSON.stringify(v) ?? '';

export function useDraft<T>(value: unknown, show: (v: unknown) => T): [T, (draft: T, emitted?: { value: unknown }) => void] {
  const [draft, setDraft] = useState<T>(() => show(value));
  const [seen, setSeen] = useState(() => key(value));
  const incoming = key(value);
  if (incoming !== seen) {
    setSeen(incoming);
    setDraft(show(value));
  }
  const update = (next: T, emitted?: { value: unknown }): void => {
    setDraft(next);
    if (emitted) setSeen(key(emitted.value));
  };
  return [draft, update];
}

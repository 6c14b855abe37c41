/** Node types from GET /api/node-types, loaded once per session. */
import { create } from 'zustand';
import { nodeTypesApi } from '../api/endpoints.ts';
import { errorText } from '../api/http.ts';
import type { NodeTypeInfo } from '../api/types.ts';

interface NodeTypesState {
  list: NodeTypeInfo[];
  byType: ReadonlyMap<string, NodeTypeInfo>;
  loaded: boolean;
  error?: string;
  load(): Promise<void>;
}

export const useNodeTypes = create<NodeTypesState>()((set, get) => ({
  list: [],
  byType: new Map(),
  loaded: false,
  async load() {
    if (get().loaded) return;
    try {
      const list = await nodeTypesApi.list();
      set({ list, byType: new Map(list.map((t) => [t.type, t])), loaded: true, error: undefined });
    } catch (err) {
      set({ error: errorText(err) });
    }
  },
}));

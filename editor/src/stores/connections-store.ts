/** Connection profiles for pickers (node params, template wizard); refreshed on demand. */
import { create } from 'zustand';
import { connectionsApi } from '../api/endpoints.ts';
import { errorText } from '../api/http.ts';
import type { ConnectionView } from '../api/types.ts';

interface ConnectionsState {
  list: ConnectionView[];
  loaded: boolean;
  error?: string;
  refresh(): Promise<void>;
}

export const useConnections = create<ConnectionsState>()((set) => ({
  list: [],
  loaded: false,
  async refresh() {
    try {
      set({ list: await connectionsApi.list(), loaded: true, error: undefined });
    } catch (err) {
      set({ error: errorText(err), loaded: true });
    }
  },
}));

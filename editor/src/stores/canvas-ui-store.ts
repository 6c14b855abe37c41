/** Which canvas overlays are open: the Ctrl+F search box and the `?` shortcuts dialog. */
import { create } from 'zustand';

interface CanvasUiState {
  findOpen: boolean;
  helpOpen: boolean;
  setFind(open: boolean): void;
  setHelp(open: boolean): void;
}

export const useCanvasUi = create<CanvasUiState>()((set) => ({
  findOpen: false,
  helpOpen: false,
  setFind: (findOpen) => set({ findOpen }),
  setHelp: (helpOpen) => set({ helpOpen }),
}));

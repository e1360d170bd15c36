import { createContext, useContext } from 'react';

/** How much larger than their base size the layer views draw their maps (displayScaleFor). */
export const DisplayScaleContext = createContext(1);

export function useDisplayScale(): number {
  return useContext(DisplayScaleContext);
}

export { displayScaleFor } from './layerDisplay.ts';

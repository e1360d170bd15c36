import { createContext, useContext } from 'react';

/** How much larger than their base size the layer views draw their maps (displayScaleFor). */
export const DisplayScaleContext = createContext(1);

export function useDisplayScale(): number {
  return useContext(DisplayScaleContext);
}

/**
 * How much larger again feature maps are drawn: 1, or more in presentation mode. Map grids wrap, so
 * they can grow past the panel's base layout; rows of units (C5, the outputs) keep the display scale.
 */
export const MapBoostContext = createContext(1);

export function useMapScale(): number {
  return useDisplayScale() * useContext(MapBoostContext);
}

export { displayScaleFor } from './layerDisplay.ts';

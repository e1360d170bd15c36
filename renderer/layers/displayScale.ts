import { createContext, useContext } from 'react';

/**
 * How much larger than their base size the layer views draw their maps: 1 in the 1280-wide window,
 * up to 1.8 on a large screen, so a wide panel shows bigger maps instead of empty space.
 */
export const DisplayScaleContext = createContext(1);

export function useDisplayScale(): number {
  return useContext(DisplayScaleContext);
}

/** The base layout fits a panel this wide (CSS pixels). */
const BASE_WIDTH = 520;

export function displayScaleFor(panelWidth: number): number {
  const raw = panelWidth / BASE_WIDTH;
  return Math.round(Math.min(1.8, Math.max(1, raw)) * 20) / 20;
}

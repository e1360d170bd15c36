import { getStroke, type StrokeOptions } from 'perfect-freehand';
import type { Stroke } from './ink.ts';

/** Stroke width in ink units at full pressure (the field is 1000 units wide). */
export const STROKE_SIZE = 44;

function optionsFor(stroke: Stroke, complete: boolean): StrokeOptions {
  return {
    size: STROKE_SIZE,
    thinning: stroke.pointer === 'pen' ? 0.6 : 0.45,
    smoothing: 0.5,
    streamline: 0.4,
    // A mouse has no pressure: let speed thin the line instead, as ink from a nib would.
    simulatePressure: stroke.pointer !== 'pen',
    last: complete,
  };
}

/**
 * The stroke's outline as an SVG path (ink units). Display only: the core receives the raw samples, never
 * this outline.
 */
export function strokeOutlinePath(stroke: Stroke, complete: boolean): string {
  const input = stroke.samples.map((s) => [s.at.x, s.at.y, s.pressure]);
  const outline = getStroke(input, optionsFor(stroke, complete));
  if (outline.length < 3) return '';
  const average = (a: number, b: number): string => ((a + b) / 2).toFixed(2);
  const [first, second] = outline;
  let d = `M${first[0].toFixed(2)},${first[1].toFixed(2)} Q${second[0].toFixed(2)},${second[1].toFixed(2)} ${average(second[0], outline[2][0])},${average(second[1], outline[2][1])} T`;
  for (let i = 2; i < outline.length - 1; i++) {
    d += `${average(outline[i][0], outline[i + 1][0])},${average(outline[i][1], outline[i + 1][1])} `;
  }
  return `${d}Z`;
}

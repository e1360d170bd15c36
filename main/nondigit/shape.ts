import type { Ink } from '../ink/types.ts';

/** Numbers about an ink's vector strokes, in its own units (any unit: only ratios are compared). */
export interface InkShape {
  readonly strokes: number;
  readonly points: number;
  /** The larger side of the ink's bounding box (0 for a single point). */
  readonly size: number;
  /** Height over width of the bounding box (Infinity for a vertical line, 0 for a horizontal one). */
  readonly aspect: number;
  /** Total length of all strokes. */
  readonly pathLength: number;
  /** pathLength / size: about 1 for a straight line, 2-6 for digits, far more for a scribble. */
  readonly tortuosity: number;
  /** The straight distance between the ends of the longest stroke over its length (1 = a straight line). */
  readonly straightness: number;
  /** Angle of the longest stroke's chord from vertical, 0..90 degrees. */
  readonly angleFromVertical: number;
}

export function inkShape(ink: Ink): InkShape {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  let points = 0, pathLength = 0, strokes = 0;
  let longest = { length: -1, dx: 0, dy: 0 };
  for (const stroke of ink.strokes) {
    if (stroke.length === 0) continue;
    strokes++;
    let length = 0;
    for (let i = 0; i < stroke.length; i++) {
      const [x, y] = stroke[i];
      points++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      if (i > 0) length += Math.hypot(x - stroke[i - 1][0], y - stroke[i - 1][1]);
    }
    pathLength += length;
    if (length > longest.length) {
      const first = stroke[0], last = stroke[stroke.length - 1];
      longest = { length, dx: last[0] - first[0], dy: last[1] - first[1] };
    }
  }
  if (points === 0) return { strokes: 0, points: 0, size: 0, aspect: 1, pathLength: 0, tortuosity: 0, straightness: 0, angleFromVertical: 0 };
  const width = maxX - minX, height = maxY - minY;
  const size = Math.max(width, height);
  const chord = Math.hypot(longest.dx, longest.dy);
  return {
    strokes,
    points,
    size,
    aspect: width === 0 ? (height === 0 ? 1 : Infinity) : height / width,
    pathLength,
    tortuosity: size > 0 ? pathLength / size : 0,
    straightness: longest.length > 0 ? chord / longest.length : 0,
    angleFromVertical: chord > 0 ? (Math.atan2(Math.abs(longest.dx), Math.abs(longest.dy)) * 180) / Math.PI : 0,
  };
}

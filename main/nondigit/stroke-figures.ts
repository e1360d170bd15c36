import type { Ink } from '../ink/types.ts';
import type { InkShape } from './shape.ts';

/** Names of the figures strokeFigures returns, in order (the reject head's card lists them). */
export const STROKE_FIGURES = [
  'strokes', 'logTortuosity', 'logAspect', 'straightness', 'angleFromVertical',
  'turning', 'netTurning', 'corners', 'startX', 'startY', 'endX', 'endY', 'longestShare', 'penUpTravel',
] as const;

/** Resampling step as a share of the ink's size: turning angles then do not depend on the tablet's sampling rate. */
const STEP = 1 / 24;
/** A turn sharper than this (radians, between resampled steps) counts as a corner. */
const CORNER = Math.PI / 3;

/**
 * Figures about how the strokes were drawn, in the ink's own scale: how much the pen turned (in
 * full turns, absolute and signed), how many sharp corners, where the first stroke starts and the
 * last ends within the box, the longest stroke's share of the path and the pen-up travel between
 * strokes. A letter and a digit of the same outline are often drawn differently.
 */
export function strokeFigures(ink: Ink, shape: InkShape): Float32Array {
  const f = new Float32Array(STROKE_FIGURES.length);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const strokes = ink.strokes.filter((s) => s.length > 0);
  for (const s of strokes) for (const p of s) {
    if (p[0] < minX) minX = p[0];
    if (p[0] > maxX) maxX = p[0];
    if (p[1] < minY) minY = p[1];
    if (p[1] > maxY) maxY = p[1];
  }
  const size = Math.max(maxX - minX, maxY - minY);
  let turning = 0, net = 0, corners = 0, longest = 0, penUp = 0;
  if (strokes.length > 0 && size > 0) {
    const step = STEP * size;
    let last: readonly number[] | null = null;
    for (const s of strokes) {
      if (last) penUp += Math.hypot(s[0][0] - last[0], s[0][1] - last[1]);
      last = s[s.length - 1];
      const r = resample(s, step);
      let length = 0;
      for (let i = 1; i < s.length; i++) length += Math.hypot(s[i][0] - s[i - 1][0], s[i][1] - s[i - 1][1]);
      if (length > longest) longest = length;
      for (let i = 2; i < r.length; i++) {
        const a1 = Math.atan2(r[i - 1][1] - r[i - 2][1], r[i - 1][0] - r[i - 2][0]);
        const a2 = Math.atan2(r[i][1] - r[i - 1][1], r[i][0] - r[i - 1][0]);
        let d = a2 - a1;
        while (d > Math.PI) d -= 2 * Math.PI;
        while (d < -Math.PI) d += 2 * Math.PI;
        turning += Math.abs(d);
        net += d;
        if (Math.abs(d) > CORNER) corners++;
      }
    }
  }
  const rel = (v: number, lo: number) => (size > 0 ? (v - lo) / size : 0.5);
  const first = strokes[0]?.[0], end = strokes.at(-1)?.at(-1);
  let i = 0;
  f[i++] = Math.min(shape.strokes, 10);
  f[i++] = Math.log(Math.max(shape.tortuosity, 1e-3));
  f[i++] = Math.log(Math.min(Math.max(Number.isFinite(shape.aspect) ? shape.aspect : 16, 1 / 16), 16));
  f[i++] = shape.straightness;
  f[i++] = shape.angleFromVertical / 90;
  f[i++] = Math.log1p(turning / (2 * Math.PI));
  f[i++] = net / (2 * Math.PI);
  f[i++] = Math.log1p(corners);
  f[i++] = first ? rel(first[0], minX) : 0.5;
  f[i++] = first ? rel(first[1], minY) : 0.5;
  f[i++] = end ? rel(end[0], minX) : 0.5;
  f[i++] = end ? rel(end[1], minY) : 0.5;
  f[i++] = shape.pathLength > 0 ? longest / shape.pathLength : 1;
  f[i++] = Math.log1p(size > 0 ? penUp / size : 0);
  return f;
}

/** Points along a stroke every `step` of its length (at least its two ends). */
function resample(stroke: readonly (readonly number[])[], step: number): [number, number][] {
  const out: [number, number][] = [[stroke[0][0], stroke[0][1]]];
  let carry = 0;
  for (let i = 1; i < stroke.length; i++) {
    const [x0, y0] = stroke[i - 1], [x1, y1] = stroke[i];
    const seg = Math.hypot(x1 - x0, y1 - y0);
    if (seg === 0) continue;
    let t = step - carry;
    while (t <= seg) {
      out.push([x0 + ((x1 - x0) * t) / seg, y0 + ((y1 - y0) * t) / seg]);
      t += step;
    }
    carry = seg - (t - step);
  }
  const last = stroke[stroke.length - 1];
  const tail = out[out.length - 1];
  if (Math.hypot(last[0] - tail[0], last[1] - tail[1]) > step / 4) out.push([last[0], last[1]]);
  return out;
}

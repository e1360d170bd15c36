import { MIN_POINT_SPACING } from './preprocess.ts';
import { MAX_STORED_INK_POINTS, type Ink, type InkPoint, type InkStroke } from './types.ts';


/**
 * Pixels of the 20x20 box the digit is fitted to (see preprocess.ts). Tolerances below are in pixels at
 * that scale; the pipeline's own scale is a little smaller (the pen's width is taken off the box), so a
 * tolerance here is at most that many pixels of the real 28x28 image.
 */
const BOX_PIXELS = 20;
/** First pass: points closer than this to the last kept one are dropped (the pipeline drops < 0.1 px itself). */
const STORED_POINT_SPACING = MIN_POINT_SPACING / 2;
/** Second pass: Ramer–Douglas–Peucker tolerances tried in turn, finest first, until the ink fits the cap. */
const RDP_TOLERANCES = [0.02, 0.05, 0.1, 0.2, 0.4];
/**
 * RDP runs over windows of at most this many points (the window ends are kept), so that its worst case
 * (quadratic in the window) stays bounded whatever the ink.
 */
const RDP_WINDOW = 512;

export interface BoundedInk {
  readonly ink: Ink;
  /** Points before and after; equal when the ink was stored as it came. */
  readonly pointsIn: number;
  readonly pointsOut: number;
}

/**
 * An ink of at most `maxPoints` points, for storing: an ink within the cap is returned as it is (the same
 * object). A denser one keeps a subset of its own points (times and pressures with them; every stroke
 * keeps its first and last point): first without points closer than 0.05 px of the 28x28 image to the last
 * kept one, then with Ramer–Douglas–Peucker at the finest tolerance (0.02 px up to 0.4 px) that fits, and
 * only if even that is not enough (a scribble of many laps), evenly thinned to the cap. The image the
 * network sees changes by a small fraction of a grey level for a dense ink of ordinary shape.
 */
export function boundInk(ink: Ink, maxPoints = MAX_STORED_INK_POINTS): BoundedInk {
  const pointsIn = countPoints(ink.strokes);
  if (pointsIn <= maxPoints) return { ink, pointsIn, pointsOut: pointsIn };
  const unitsPerPixel = inkUnitsPerPixel(ink.strokes);
  let strokes: InkStroke[] = ink.strokes.map((s) => spaced(s, STORED_POINT_SPACING * unitsPerPixel));
  for (const tolerance of RDP_TOLERANCES) {
    if (countPoints(strokes) <= maxPoints) break;
    strokes = strokes.map((s) => rdp(s, tolerance * unitsPerPixel));
  }
  if (countPoints(strokes) > maxPoints) strokes = thinned(strokes, maxPoints);
  const out: Ink = { strokes, ...(ink.label !== undefined ? { label: ink.label } : {}), ...(ink.writer !== undefined ? { writer: ink.writer } : {}) };
  return { ink: out, pointsIn, pointsOut: countPoints(strokes) };
}

export function countPoints(strokes: readonly InkStroke[]): number {
  let n = 0;
  for (const s of strokes) n += s.length;
  return n;
}

/** Ink units per pixel of the 20x20 box (0 for a dot: every point is at the same place). */
function inkUnitsPerPixel(strokes: readonly InkStroke[]): number {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const stroke of strokes) {
    for (const p of stroke) {
      if (p[0] < minX) minX = p[0];
      if (p[0] > maxX) maxX = p[0];
      if (p[1] < minY) minY = p[1];
      if (p[1] > maxY) maxY = p[1];
    }
  }
  const size = Math.max(maxX - minX, maxY - minY);
  return Number.isFinite(size) ? size / BOX_PIXELS : 0;
}

function spaced(stroke: InkStroke, min: number): InkStroke {
  if (stroke.length <= 2) return stroke;
  const out: InkPoint[] = [stroke[0]];
  const min2 = min * min;
  let last = stroke[0];
  for (let i = 1; i < stroke.length - 1; i++) {
    const p = stroke[i];
    const dx = p[0] - last[0], dy = p[1] - last[1];
    if (dx * dx + dy * dy >= min2 && dx * dx + dy * dy > 0) {
      out.push(p);
      last = p;
    }
  }
  out.push(stroke[stroke.length - 1]);
  return out;
}

/** Ramer–Douglas–Peucker, without recursion, window by window. */
function rdp(stroke: InkStroke, tolerance: number): InkStroke {
  const n = stroke.length;
  if (n <= 2) return stroke;
  const keep = new Uint8Array(n);
  const tol2 = tolerance * tolerance;
  const stack: number[] = [];
  for (let start = 0; start < n - 1; start += RDP_WINDOW) {
    const end = Math.min(start + RDP_WINDOW, n - 1);
    keep[start] = 1;
    keep[end] = 1;
    stack.push(start, end);
    while (stack.length > 0) {
      const b = stack.pop()!;
      const a = stack.pop()!;
      if (b - a < 2) continue;
      const ax = stroke[a][0], ay = stroke[a][1];
      const ex = stroke[b][0] - ax, ey = stroke[b][1] - ay;
      const len2 = ex * ex + ey * ey;
      let worst = -1, worstD2 = tol2;
      for (let i = a + 1; i < b; i++) {
        const px = stroke[i][0] - ax, py = stroke[i][1] - ay;
        let d2: number;
        if (len2 === 0) d2 = px * px + py * py;
        else {
          // distance to the segment (not the line), so a stroke that doubles back keeps its turning point
          const t = Math.max(0, Math.min(1, (px * ex + py * ey) / len2));
          const qx = px - t * ex, qy = py - t * ey;
          d2 = qx * qx + qy * qy;
        }
        if (d2 > worstD2) {
          worstD2 = d2;
          worst = i;
        }
      }
      if (worst < 0) continue;
      keep[worst] = 1;
      stack.push(a, worst, worst, b);
    }
  }
  const out: InkPoint[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(stroke[i]);
  return out;
}

/** Every stroke keeps its ends; the points between are taken evenly so the whole ink has at most `max`. */
function thinned(strokes: readonly InkStroke[], max: number): InkStroke[] {
  const ends = strokes.reduce((n, s) => n + Math.min(s.length, 2), 0);
  const inner = countPoints(strokes) - ends;
  const room = Math.max(0, max - ends);
  return strokes.map((s) => {
    if (s.length <= 2) return s;
    const want = inner === 0 ? 0 : Math.floor(((s.length - 2) * room) / inner);
    const out: InkPoint[] = [s[0]];
    for (let k = 0; k < want; k++) out.push(s[1 + Math.floor(((k + 0.5) * (s.length - 2)) / want)]);
    out.push(s[s.length - 1]);
    return out;
  });
}


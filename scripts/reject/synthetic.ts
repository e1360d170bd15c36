import { Rng } from '../../main/engine/rng.ts';
import type { Ink } from '../../main/ink/types.ts';

type Point = [number, number];

/** A random affine distortion of an ink's strokes: rotation ±15°, shear ±0.3, aspect ±20%. */
export function distortInk(ink: Ink, rng: Rng): Ink {
  const a = (rng.uniform(-15, 15) * Math.PI) / 180, sh = rng.uniform(-0.3, 0.3), k = Math.exp(rng.uniform(-0.2, 0.2));
  const c = Math.cos(a), s = Math.sin(a);
  return { strokes: ink.strokes.map((st) => st.map((p) => { const x = p[0] * k + sh * p[1], y = p[1] / k; return [c * x - s * y, s * x + c * y] as Point; })) };
}

/** The kinds of synthetic non-digits: shapes nobody writes as a digit. */
export const SYNTHETIC_KINDS = ['scribble', 'zigzag', 'spiral', 'smiley', 'hash', 'star', 'box'] as const;
export type SyntheticKind = (typeof SYNTHETIC_KINDS)[number];

/** A hand-like line through the points: Catmull-Rom through them, sampled every few units, with a little tremor. */
function smooth(points: Point[], rng: Rng, per = 8): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < points.length - 1; i++) {
    const p0 = points[Math.max(0, i - 1)], p1 = points[i], p2 = points[i + 1], p3 = points[Math.min(points.length - 1, i + 2)];
    for (let k = 0; k < per; k++) {
      const t = k / per, t2 = t * t, t3 = t2 * t;
      const f = (a: number, b: number, c: number, d: number) => 0.5 * (2 * b + (-a + c) * t + (2 * a - 5 * b + 4 * c - d) * t2 + (-a + 3 * b - 3 * c + d) * t3);
      out.push([f(p0[0], p1[0], p2[0], p3[0]) + rng.normal() * 0.4, f(p0[1], p1[1], p2[1], p3[1]) + rng.normal() * 0.4]);
    }
  }
  out.push(points[points.length - 1]);
  return out;
}

function arc(cx: number, cy: number, rx: number, ry: number, from: number, to: number, n: number): Point[] {
  return Array.from({ length: n + 1 }, (_, k) => {
    const a = from + ((to - from) * k) / n;
    return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)] as Point;
  });
}

/** One synthetic non-digit ink of the given kind, in a box of about 100 units. */
export function syntheticInk(kind: SyntheticKind, rng: Rng): Ink {
  const r = () => rng.uniform(0, 100);
  let strokes: Point[][];
  switch (kind) {
    case 'scribble': {
      // a random walk that turns back on itself many times
      const n = 7 + rng.int(8);
      strokes = [smooth(Array.from({ length: n }, () => [r(), r()] as Point), rng)];
      break;
    }
    case 'zigzag': {
      const n = 4 + rng.int(6), h = rng.uniform(20, 100), w = rng.uniform(40, 100), vertical = rng.uniform(0, 1) < 0.5;
      const pts = Array.from({ length: n + 1 }, (_, k) => [(k * w) / n + rng.normal() * 3, (k % 2) * h + rng.normal() * 3] as Point);
      strokes = [pts.map(([x, y]) => (vertical ? [y, x] : [x, y]) as Point)];
      break;
    }
    case 'spiral': {
      const turns = rng.uniform(1.8, 4), n = Math.round(turns * 24), dir = rng.uniform(0, 1) < 0.5 ? 1 : -1;
      strokes = [Array.from({ length: n + 1 }, (_, k) => {
        const t = k / n, a = dir * t * turns * 2 * Math.PI, rad = 5 + 45 * t;
        return [50 + rad * Math.cos(a) + rng.normal(), 50 + rad * Math.sin(a) + rng.normal()] as Point;
      })];
      break;
    }
    case 'smiley': {
      const face = arc(50, 50, rng.uniform(40, 50), rng.uniform(40, 50), 0, 2 * Math.PI * rng.uniform(0.95, 1.05), 40);
      const eye = (x: number): Point[] => arc(x, 35, 3, 3, 0, 2 * Math.PI, 8);
      const mouth = arc(50, 55, rng.uniform(15, 25), rng.uniform(8, 18), 0.2, Math.PI - 0.2, 16);
      strokes = [face, eye(35 + rng.normal() * 3), eye(65 + rng.normal() * 3), mouth];
      break;
    }
    case 'hash': {
      const n = 2 + rng.int(2);
      strokes = [];
      for (let k = 0; k < n; k++) strokes.push([[10, 25 + k * (50 / (n - 1)) + rng.normal() * 4], [90, 25 + k * (50 / (n - 1)) + rng.normal() * 4]]);
      for (let k = 0; k < n; k++) strokes.push([[25 + k * (50 / (n - 1)) + rng.normal() * 4, 10], [25 + k * (50 / (n - 1)) + rng.normal() * 4, 90]]);
      break;
    }
    case 'star': {
      const pts: Point[] = [];
      for (let k = 0; k <= 5; k++) {
        const a = -Math.PI / 2 + (k * 4 * Math.PI) / 5;
        pts.push([50 + 45 * Math.cos(a) + rng.normal() * 3, 50 + 45 * Math.sin(a) + rng.normal() * 3]);
      }
      strokes = [pts];
      break;
    }
    case 'box': {
      const w = rng.uniform(40, 100), h = rng.uniform(40, 100);
      const box: Point[] = [[0, 0], [w, 0], [w, h], [0, h], [0, 0]];
      // a box with a cross or a diagonal in it: a filled-in checkbox, a crossed-out field
      strokes = [box.map(([x, y]) => [x + rng.normal() * 2, y + rng.normal() * 2] as Point), [[0, 0], [w, h]]];
      if (rng.uniform(0, 1) < 0.5) strokes.push([[w, 0], [0, h]]);
      break;
    }
  }
  const ink = { strokes: strokes.map((s) => s.map(([x, y]) => [x, y] as Point)) };
  return distortInk(ink, rng);
}

/** `count` synthetic non-digits, the kinds in turn. */
export function syntheticInks(count: number, seed: number): { ink: Ink; kind: SyntheticKind }[] {
  const rng = new Rng(seed, 13);
  return Array.from({ length: count }, (_, i) => {
    const kind = SYNTHETIC_KINDS[i % SYNTHETIC_KINDS.length];
    return { ink: syntheticInk(kind, rng), kind };
  });
}

import type { InkPoint } from './coords.ts';
import type { Stroke } from './ink.ts';

type Segment = readonly [InkPoint, InkPoint];

function distanceToSegment(p: InkPoint, [a, b]: Segment): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / lengthSquared));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

function cross(o: InkPoint, a: InkPoint, b: InkPoint): number {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

function segmentsCross([a, b]: Segment, [c, d]: Segment): boolean {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

/** The shortest distance between two segments (0 when they cross). */
export function segmentDistance(s: Segment, t: Segment): number {
  if (segmentsCross(s, t)) return 0;
  return Math.min(distanceToSegment(s[0], t), distanceToSegment(s[1], t), distanceToSegment(t[0], s), distanceToSegment(t[1], s));
}

function segmentsOf(points: readonly InkPoint[]): Segment[] {
  if (points.length === 1) return [[points[0], points[0]]];
  return points.slice(1).map((p, i): Segment => [points[i], p]);
}

/**
 * The ids of strokes that an eraser of `radius` ink units touches while moving along `path` (a polyline:
 * a fast eraser that jumps across a stroke between two samples still takes it).
 */
export function strokesTouchedBy(strokes: readonly Stroke[], path: readonly InkPoint[], radius: number): Set<number> {
  const touched = new Set<number>();
  if (path.length === 0) return touched;
  const eraser = segmentsOf(path);
  for (const stroke of strokes) {
    if (stroke.samples.length === 0) continue;
    const line = segmentsOf(stroke.samples.map((s) => s.at));
    if (line.some((a) => eraser.some((b) => segmentDistance(a, b) <= radius))) touched.add(stroke.id);
  }
  return touched;
}

import { z } from 'zod';
import { InkError, MAX_INK_COORDINATE, MAX_INK_POINTS, MAX_INK_STROKES, type Ink, type InkStroke } from './types.ts';

/**
 * Checks that `value` is an ink and returns it typed; throws an InkError naming the first problem found.
 * Strokes and points are the input's own arrays (not copies); keys other than strokes, label and writer
 * (a dataset's `institution`, say) are dropped. A stroke with no points is allowed and draws nothing.
 *
 * Written by hand rather than as a zod schema: it runs over up to a million points on every prediction,
 * and its messages point at the exact point (`ink.strokes[0][12][1] must be a finite number, got NaN`).
 */
export function parseInk(value: unknown, options: { maxPoints?: number } = {}): Ink {
  const maxPoints = options.maxPoints ?? MAX_INK_POINTS;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InkError(`an ink must be an object {strokes: [...]}, got ${describe(value)}`);
  }
  const record = value as Record<string, unknown>;
  const strokes = record.strokes;
  if (!Array.isArray(strokes)) throw new InkError(`ink.strokes must be an array of strokes, got ${describe(strokes)}`);
  if (strokes.length > MAX_INK_STROKES) {
    throw new InkError(`ink has ${strokes.length} strokes; at most ${MAX_INK_STROKES} are accepted`);
  }
  let points = 0;
  for (let s = 0; s < strokes.length; s++) {
    const stroke: unknown = strokes[s];
    if (!Array.isArray(stroke)) throw new InkError(`ink.strokes[${s}] must be an array of points, got ${describe(stroke)}`);
    points += stroke.length;
    if (points > maxPoints) throw new InkError(`ink has more than ${maxPoints} points; that many are not accepted`);
    for (let i = 0; i < stroke.length; i++) checkPoint(stroke[i], s, i);
  }
  const ink: { strokes: readonly InkStroke[]; label?: number; writer?: string } = { strokes: strokes as InkStroke[] };
  if (record.label !== undefined) {
    const label = record.label;
    if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label > 9) {
      throw new InkError(`ink.label must be a digit 0-9, got ${describe(label)}`);
    }
    ink.label = label;
  }
  if (record.writer !== undefined) {
    if (typeof record.writer !== 'string') throw new InkError(`ink.writer must be a string, got ${describe(record.writer)}`);
    ink.writer = record.writer;
  }
  return ink;
}

/** The same check as a zod schema, for contracts (main/api) that validate payloads with zod. */
export const inkSchema = z.unknown().transform((value, ctx): Ink => {
  try {
    return parseInk(value);
  } catch (err) {
    if (!(err instanceof InkError)) throw err;
    ctx.addIssue({ code: 'custom', message: err.message });
    return z.NEVER;
  }
});

function checkPoint(point: unknown, s: number, i: number): void {
  const where = `ink.strokes[${s}][${i}]`;
  if (!Array.isArray(point)) throw new InkError(`${where} must be a point [x, y] or [x, y, t, p], got ${describe(point)}`);
  if (point.length !== 2 && point.length !== 4) {
    throw new InkError(`${where} has ${point.length} values; a point is [x, y] or [x, y, t, p]`);
  }
  for (let k = 0; k < point.length; k++) {
    const v: unknown = point[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InkError(`${where}[${k}] (${COMPONENT[k]}) must be a finite number, got ${describe(v)}`);
    }
    if (k < 2 && Math.abs(v) > MAX_INK_COORDINATE) {
      throw new InkError(`${where}[${k}] (${COMPONENT[k]}) = ${v} is beyond ±${MAX_INK_COORDINATE}`);
    }
  }
  if (point.length === 4 && (point[3] < 0 || point[3] > 1)) {
    throw new InkError(`${where}[3] (pressure) must be within 0..1, got ${point[3]}`);
  }
}

const COMPONENT = ['x', 'y', 't', 'pressure'];

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return `a ${typeof value}`;
}

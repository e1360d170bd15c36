import { describe, expect, it } from 'vitest';
import { InkError, inkSchema, MAX_INK_COORDINATE, MAX_INK_POINTS, MAX_INK_STROKES, parseInk } from '../../main/ink/index.ts';

describe('parseInk accepts the ink format of DESIGN.md', () => {
  it('takes [x, y] and [x, y, t, p] points, label and writer, and drops other keys', () => {
    const ink = parseInk({ label: 7, writer: 'syn/cam', institution: 'syn', strokes: [[[1, 2], [3, 4, 10, 0.5]], []] });
    expect(ink).toEqual({ label: 7, writer: 'syn/cam', strokes: [[[1, 2], [3, 4, 10, 0.5]], []] });
    expect('institution' in ink).toBe(false);
  });

  it('accepts an ink without strokes (an empty canvas)', () => {
    expect(parseInk({ strokes: [] }).strokes).toEqual([]);
  });

  it(`accepts exactly ${MAX_INK_POINTS} points and refuses one more`, () => {
    const point = [0, 0];
    expect(parseInk({ strokes: [new Array(MAX_INK_POINTS).fill(point)] }).strokes[0]).toHaveLength(MAX_INK_POINTS);
    const tooMany = { strokes: [new Array(MAX_INK_POINTS - 10).fill(point), new Array(11).fill(point)] };
    expect(() => parseInk(tooMany)).toThrow(`more than ${MAX_INK_POINTS} points`);
  });
});

describe('parseInk refuses malformed input with an InkError naming the spot', () => {
  const cases: [string, unknown, RegExp][] = [
    ['null', null, /must be an object/],
    ['an array', [[[0, 0]]], /must be an object/],
    ['a string', 'ink', /must be an object/],
    ['no strokes', { label: 1 }, /ink\.strokes must be an array/],
    ['strokes not an array', { strokes: { 0: [] } }, /ink\.strokes must be an array/],
    ['a stroke that is not an array', { strokes: [[[0, 0]], 5] }, /ink\.strokes\[1\] must be an array of points, got 5/],
    ['a point that is not an array', { strokes: [[[0, 0], { x: 1, y: 2 }]] }, /ink\.strokes\[0\]\[1\] must be a point/],
    ['a point with 1 value', { strokes: [[[0]]] }, /ink\.strokes\[0\]\[0\] has 1 values/],
    ['a point with 3 values', { strokes: [[[0, 0, 5]]] }, /has 3 values; a point is \[x, y\] or \[x, y, t, p\]/],
    ['a point with 5 values', { strokes: [[[0, 0, 5, 0.5, 1]]] }, /has 5 values/],
    ['NaN x', { strokes: [[[0, 0], [NaN, 1]]] }, /ink\.strokes\[0\]\[1\]\[0\] \(x\) must be a finite number, got NaN/],
    ['Infinity y', { strokes: [[[0, Infinity]]] }, /\[1\] \(y\) must be a finite number, got Infinity/],
    ['-Infinity x', { strokes: [[[-Infinity, 0]]] }, /\(x\) must be a finite number, got -Infinity/],
    ['null coordinate (what JSON makes of NaN)', { strokes: [[[null, 0]]] }, /\(x\) must be a finite number, got null/],
    ['string coordinate', { strokes: [[['1', 0]]] }, /\(x\) must be a finite number, got the string "1"/],
    ['NaN time', { strokes: [[[0, 0, NaN, 0.5]]] }, /\(t\) must be a finite number/],
    ['pressure above 1', { strokes: [[[0, 0, 0, 1.5]]] }, /\(pressure\) must be within 0\.\.1, got 1\.5/],
    ['negative pressure', { strokes: [[[0, 0, 0, -0.1]]] }, /\(pressure\) must be within 0\.\.1/],
    ['a huge coordinate', { strokes: [[[0, 2 * MAX_INK_COORDINATE]]] }, /beyond ±1000000000/],
    ['a label that is not a digit', { label: 10, strokes: [] }, /ink\.label must be a digit 0-9, got 10/],
    ['a fractional label', { label: 1.5, strokes: [] }, /ink\.label must be a digit/],
    ['a writer that is not a string', { writer: 3, strokes: [] }, /ink\.writer must be a string/],
    ['too many strokes', { strokes: new Array(MAX_INK_STROKES + 1).fill([]) }, /1001 strokes; at most 1000/],
  ];
  for (const [name, value, message] of cases) {
    it(name, () => {
      expect(() => parseInk(value)).toThrow(InkError);
      expect(() => parseInk(value)).toThrow(message);
    });
  }
});

describe('inkSchema (the zod form of parseInk)', () => {
  it('passes a valid ink through and reports the InkError message as an issue', () => {
    expect(inkSchema.parse({ strokes: [[[1, 2]]], label: 3 })).toEqual({ strokes: [[[1, 2]]], label: 3 });
    const result = inkSchema.safeParse({ strokes: [[[1, NaN]]] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toMatch(/ink\.strokes\[0\]\[0\]\[1\] \(y\) must be a finite number/);
  });
});

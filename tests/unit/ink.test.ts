import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLASSIC_FIELD_SIZE,
  DEFAULT_INK_OPTIONS,
  InkError,
  MAX_INK_POINTS,
  inkImageStats,
  preprocessInk,
  toModelInput,
  type Ink,
  type InkImage,
  type InkPoint,
} from '../../main/ink/index.ts';
import { CLASSIC_BACKGROUND, CLASSIC_INK } from '../../main/engine/lenet5.ts';

const SIDE = 28;
const at = (image: Float32Array, x: number, y: number) => image[y * SIDE + x];
const sum = (image: Float32Array) => image.reduce((a, b) => a + b, 0);
const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const meanAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;
const image28 = (data: Float32Array): InkImage => ({ width: SIDE, height: SIDE, data });

/** A "2": an arc over the top, a diagonal down to the left, a base line; t in [0, 1]. */
function two(t: number): [number, number] {
  if (t < 0.5) {
    const a = Math.PI * (1 - 2.4 * t);
    return [50 + 40 * Math.cos(a), 40 - 40 * Math.sin(a)];
  }
  if (t < 0.8) {
    const [x0, y0] = two(0.4999999);
    const u = (t - 0.5) / 0.3;
    return [x0 + (5 - x0) * u, y0 + (110 - y0) * u];
  }
  return [5 + (95 - 5) * ((t - 0.8) / 0.2), 110];
}
const sampled = (f: (t: number) => [number, number], n: number): InkPoint[] => Array.from({ length: n }, (_, i) => f(i / (n - 1)));

/** The pen's ink reaches penWidth/2 + edgeSoftness beyond its centre line. */
const { penWidth, edgeSoftness } = DEFAULT_INK_OPTIONS;
/** Linear edge ramp half-width in pixels, as drawn: the soft edge plus half a fine sample of anti-aliasing. */
const rampHalf = edgeSoftness + 0.5 / DEFAULT_INK_OPTIONS.supersample;

describe('known shapes, against hand-worked values', () => {
  it('a vertical bar lands centred on column 14, symmetric, 20 px tall, with the pen area as its mass', () => {
    const { image28: img, scale, box } = preprocessInk({ strokes: [[[300, 40], [300, 140]]] });
    const com = inkImageStats(image28(img)).centreOfMass!;
    expect(com.x).toBeCloseTo(14, 3);
    expect(com.y).toBeCloseTo(14, 3);
    for (let y = 0; y < SIDE; y++) {
      for (let k = 1; k <= 13; k++) expect(at(img, 14 - k, y)).toBeCloseTo(at(img, 14 + k, y), 5);
    }
    // The centre line spans 20 - penWidth - 2 * edgeSoftness = 17 px, so the scale is 17/100 px per unit.
    expect(scale).toBeCloseTo((20 - penWidth - 2 * edgeSoftness) / 100, 10);
    expect(box).toMatchObject({ minX: 300, maxX: 300, minY: 40, maxY: 140, width: 0, height: 100 });
    // Across the middle: the pen (2.5 px wide, centred on pixel 14's centre) covers pixel 14 fully and
    // 0.75 of pixels 13 and 15 (its edge sits at a quarter pixel, and the soft ramp is symmetric about it).
    const middle = Array.from(img.subarray(14 * SIDE, 15 * SIDE));
    // (Not exactly 0: the centre of mass is computed in floating point, the shift is off by ~1e-10 px.)
    expect(Math.max(...middle.slice(0, 13), ...middle.slice(16))).toBeLessThan(1e-6);
    expect(middle[13]).toBeCloseTo((penWidth - 1) / 2, 3);
    expect(middle[14]).toBeCloseTo(1, 5);
    // The ink spans [4.5, 24.5) vertically: rows 3 and 25 are blank, rows 4 and 24 partly inked.
    expect(at(img, 14, 3)).toBeLessThan(1e-6);
    expect(at(img, 14, 25)).toBeLessThan(1e-6);
    expect(at(img, 14, 4)).toBeGreaterThan(0);
    expect(at(img, 14, 24)).toBeGreaterThan(0);
    // Mass = rectangle + disc of the round caps + the soft ramp's small excess on the caps (pi h^2 / 3).
    const length = 20 - penWidth - 2 * edgeSoftness;
    const expected = penWidth * length + Math.PI * (penWidth / 2) ** 2 + (Math.PI * rampHalf ** 2) / 3;
    // Within 0.05%: the fine grid samples the round caps' curved edge.
    expect(Math.abs(sum(img) - expected)).toBeLessThan(0.02);
  });

  it('with no soft edge, a bar of pen 2 has exactly the mass 2 * 18 + pi (pure anti-aliasing keeps area)', () => {
    const { image28: img } = preprocessInk({ strokes: [[[0, 0], [0, 1]]] }, { penWidth: 2, edgeSoftness: 0 });
    expect(Math.abs(sum(img) - (2 * 18 + Math.PI + (Math.PI * (0.5 / 8) ** 2) / 3))).toBeLessThan(0.02);
  });

  it('a horizontal line is the vertical bar transposed: thin, not stretched to 20 px tall', () => {
    const vertical = preprocessInk({ strokes: [[[0, 0], [0, 10]]] }).image28;
    const horizontal = preprocessInk({ strokes: [[[-7, 3], [993, 3]]] }).image28;
    for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) expect(at(horizontal, x, y)).toBeCloseTo(at(vertical, y, x), 5);
    expect(inkImageStats(image28(horizontal)).boxHeight).toBe(3);
  });

  it('keeps the aspect ratio: a thin slanted "1" stays thin, a 2:1 box stays 2:1', () => {
    const one = inkImageStats(image28(preprocessInk({ strokes: [[[10, 0], [0, 100]]] }).image28));
    expect(one.boxHeight).toBeGreaterThanOrEqual(20);
    expect(one.boxWidth).toBeLessThanOrEqual(6); // 1.7 px of slant + the pen, never 20
    const wide = preprocessInk({ strokes: [[[0, 0], [200, 0], [200, 100], [0, 100], [0, 0]]] });
    const margin = penWidth + 2 * edgeSoftness;
    expect(wide.scale).toBeCloseTo((20 - margin) / 200, 10);
    expect(wide.steps.cropped.width).toBe(DEFAULT_INK_OPTIONS.croppedSize);
    expect(wide.steps.cropped.height).toBe(Math.ceil(((100 * wide.scale + margin) * DEFAULT_INK_OPTIONS.croppedSize) / 20));
  });

  it('a single point is a centred dot with the pen disc as its mass', () => {
    const dots: Ink[] = [{ strokes: [[[5, 5]]] }, { strokes: [[[5, 5], [5, 5], [5, 5]], [[5, 5]]] }];
    for (const ink of dots) {
      const result = preprocessInk(ink);
      expect(result.empty).toBe(false);
      expect(result.scale).toBe(0);
      const com = inkImageStats(image28(result.image28)).centreOfMass!;
      expect(com.x).toBeCloseTo(14, 5);
      expect(com.y).toBeCloseTo(14, 5);
      expect(Math.abs(sum(result.image28) - (Math.PI * (penWidth / 2) ** 2 + (Math.PI * rampHalf ** 2) / 3))).toBeLessThan(0.02);
    }
  });

  it('the optional Gaussian blur keeps the mass and the centre of mass, and softens the peak', () => {
    const sharp = preprocessInk({ strokes: [[[0, 0], [0, 10]]] }).image28;
    const blurred = preprocessInk({ strokes: [[[0, 0], [0, 10]]] }, { blurSigma: 0.7 }).image28;
    expect(Math.abs(sum(blurred) / sum(sharp) - 1)).toBeLessThan(0.005);
    const com = inkImageStats(image28(blurred)).centreOfMass!;
    expect(com.x).toBeCloseTo(14, 3);
    expect(com.y).toBeCloseTo(14, 3);
    expect(at(blurred, 14, 14)).toBeLessThan(0.95);
    expect(at(blurred, 12, 14)).toBeGreaterThan(0.01);
    expect(at(sharp, 12, 14)).toBeLessThan(1e-6);
  });

  it('pressure widens the pen only when asked to', () => {
    const light: Ink = { strokes: [[[0, 0, 0, 0.1], [0, 50, 10, 0.1], [30, 60, 20, 0.1]]] };
    const firm: Ink = { strokes: [[[0, 0, 0, 0.9], [0, 50, 10, 0.9], [30, 60, 20, 0.9]]] };
    const plain: Ink = { strokes: [[[0, 0], [0, 50], [30, 60]]] };
    expect(maxAbsDiff(preprocessInk(light).image28, preprocessInk(plain).image28)).toBe(0);
    expect(maxAbsDiff(preprocessInk(firm).image28, preprocessInk(plain).image28)).toBe(0);
    expect(sum(preprocessInk(firm, { pressure: true }).image28)).toBeGreaterThan(1.5 * sum(preprocessInk(light, { pressure: true }).image28));
  });
});

describe('the image depends on the drawing, not on where, how large or how densely it was sampled', () => {
  const base = sampled(two, 150);

  it('translated and scaled inks give the same image (max difference below 1e-4)', () => {
    const reference = preprocessInk({ strokes: [base] });
    for (const [k, ox, oy] of [[0.013, -123.4, 1e5], [37, 5e4, -2e3], [1, 0.5, 0.25]]) {
      const moved = preprocessInk({ strokes: [base.map(([x, y]) => [x * k + ox, y * k + oy] as InkPoint)] });
      expect(maxAbsDiff(moved.image28, reference.image28)).toBeLessThan(1e-4);
      expect(maxAbsDiff(moved.steps.fitted.data, reference.steps.fitted.data)).toBeLessThan(1e-4);
      expect(maxAbsDiff(moved.steps.cropped.data, reference.steps.cropped.data)).toBeLessThan(1e-4);
      expect(moved.scale * k).toBeCloseTo(reference.scale, 10);
    }
  });

  it('the same polyline with a midpoint inserted in every segment gives the same image (below 0.02)', () => {
    const doubled = base.flatMap((p, i) => (i === 0 ? [p] : [[(base[i - 1][0] + p[0]) / 2, (base[i - 1][1] + p[1]) / 2] as InkPoint, p]));
    expect(maxAbsDiff(preprocessInk({ strokes: [doubled] }).image28, preprocessInk({ strokes: [base] }).image28)).toBeLessThan(0.02);
  });

  it('the same curve sampled at double density gives nearly the same image (max 0.06, mean 0.003)', () => {
    // What differs is which points the simplification keeps: each version is a polygon within 0.05 px of
    // the same curve. A curve sampled MAX_INK_POINTS (10,000) times stands for the curve itself.
    const image = (n: number) => preprocessInk({ strokes: [sampled(two, n)] }).image28;
    const curve = image(MAX_INK_POINTS);
    for (const n of [150, 300, 600]) {
      for (const [a, b] of [[image(n), image(2 * n)], [image(n), curve]]) {
        expect(maxAbsDiff(a, b)).toBeLessThan(0.06);
        expect(meanAbsDiff(a, b)).toBeLessThan(0.003);
      }
    }
  });

  it('[x, y, t, p] points draw as [x, y] points when pressure is off', () => {
    const timed = base.map(([x, y], i) => [x, y, 8 * i, 0.3 + 0.4 * ((i % 5) / 5)] as InkPoint);
    expect(maxAbsDiff(preprocessInk({ strokes: [timed] }).image28, preprocessInk({ strokes: [base] }).image28)).toBe(0);
  });
});

describe('steps and numbers for the app', () => {
  it('reports the box, the shift, the steps, and image28 is the centred step', () => {
    const result = preprocessInk({ strokes: [sampled(two, 150)] });
    expect(result.image28).toBe(result.steps.centred.data);
    expect(result.steps.centred).toMatchObject({ width: 28, height: 28 });
    expect(result.steps.fitted).toMatchObject({ width: 20, height: 20 });
    expect(result.steps.cropped.height).toBe(64); // the "2" is taller than wide
    expect(result.steps.cropped.width).toBeLessThan(64);
    // The shift is exactly what moves the fitted digit's centre of mass to (14, 14).
    const com = inkImageStats(image28(result.image28)).centreOfMass!;
    expect(result.centreOfMass!.x + result.shift.dx).toBeCloseTo(14, 6);
    expect(com.x).toBeCloseTo(14, 2);
    expect(com.y).toBeCloseTo(14, 2);
    // Every inked pixel of the fitted step lies inside its 20x20 box: the box holds all of the ink.
    const fittedMass = sum(result.steps.fitted.data);
    expect(fittedMass).toBeGreaterThan(0);
    // The same drawing moved by a sub-pixel shift: the same mass up to anti-aliasing (0.05%).
    expect(Math.abs(fittedMass - sum(result.image28))).toBeLessThan(0.0005 * fittedMass);
    expect(result.points).toEqual({ input: 150, drawn: expect.any(Number) });
  });
});

describe('degenerate inks: a sensible image or a clear error, never a crash or a hang', () => {
  it('an empty ink gives blank images flagged empty, not an error', () => {
    for (const ink of [{ strokes: [] }, { strokes: [[], []] }]) {
      const result = preprocessInk(ink);
      expect(result.empty).toBe(true);
      expect(result.image28).toHaveLength(784);
      expect(sum(result.image28)).toBe(0);
      expect(sum(result.steps.fitted.data) + sum(result.steps.cropped.data)).toBe(0);
      expect(result.box).toBeNull();
      expect(result.centreOfMass).toBeNull();
    }
  });

  it('NaN or infinite coordinates are an InkError', () => {
    expect(() => preprocessInk({ strokes: [[[0, 0], [NaN, 3]]] })).toThrow(InkError);
    expect(() => preprocessInk({ strokes: [[[0, Infinity]]] })).toThrow(/must be a finite number, got Infinity/);
    expect(() => preprocessInk({ strokes: [[[0, 0, 1]]] } as unknown as Ink)).toThrow(/has 3 values/);
  });

  it('options out of range are a RangeError that names the option', () => {
    expect(() => preprocessInk({ strokes: [] }, { penWidth: -1 })).toThrow(/penWidth/);
    expect(() => preprocessInk({ strokes: [] }, { supersample: 2.5 })).toThrow(RangeError);
    expect(() => preprocessInk({ strokes: [] }, { blurSigma: NaN })).toThrow(/blurSigma/);
  });

  it(`a stroke of the most points an ink may have (${MAX_INK_POINTS}, a circle drawn 10 times) draws the circle`, () => {
    const n = MAX_INK_POINTS;
    const circle = Array.from({ length: n }, (_, i) => [100 * Math.cos((i / n) * 20 * Math.PI), 100 * Math.sin((i / n) * 20 * Math.PI)] as InkPoint);
    const dense = preprocessInk({ strokes: [circle] });
    expect(dense.points.drawn).toBeLessThan(n);
    const once = preprocessInk({ strokes: [sampled((t) => [100 * Math.cos(2 * Math.PI * t), 100 * Math.sin(2 * Math.PI * t)], 400)] });
    expect(maxAbsDiff(dense.image28, once.image28)).toBeLessThan(0.1);
  });

  it(`${MAX_INK_POINTS} random points (a scribble) give a blob inside the frame`, () => {
    let state = 12345;
    const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const scribble = Array.from({ length: MAX_INK_POINTS }, () => [1000 * random(), 1000 * random()] as InkPoint);
    const result = preprocessInk({ strokes: [scribble] });
    const stats = inkImageStats(image28(result.image28));
    expect(stats.mass).toBeGreaterThan(150);
    expect(stats.boxHeight).toBeLessThanOrEqual(21);
  });

  it('an ink of more points than that is an InkError naming the limit', () => {
    expect(() => preprocessInk({ strokes: [new Array(MAX_INK_POINTS + 1).fill([0, 0])] })).toThrow(`more than ${MAX_INK_POINTS} points`);
  });
});

describe('properties over random inks', () => {
  const coordinate = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
  // Up to 4 strokes of up to 30 points anywhere in +-1e6: mostly scribbles, and every kind of degenerate box.
  const point = fc.oneof(
    fc.tuple(coordinate, coordinate),
    fc.tuple(coordinate, coordinate, fc.double({ min: 0, max: 1e7, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
  );
  const ink = fc.record({ strokes: fc.array(fc.array(point, { maxLength: 30 }), { maxLength: 4 }) });

  it('the image is always 28x28, finite, in [0, 1], blank exactly when the ink has no point', () => {
    fc.assert(
      fc.property(ink, fc.boolean(), (value, pressure) => {
        const result = preprocessInk(value as Ink, { pressure });
        expect(result.image28).toHaveLength(784);
        for (const image of [result.image28, result.steps.fitted.data, result.steps.cropped.data]) {
          for (const v of image) expect(v >= 0 && v <= 1).toBe(true);
        }
        const points = value.strokes.reduce((n, s) => n + s.length, 0);
        expect(result.empty).toBe(points === 0);
        expect(sum(result.image28) > 0).toBe(points > 0);
      }),
      { numRuns: 80 },
    );
  });

  it('translating and scaling by a power of two (exact in floating point) changes nothing', () => {
    const integer = fc.integer({ min: -1e4, max: 1e4 });
    const integerInk = fc.record({ strokes: fc.array(fc.array(fc.tuple(integer, integer), { maxLength: 30 }), { maxLength: 4 }) });
    fc.assert(
      fc.property(integerInk, fc.integer({ min: -12, max: 12 }), fc.integer({ min: -1e5, max: 1e5 }), (value, exponent, offset) => {
        const k = 2 ** exponent;
        const moved = { strokes: value.strokes.map((s) => s.map((p) => [p[0] * k + offset, p[1] * k - offset] as InkPoint)) };
        expect(maxAbsDiff(preprocessInk(moved).image28, preprocessInk(value).image28)).toBeLessThan(1e-6);
      }),
      { numRuns: 60 },
    );
  });
});

describe('toModelInput', () => {
  const image = preprocessInk({ strokes: [sampled(two, 80)] }).image28;

  it('modern: the 28x28 image itself, as a copy', () => {
    const input = toModelInput(image, 'modern');
    expect(input).not.toBe(image);
    expect(Array.from(input)).toEqual(Array.from(image));
  });

  it('classic: the image centred in a 32x32 field, background -0.1, full ink 1.175', () => {
    const field = toModelInput(image, 'classic');
    expect(field).toHaveLength(CLASSIC_FIELD_SIZE * CLASSIC_FIELD_SIZE);
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const inside = x >= 2 && x < 30 && y >= 2 && y < 30;
        const v = inside ? image[(y - 2) * 28 + (x - 2)] : 0;
        expect(field[y * 32 + x]).toBeCloseTo(-0.1 + 1.275 * v, 6);
      }
    }
    expect(CLASSIC_BACKGROUND).toBe(-0.1);
    expect(CLASSIC_INK).toBe(1.175);
  });

  it('refuses an image of the wrong size or an unknown architecture', () => {
    expect(() => toModelInput(new Float32Array(100), 'modern')).toThrow(/28x28/);
    expect(() => toModelInput(image, 'lenet4' as 'modern')).toThrow(/unknown architecture "lenet4"/);
  });
});

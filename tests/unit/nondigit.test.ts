import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  degenerateInk, featureCount, inkShape, LAYOUT_V1, nonDigitFeatures, rejectHeadFromFile, REJECT_FORMAT, REJECT_VERSION, STROKE_FIGURES, strokeFigures, thresholdForRate, trainRejectHead, DEFAULT_DEGENERATE_LIMITS,
} from '../../main/nondigit/index.ts';
import type { Ink } from '../../main/ink/types.ts';
import { REJECT_FILE } from '../../main/model-folder/folder.ts';
import { ModelRuntime } from '../../main/runtime/index.ts';

const NATIVE = join(import.meta.dirname, '../../native-models');

describe('reject head', () => {
  it('learns a toy separable set, and the stored file scores exactly as the trained network', () => {
    const n = 400, dims = 3;
    const x = new Float32Array(n * dims);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 2;
      x[i * dims] = y[i] ? 2 + (i % 7) / 7 : -2 - (i % 5) / 5;
      x[i * dims + 1] = (i % 11) / 11;
      x[i * dims + 2] = 5;
    }
    const head = trainRejectHead(x, y, { epochs: 20, batch: 32 });
    let correct = 0;
    for (let i = 0; i < n; i++) if ((head.score(x.subarray(i * dims, (i + 1) * dims)) >= 0 ? 1 : 0) === y[i]) correct++; // log-odds
    expect(correct).toBe(n);
    const stored = rejectHeadFromFile(JSON.parse(JSON.stringify({
      format: REJECT_FORMAT, version: REJECT_VERSION, features: { layers: ['X'], summaries: false, strokes: 'basic' }, mean: head.mean, std: head.std, network: head.network, threshold: 0.5,
      degenerate: DEFAULT_DEGENERATE_LIMITS, baselines: {}, card: {},
    })));
    for (let i = 0; i < n; i += 37) {
      const f = x.slice(i * dims, (i + 1) * dims);
      expect(stored.score(f)).toBe(head.score(f));
    }
  });

  it('trains hidden layers of the sizes asked, and reads a version 1 file as the F6 + scores layout', () => {
    const n = 64, dims = 4;
    const x = Float32Array.from({ length: n * dims }, (_, i) => Math.sin(i));
    const y = Uint8Array.from({ length: n }, (_, i) => i % 2);
    const head = trainRejectHead(x, y, { hidden: [8, 5], epochs: 1, batch: 16 });
    expect(head.network.spec.layers.map((l) => (l as { units?: number }).units)).toEqual([8, 5, 2]);
    const v1 = rejectHeadFromFile({ format: REJECT_FORMAT, version: 1, mean: head.mean, std: head.std, network: head.network, threshold: 0.5 });
    expect(v1.file.features).toEqual(LAYOUT_V1);
    expect(() => rejectHeadFromFile({ format: REJECT_FORMAT, version: 2, mean: head.mean, std: head.std, network: head.network, threshold: 0.5 })).toThrow(/which features/);
  });

  it('lays out the features in the order the head file names them', () => {
    const ink: Ink = { strokes: [[[0, 0], [10, 0], [10, 20]]] };
    const layout = { layers: ['B', 'A'], summaries: true, strokes: 'rich' as const };
    const f = nonDigitFeatures(layout, { layers: { A: [1, 2], B: [3] }, scores: [0, Math.log(3)], head: 'softmax', ink, shape: inkShape(ink) });
    expect(f.length).toBe(featureCount(layout, (l) => (l === 'A' ? 2 : 1)));
    expect(Array.from(f.subarray(0, 3))).toEqual([3, 1, 2]);
    expect(f[3]).toBeCloseTo(0.75, 6); // max probability of logits 0 and log 3
    expect(f[4]).toBeCloseTo(Math.log(4), 6); // log-sum-exp
    expect(Array.from(f.subarray(7))).toEqual(Array.from(strokeFigures(ink, inkShape(ink))));
  });

  it('sets a threshold that flags at most the asked share of digits', () => {
    const scores = Array.from({ length: 1000 }, (_, i) => i / 1000);
    const t = thresholdForRate(scores, 0.01);
    expect(scores.filter((s) => s >= t).length).toBeLessThanOrEqual(10);
    expect(scores.filter((s) => s >= t).length).toBeGreaterThanOrEqual(9);
  });

  it('the shipped models carry a head that loads, sealed in their cards', async () => {
    for (const arch of ['modern', 'classic']) {
      const runtime = await ModelRuntime.load(join(NATIVE, arch));
      expect(runtime.reject).not.toBeNull();
      expect(Number.isFinite(runtime.reject!.file.threshold)).toBe(true);
      const layers = new Set(runtime.info.layers.map((l) => l.name));
      for (const l of runtime.reject!.file.features.layers) expect(layers).toContain(l);
      expect((runtime.info.card.integrity as unknown as Record<string, string>)[REJECT_FILE]).toMatch(/^[0-9a-f]{64}$/);
      await runtime.release();
      JSON.parse(await readFile(join(NATIVE, arch, REJECT_FILE), 'utf8'));
    }
  });
});

describe('degenerate-ink checks', () => {
  const check = (strokes: number[][][]) => degenerateInk(inkShape({ strokes: strokes as [number, number][][] }))?.reason ?? null;
  it('calls a dot, a slanted straight line and a scribble not-a-digit', () => {
    expect(check([[[5, 5]]])).toBe('dot');
    expect(check([[[5, 5], [5, 5], [5, 5]]])).toBe('dot');
    expect(check([[[0, 0], [50, 10], [100, 20]]])).toBe('line');
    expect(check([Array.from({ length: 60 }, (_, i) => [(i % 2) * 100, i * 2])])).toBe('scribble');
    expect(check(Array.from({ length: 9 }, (_, i) => [[i, 0], [i, 10]]))).toBe('scribble');
  });
  it('leaves a vertical 1, a slanted 1 and a 7 alone', () => {
    expect(check([[[0, 0], [0, 100]]])).toBeNull();
    expect(check([[[20, 0], [0, 100]]])).toBeNull();
    expect(check([[[0, 0], [60, 0], [20, 100]]])).toBeNull();
    expect(check([])).toBeNull();
  });
});

describe('stroke figures', () => {
  const figures = (strokes: number[][][]) => {
    const ink: Ink = { strokes: strokes as [number, number][][] };
    const f = strokeFigures(ink, inkShape(ink));
    return Object.fromEntries(STROKE_FIGURES.map((name, i) => [name, f[i]]));
  };
  it('a square drawn in one stroke turns three quarters of a turn at three corners, starting and ending at its top left', () => {
    const f = figures([[[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]]]);
    expect(Math.expm1(f.turning)).toBeCloseTo(0.75, 6);
    expect(f.netTurning).toBeCloseTo(0.75, 6); // y grows downward: right, down, left, up turns the same way each time
    expect(Math.round(Math.expm1(f.corners))).toBe(3);
    expect([f.startX, f.startY, f.endX, f.endY]).toEqual([0, 0, 0, 0]);
    expect(f.longestShare).toBe(1);
    expect(f.penUpTravel).toBe(0);
  });
  it('a circle turns once with no corner; the pen-up travel between two strokes is measured in box sizes', () => {
    const circle = Array.from({ length: 201 }, (_, i) => [50 + 50 * Math.cos((i / 200) * 2 * Math.PI), 50 + 50 * Math.sin((i / 200) * 2 * Math.PI)]);
    const c = figures([circle]);
    expect(Math.abs(c.netTurning)).toBeGreaterThan(0.9);
    expect(Math.abs(c.netTurning)).toBeLessThanOrEqual(1.0001);
    expect(c.corners).toBe(0);
    const two = figures([[[0, 0], [0, 100]], [[100, 0], [100, 100]]]);
    expect(Math.expm1(two.penUpTravel)).toBeCloseTo(Math.hypot(100, 100) / 100, 6);
    expect(two.longestShare).toBeCloseTo(0.5, 6);
    expect(two.turning).toBe(0);
  });
  it('does not depend on how densely the tablet sampled the line', () => {
    const coarse = figures([[[0, 0], [100, 0], [100, 100]]]);
    const dense = figures([[...Array.from({ length: 50 }, (_, i) => [i * 2, 0]), ...Array.from({ length: 51 }, (_, i) => [100, i * 2])]]);
    expect(dense.turning).toBeCloseTo(coarse.turning, 6);
    expect(dense.corners).toBe(coarse.corners);
  });
});

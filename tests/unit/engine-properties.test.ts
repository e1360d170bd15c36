import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  avgPool, avgPoolBackward, buildNetwork, conv2d, conv2dBackward, conv2dGeometry, dense, layerInfo, maxPool,
  maxPoolBackward, networkInfo, Rng, ShapeError, softmax, softmaxCrossEntropy, subsample, subsampleBackward, tensor,
  totalParams, useRowLayout, type LayerSpec, type NetworkSpec, type Tensor,
} from '../../main/engine/index.ts';

/**
 * Properties that must hold for every configuration, checked on random ones with fast-check. Shapes
 * are compared with the layer arithmetic formula of LENET5.md written out here,
 * out = floor((in + 2 * padding - kernel) / stride) + 1, not with the engine's own helper.
 */

const RUNS = { numRuns: 60 };

function outSize(input: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((input + 2 * padding - kernel) / stride) + 1;
}

function filled(shape: number[], seed: number, lo = -1, hi = 1): Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.uniform(lo, hi);
  return tensor(shape, data);
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function sumAbsProducts(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] * b[i]);
  return s;
}

const convConfig = fc.record({
  batch: fc.integer({ min: 1, max: 2 }),
  inC: fc.integer({ min: 1, max: 3 }),
  outC: fc.integer({ min: 1, max: 3 }),
  h: fc.integer({ min: 1, max: 9 }),
  w: fc.integer({ min: 1, max: 9 }),
  kh: fc.integer({ min: 1, max: 5 }),
  kw: fc.integer({ min: 1, max: 5 }),
  sh: fc.integer({ min: 1, max: 3 }),
  sw: fc.integer({ min: 1, max: 3 }),
  ph: fc.integer({ min: 0, max: 2 }),
  pw: fc.integer({ min: 0, max: 2 }),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});

describe('conv2d properties', () => {
  it('output shape follows the formula, and a kernel that does not fit is a ShapeError', () => {
    fc.assert(fc.property(convConfig, (c) => {
      const x = filled([c.batch, c.inC, c.h, c.w], c.seed);
      const wt = filled([c.outC, c.inC, c.kh, c.kw], c.seed + 1);
      const options = { stride: [c.sh, c.sw] as [number, number], padding: [c.ph, c.pw] as [number, number] };
      const oh = outSize(c.h, c.kh, c.sh, c.ph), ow = outSize(c.w, c.kw, c.sw, c.pw);
      if (oh < 1 || ow < 1) {
        expect(() => conv2d(x, wt, null, options)).toThrow(ShapeError);
        return;
      }
      expect(conv2d(x, wt, null, options).shape).toEqual([c.batch, c.outC, oh, ow]);
      // the layer arithmetic agrees, including parameters and MACs of a fully connected conv
      const info = layerInfo({ kind: 'conv', name: 'L', filters: c.outC, kernel: [c.kh, c.kw], stride: [c.sh, c.sw], padding: [c.ph, c.pw] }, [c.inC, c.h, c.w]);
      expect(info.outputShape).toEqual([c.outC, oh, ow]);
      expect(info.params).toBe((c.kh * c.kw * c.inC + 1) * c.outC);
      expect(info.macs).toBe(c.kh * c.kw * c.inC * c.outC * oh * ow);
    }), RUNS);
  });

  it('matches the definition y[n,o,i,j] = b[o] + sum x[n,c,i*s-p+a,j*s-p+b] w[o,c,a,b] (both layouts)', () => {
    let rowLayouts = 0, columnLayouts = 0;
    fc.assert(fc.property(convConfig, (c) => {
      const oh = outSize(c.h, c.kh, c.sh, c.ph), ow = outSize(c.w, c.kw, c.sw, c.pw);
      fc.pre(oh >= 1 && ow >= 1);
      const x = filled([c.batch, c.inC, c.h, c.w], c.seed);
      const wt = filled([c.outC, c.inC, c.kh, c.kw], c.seed + 1);
      const b = filled([c.outC], c.seed + 2);
      const options = { stride: [c.sh, c.sw] as [number, number], padding: [c.ph, c.pw] as [number, number] };
      if (useRowLayout(conv2dGeometry(x.shape, wt.shape, options))) rowLayouts++;
      else columnLayouts++;
      const y = conv2d(x, wt, b, options);
      const X = (n: number, ch: number, i: number, j: number) => (i < 0 || i >= c.h || j < 0 || j >= c.w ? 0 : x.data[((n * c.inC + ch) * c.h + i) * c.w + j]);
      for (let n = 0; n < c.batch; n++) {
        for (let o = 0; o < c.outC; o++) {
          for (let i = 0; i < oh; i++) {
            for (let j = 0; j < ow; j++) {
              let s = b.data[o];
              for (let ch = 0; ch < c.inC; ch++) {
                for (let a = 0; a < c.kh; a++) {
                  for (let bb = 0; bb < c.kw; bb++) s += X(n, ch, i * c.sh - c.ph + a, j * c.sw - c.pw + bb) * wt.data[((o * c.inC + ch) * c.kh + a) * c.kw + bb];
                }
              }
              expect(Math.abs(y.data[((n * c.outC + o) * oh + i) * ow + j] - s)).toBeLessThan(1e-5 * (1 + c.inC * c.kh * c.kw));
            }
          }
        }
      }
    }), { numRuns: 100 });
    // the random configurations reach both code paths
    expect(rowLayouts).toBeGreaterThan(0);
    expect(columnLayouts).toBeGreaterThan(0);
  });

  it('backward is the adjoint of forward: <conv(x, w), r> = <x, dx> = <w, dw>', () => {
    fc.assert(fc.property(convConfig, (c) => {
      const oh = outSize(c.h, c.kh, c.sh, c.ph), ow = outSize(c.w, c.kw, c.sw, c.pw);
      fc.pre(oh >= 1 && ow >= 1);
      const x = filled([c.batch, c.inC, c.h, c.w], c.seed);
      const wt = filled([c.outC, c.inC, c.kh, c.kw], c.seed + 1);
      const options = { stride: [c.sh, c.sw] as [number, number], padding: [c.ph, c.pw] as [number, number] };
      const y = conv2d(x, wt, null, options);
      const r = filled(y.shape as number[], c.seed + 2);
      const { dx, dw, db } = conv2dBackward(x, wt, r, options);
      const yr = dot(y.data, r.data);
      const scale = sumAbsProducts(y.data, r.data) + 1e-6;
      expect(Math.abs(dot(x.data, dx.data) - yr) / scale).toBeLessThan(1e-4);
      expect(Math.abs(dot(wt.data, dw.data) - yr) / scale).toBeLessThan(1e-4);
      // db[o] is the sum of r over filter o's output maps
      const perFilter = new Array(c.outC).fill(0);
      r.data.forEach((v, i) => { perFilter[Math.floor(i / (oh * ow)) % c.outC] += v; });
      perFilter.forEach((v, o) => expect(db.data[o]).toBeCloseTo(v, 4));
    }), RUNS);
  });

  it('is linear in the input: conv(a x1 + b x2) = a conv(x1) + b conv(x2)', () => {
    fc.assert(fc.property(convConfig, fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }), (c, a, b) => {
      const oh = outSize(c.h, c.kh, c.sh, c.ph), ow = outSize(c.w, c.kw, c.sw, c.pw);
      fc.pre(oh >= 1 && ow >= 1);
      const x1 = filled([c.batch, c.inC, c.h, c.w], c.seed);
      const x2 = filled([c.batch, c.inC, c.h, c.w], c.seed + 3);
      const wt = filled([c.outC, c.inC, c.kh, c.kw], c.seed + 1);
      const options = { stride: [c.sh, c.sw] as [number, number], padding: [c.ph, c.pw] as [number, number] };
      const mix = tensor(x1.shape, x1.data.map((v, i) => a * v + b * x2.data[i]));
      const y = conv2d(mix, wt, null, options);
      const y1 = conv2d(x1, wt, null, options), y2 = conv2d(x2, wt, null, options);
      const k = c.inC * c.kh * c.kw;
      y.data.forEach((v, i) => expect(Math.abs(v - (a * y1.data[i] + b * y2.data[i]))).toBeLessThan(1e-5 * k * 4));
    }), RUNS);
  });
});

const poolConfig = fc.record({
  batch: fc.integer({ min: 1, max: 2 }),
  channels: fc.integer({ min: 1, max: 3 }),
  h: fc.integer({ min: 1, max: 8 }),
  w: fc.integer({ min: 1, max: 8 }),
  kh: fc.integer({ min: 1, max: 4 }),
  kw: fc.integer({ min: 1, max: 4 }),
  sh: fc.integer({ min: 1, max: 3 }),
  sw: fc.integer({ min: 1, max: 3 }),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});

describe('pooling properties', () => {
  it('output shapes follow the formula (no padding) for max, average and subsampling, and agree with layerInfo', () => {
    fc.assert(fc.property(poolConfig, (c) => {
      const x = filled([c.batch, c.channels, c.h, c.w], c.seed);
      const size: [number, number] = [c.kh, c.kw], stride: [number, number] = [c.sh, c.sw];
      const oh = outSize(c.h, c.kh, c.sh, 0), ow = outSize(c.w, c.kw, c.sw, 0);
      const coef = filled([c.channels], c.seed + 1), bias = filled([c.channels], c.seed + 2);
      if (oh < 1 || ow < 1) {
        expect(() => maxPool(x, size, stride)).toThrow(ShapeError);
        expect(() => avgPool(x, size, stride)).toThrow(ShapeError);
        expect(() => subsample(x, coef, bias, size, stride)).toThrow(ShapeError);
        expect(() => layerInfo({ kind: 'maxpool', name: 'P', size, stride }, [c.channels, c.h, c.w])).toThrow(ShapeError);
        return;
      }
      const expected = [c.batch, c.channels, oh, ow];
      expect(maxPool(x, size, stride).y.shape).toEqual(expected);
      expect(avgPool(x, size, stride).shape).toEqual(expected);
      expect(subsample(x, coef, bias, size, stride).shape).toEqual(expected);
      for (const kind of ['maxpool', 'avgpool', 'subsample'] as const) {
        const info = layerInfo({ kind, name: 'P', size, stride }, [c.channels, c.h, c.w]);
        expect(info.outputShape).toEqual([c.channels, oh, ow]);
        expect(info.params).toBe(kind === 'subsample' ? 2 * c.channels : 0);
      }
    }), RUNS);
  });

  it('max >= average >= min of every window; max pooling picks a value of its window', () => {
    fc.assert(fc.property(poolConfig, (c) => {
      const oh = outSize(c.h, c.kh, c.sh, 0), ow = outSize(c.w, c.kw, c.sw, 0);
      fc.pre(oh >= 1 && ow >= 1);
      const x = filled([c.batch, c.channels, c.h, c.w], c.seed);
      const { y: mx, argmax } = maxPool(x, [c.kh, c.kw], [c.sh, c.sw]);
      const av = avgPool(x, [c.kh, c.kw], [c.sh, c.sw]);
      const neg = tensor(x.shape, x.data.map((v) => -v));
      const mn = maxPool(neg, [c.kh, c.kw], [c.sh, c.sw]).y.data.map((v) => -v);
      mx.data.forEach((v, i) => {
        expect(v).toBeGreaterThanOrEqual(av.data[i] - 1e-6);
        expect(av.data[i]).toBeGreaterThanOrEqual(mn[i] - 1e-6);
        expect(x.data[argmax[i]]).toBe(v);
      });
    }), RUNS);
  });

  it('backward passes conserve the total gradient: max and average pooling send all of dy to the input', () => {
    fc.assert(fc.property(poolConfig, (c) => {
      const oh = outSize(c.h, c.kh, c.sh, 0), ow = outSize(c.w, c.kw, c.sw, 0);
      fc.pre(oh >= 1 && ow >= 1);
      const x = filled([c.batch, c.channels, c.h, c.w], c.seed);
      const size: [number, number] = [c.kh, c.kw], stride: [number, number] = [c.sh, c.sw];
      const { y, argmax } = maxPool(x, size, stride);
      const dy = filled(y.shape as number[], c.seed + 1);
      const total = dy.data.reduce((a, b) => a + b, 0);
      const sum = (t: Tensor) => t.data.reduce((a, b) => a + b, 0);
      expect(sum(maxPoolBackward(x.shape, dy, argmax, size, stride))).toBeCloseTo(total, 4);
      expect(sum(avgPoolBackward(x.shape, dy, size, stride))).toBeCloseTo(total, 4);
      // subsampling: every dy reaches kh*kw inputs, scaled by its map's coefficient
      const coef = filled([c.channels], c.seed + 2);
      const { dx } = subsampleBackward(x, coef, dy, size, stride);
      let expected = 0;
      dy.data.forEach((v, i) => { expected += v * coef.data[Math.floor(i / (oh * ow)) % c.channels] * c.kh * c.kw; });
      expect(sum(dx)).toBeCloseTo(expected, 3);
    }), RUNS);
  });

  it('average pooling of a constant map is that constant', () => {
    fc.assert(fc.property(poolConfig, fc.double({ min: -5, max: 5, noNaN: true }), (c, v) => {
      fc.pre(outSize(c.h, c.kh, c.sh, 0) >= 1 && outSize(c.w, c.kw, c.sw, 0) >= 1);
      const x = tensor([c.batch, c.channels, c.h, c.w], new Array(c.batch * c.channels * c.h * c.w).fill(v));
      avgPool(x, [c.kh, c.kw], [c.sh, c.sw]).data.forEach((y) => expect(y).toBeCloseTo(Math.fround(v), 5));
    }), RUNS);
  });
});

const scoresArb = fc.record({
  batch: fc.integer({ min: 1, max: 4 }),
  classes: fc.integer({ min: 2, max: 12 }),
  spread: fc.double({ min: 0.1, max: 20, noNaN: true }),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});

describe('softmax and cross-entropy properties', () => {
  it('softmax rows are positive and sum to 1, for both signs', () => {
    fc.assert(fc.property(scoresArb, fc.constantFrom(1 as const, -1 as const), (c, sign) => {
      const s = filled([c.batch, c.classes], c.seed, -c.spread, c.spread);
      const p = softmax(s, sign);
      for (let n = 0; n < c.batch; n++) {
        let total = 0;
        for (let k = 0; k < c.classes; k++) {
          const v = p.data[n * c.classes + k];
          expect(v).toBeGreaterThan(0);
          total += v;
        }
        expect(total).toBeCloseTo(1, 5);
      }
    }), RUNS);
  });

  it('softmax is invariant to adding a constant to a row', () => {
    fc.assert(fc.property(scoresArb, fc.double({ min: -100, max: 100, noNaN: true }), fc.constantFrom(1 as const, -1 as const), (c, shift, sign) => {
      const s = filled([c.batch, c.classes], c.seed, -c.spread, c.spread);
      const shifted = tensor(s.shape, s.data.map((v) => v + shift));
      const p = softmax(s, sign), q = softmax(shifted, sign);
      // the shifted scores are rounded to float32 (ulp <= 2^-16 below 128), which moves p by ~1e-5 at most
      p.data.forEach((v, i) => expect(Math.abs(v - q.data[i])).toBeLessThan(2e-4 * Math.max(v, 1e-3)));
    }), RUNS);
  });

  it('softmax preserves the order of the scores (reversed for sign -1)', () => {
    fc.assert(fc.property(scoresArb, (c) => {
      const s = filled([1, c.classes], c.seed, -c.spread, c.spread);
      const p = softmax(s, 1), q = softmax(s, -1);
      for (let i = 0; i < c.classes; i++) {
        for (let j = 0; j < c.classes; j++) {
          if (s.data[i] > s.data[j]) {
            expect(p.data[i]).toBeGreaterThanOrEqual(p.data[j]);
            expect(q.data[i]).toBeLessThanOrEqual(q.data[j]);
          }
        }
      }
    }), RUNS);
  });

  it('cross-entropy and its gradient are invariant to shifting a row; the loss is >= 0 and each gradient row sums to 0', () => {
    fc.assert(fc.property(scoresArb, fc.double({ min: -50, max: 50, noNaN: true }), fc.constantFrom(1 as const, -1 as const), (c, shift, sign) => {
      const s = filled([c.batch, c.classes], c.seed, -c.spread, c.spread);
      const labels = Array.from({ length: c.batch }, (_, n) => (c.seed + 7 * n) % c.classes);
      const a = softmaxCrossEntropy(s, labels, sign);
      const b = softmaxCrossEntropy(tensor(s.shape, s.data.map((v) => v + shift)), labels, sign);
      expect(a.loss).toBeGreaterThanOrEqual(0);
      expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-4 * (1 + a.loss));
      a.dScores.data.forEach((v, i) => expect(Math.abs(v - b.dScores.data[i])).toBeLessThan(1e-4));
      for (let n = 0; n < c.batch; n++) {
        let rowSum = 0;
        for (let k = 0; k < c.classes; k++) rowSum += a.dScores.data[n * c.classes + k];
        expect(Math.abs(rowSum)).toBeLessThan(1e-5);
      }
    }), RUNS);
  });
});

describe('dense properties', () => {
  const denseArb = fc.record({
    batch: fc.integer({ min: 1, max: 3 }),
    inFeatures: fc.integer({ min: 1, max: 20 }),
    units: fc.integer({ min: 1, max: 10 }),
    seed: fc.integer({ min: 0, max: 1_000_000 }),
    a: fc.double({ min: -3, max: 3, noNaN: true }),
    b: fc.double({ min: -3, max: 3, noNaN: true }),
  });

  it('dense(x) - bias is linear: dense(a x1 + b x2) = a dense(x1) + b dense(x2) with zero bias', () => {
    fc.assert(fc.property(denseArb, (c) => {
      const x1 = filled([c.batch, c.inFeatures], c.seed);
      const x2 = filled([c.batch, c.inFeatures], c.seed + 1);
      const w = filled([c.units, c.inFeatures], c.seed + 2);
      const zero = tensor([c.units]);
      const mix = tensor(x1.shape, x1.data.map((v, i) => c.a * v + c.b * x2.data[i]));
      const y = dense(mix, w, zero), y1 = dense(x1, w, zero), y2 = dense(x2, w, zero);
      y.data.forEach((v, i) => expect(Math.abs(v - (c.a * y1.data[i] + c.b * y2.data[i]))).toBeLessThan(1e-5 * c.inFeatures * 8));
    }), RUNS);
  });

  it('the bias is added once per unit', () => {
    fc.assert(fc.property(denseArb, (c) => {
      const x = filled([c.batch, c.inFeatures], c.seed);
      const w = filled([c.units, c.inFeatures], c.seed + 2);
      const bias = filled([c.units], c.seed + 3);
      const y0 = dense(x, w, tensor([c.units]));
      const y = dense(x, w, bias);
      y.data.forEach((v, i) => expect(v).toBeCloseTo(y0.data[i] + bias.data[i % c.units], 5));
    }), RUNS);
  });
});

/** A random network spec built so that every layer fits, tracking C x H x W with the formula. */
const specArb = fc.record({
  channels: fc.integer({ min: 1, max: 3 }),
  height: fc.integer({ min: 4, max: 14 }),
  width: fc.integer({ min: 4, max: 14 }),
  choices: fc.array(fc.record({
    kind: fc.constantFrom('conv', 'maxpool', 'avgpool', 'subsample', 'activation'),
    filters: fc.integer({ min: 1, max: 4 }),
    kh: fc.integer({ min: 1, max: 5 }),
    kw: fc.integer({ min: 1, max: 5 }),
    stride: fc.integer({ min: 1, max: 2 }),
    padding: fc.integer({ min: 0, max: 2 }),
    masked: fc.boolean(),
    fn: fc.constantFrom('relu', 'sigmoid', 'tanh', 'lecun-tanh', 'identity'),
  }), { minLength: 0, maxLength: 5 }),
  units: fc.integer({ min: 1, max: 6 }),
  head: fc.constantFrom('softmax', 'rbf'),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
}).map((r) => {
  let [c, h, w] = [r.channels, r.height, r.width];
  const layers: LayerSpec[] = [];
  const shapes: number[][] = [];
  let maskedEntries = 0;
  r.choices.forEach((ch, i) => {
    const name = `L${i}`;
    if (ch.kind === 'conv') {
      const oh = outSize(h, ch.kh, ch.stride, ch.padding), ow = outSize(w, ch.kw, ch.stride, ch.padding);
      if (oh < 1 || ow < 1) return;
      // a connection table where filter o reads channel o mod c only (when there is something to mask)
      const connections = ch.masked && c > 1 ? Array.from({ length: ch.filters }, (_, o) => [o % c]) : undefined;
      if (connections) maskedEntries += ch.filters * (c - 1) * ch.kh * ch.kw;
      layers.push({ kind: 'conv', name, filters: ch.filters, kernel: [ch.kh, ch.kw], stride: ch.stride, padding: ch.padding, activation: ch.fn, connections });
      [c, h, w] = [ch.filters, oh, ow];
    } else if (ch.kind === 'activation') {
      layers.push({ kind: 'activation', name, fn: ch.fn });
    } else {
      const k = Math.min(ch.kh, 3);
      const stride = ch.stride === 2 ? undefined : ch.stride; // undefined: the window size
      const s = stride ?? k;
      const oh = outSize(h, k, s, 0), ow = outSize(w, k, s, 0);
      if (oh < 1 || ow < 1) return;
      layers.push(ch.kind === 'subsample' ? { kind: 'subsample', name, size: k, stride, activation: ch.fn } : { kind: ch.kind, name, size: k, stride });
      [h, w] = [oh, ow];
    }
    shapes.push([c, h, w]);
  });
  layers.push({ kind: 'dense', name: 'D', units: r.units, activation: 'tanh' });
  shapes.push([r.units]);
  if (r.head === 'rbf') {
    layers.push({ kind: 'rbf', name: 'R', centres: Array.from({ length: 3 }, (_, i) => Array.from({ length: r.units }, (_, j) => ((i + j) % 2 ? 1 : -1))) });
    shapes.push([3]);
  }
  const spec: NetworkSpec = { arch: 'random', input: { channels: r.channels, height: r.height, width: r.width }, layers, head: r.head };
  return { spec, shapes, maskedEntries, seed: r.seed };
});

describe('networks built from random specs', () => {
  it('networkInfo agrees with the formula and with what Network.forward produces, layer by layer', () => {
    fc.assert(fc.property(specArb, ({ spec, shapes, maskedEntries, seed }) => {
      const infos = networkInfo(spec);
      expect(infos.map((i) => i.outputShape)).toEqual(shapes);
      const net = buildNetwork(spec, { seed });
      expect(net.trainableParams).toBe(totalParams(infos));
      // the flat array also holds the (zero) unconnected kernels
      expect(net.paramData.length).toBe(totalParams(infos) + maskedEntries);
      const batch = 2;
      const input = filled([batch, net.inputSize], seed).data;
      const out = net.forward(input, batch);
      expect(out.activations.map((a) => a.name)).toEqual(spec.layers.map((l) => l.name));
      out.activations.forEach((a, i) => {
        expect(a.shape).toEqual(infos[i].outputShape);
        expect(a.data.length).toBe(batch * infos[i].outputShape.reduce((x, y) => x * y, 1));
        expect(a.data.every(Number.isFinite)).toBe(true);
      });
      const classes = shapes[shapes.length - 1][0];
      expect(out.probabilities.length).toBe(batch * classes);
    }), { numRuns: 40 });
  });

  it('a batch gives each sample the same result as running it alone', () => {
    fc.assert(fc.property(specArb, ({ spec, seed }) => {
      const net = buildNetwork(spec, { seed });
      const input = filled([3, net.inputSize], seed).data;
      const together = net.forward(input, 3).probabilities;
      const K = net.classes;
      for (let n = 0; n < 3; n++) {
        const alone = net.forward(input.slice(n * net.inputSize, (n + 1) * net.inputSize), 1).probabilities;
        alone.forEach((v, k) => expect(Math.abs(v - together[n * K + k])).toBeLessThan(1e-6));
      }
    }), { numRuns: 30 });
  });
});

import { describe, expect, it } from 'vitest';
import {
  activation, activationBackward, avgPool, avgPoolBackward, buildNetwork, CLASSIC_BACKGROUND, CLASSIC_INK,
  CLASSIC_LENET5, conv2d, conv2dBackward, conv2dGeometry, dense, denseBackward, maxPool, maxPoolBackward,
  MODERN_LENET5, pair, rbf, rbfBackward, Rng, softmaxCrossEntropy, subsample, subsampleBackward, tensor, useRowLayout,
  type Activation, type ForwardResult, type Network, type NetworkSpec, type Tensor,
} from '../../main/engine/index.ts';

/**
 * Finite-difference checks of every backward pass. Each op's output y is reduced to a scalar
 * L = sum_i r_i y_i with a fixed random r (accumulated in float64), so dL/dy = r is what the backward
 * receives. The numerical derivative is the central difference (L(x + h) - L(x - h)) / (2h), where 2h is
 * the step actually taken after rounding x +- eps to float32.
 *
 * Tolerances. The engine computes in float32 (relative rounding ~6e-8), so with eps = 1e-2 the rounding
 * noise in a difference quotient is about 1e-7 * |L| / 2e-2, i.e. ~1e-5 of the loss scale; the
 * truncation error of the central difference is eps^2/6 * |f'''| ~ 2e-5 for our smooth ops and zero
 * for the linear ones. We therefore ask for max |numeric - analytic| <= 1e-3 x (largest |analytic|
 * component) on linear ops and 1e-2 x on nonlinear ones. Whole networks use the summed cross-entropy
 * (float64, from the network's float32 scores) with a smaller step, where the float32 noise reaches
 * ~1e-3 of the largest component (measured: at most 2e-3), so they too get 1e-2; ReLU and max-pool
 * kinks are detected and stepped around (see networkQuotients). A wrong index or a missing term gives
 * errors of the order of the gradient itself, far above either bound.
 */

const LINEAR_TOL = 1e-3;
const NONLINEAR_TOL = 1e-2;

function randomArray(rng: Rng, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(lo, hi);
  return a;
}

function randomTensor(rng: Rng, shape: number[], lo = -1, hi = 1): Tensor {
  return tensor(shape, randomArray(rng, shape.reduce((a, b) => a * b, 1), lo, hi));
}

/** sum_i r_i y_i in float64. */
function weighted(r: Float32Array, y: Float32Array): number {
  expect(y.length).toBe(r.length);
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i] * y[i];
  return s;
}

/** Central differences of `loss` with respect to values[i] for each i in `indices`; values is restored. */
function numericGradient(values: Float32Array, indices: readonly number[], loss: () => number, eps: number): number[] {
  return indices.map((i) => {
    const orig = values[i];
    const plus = Math.fround(orig + eps);
    const minus = Math.fround(orig - eps);
    values[i] = plus;
    const lp = loss();
    values[i] = minus;
    const lm = loss();
    values[i] = orig;
    return (lp - lm) / (plus - minus);
  });
}

function allIndices(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** max |numeric - analytic| over the checked entries, relative to the largest |analytic| component. */
function relativeError(analytic: ArrayLike<number>, numeric: readonly number[], indices: readonly number[]): { err: number; scale: number } {
  let scale = 0, worst = 0;
  indices.forEach((i, k) => {
    scale = Math.max(scale, Math.abs(analytic[i]));
    worst = Math.max(worst, Math.abs(numeric[k] - analytic[i]));
  });
  return { err: worst / Math.max(scale, 1e-12), scale };
}

function expectGradient(label: string, analytic: ArrayLike<number>, values: Float32Array, loss: () => number, options: { tol: number; eps?: number }): void {
  const indices = allIndices(values.length);
  const numeric = numericGradient(values, indices, loss, options.eps ?? 1e-2);
  const { err, scale } = relativeError(analytic, numeric, indices);
  // a gradient that is zero everywhere would pass trivially; every check here has a real signal
  expect(scale, `${label}: the gradient is not all zero`).toBeGreaterThan(1e-3);
  expect(err, `${label}: max error relative to the largest component`).toBeLessThan(options.tol);
}

describe('conv2d backward vs finite differences', () => {
  interface Case {
    readonly name: string;
    readonly x: number[];
    readonly w: number[];
    readonly stride?: [number, number];
    readonly padding?: [number, number];
    readonly layout: 'row' | 'column';
  }
  const cases: Case[] = [
    { name: 'column layout, padding 1, stride 1', x: [2, 3, 6, 5], w: [4, 3, 3, 3], padding: [1, 1], layout: 'column' },
    { name: 'column layout, stride 2, padding [1, 0], rectangular kernel', x: [2, 2, 7, 6], w: [3, 2, 3, 2], stride: [2, 2], padding: [1, 0], layout: 'column' },
    { name: 'row layout, 1x1 output (like C5), batch 3', x: [3, 4, 3, 3], w: [5, 4, 3, 3], layout: 'row' },
    { name: 'row layout, 2x2 output with stride 2 and padding 1', x: [2, 2, 4, 4], w: [3, 2, 3, 3], stride: [2, 2], padding: [1, 1], layout: 'row' },
    { name: 'row layout, 1x1 kernel on a 2x2 image', x: [2, 3, 2, 2], w: [2, 3, 1, 1], layout: 'row' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const rng = new Rng(11);
      const options = { stride: c.stride, padding: c.padding };
      expect(useRowLayout(conv2dGeometry(c.x, c.w, options)) ? 'row' : 'column').toBe(c.layout);
      const x = randomTensor(rng, c.x);
      const w = randomTensor(rng, c.w);
      const b = randomTensor(rng, [c.w[0]]);
      const probe = conv2d(x, w, b, options);
      const r = randomArray(rng, probe.data.length);
      const loss = () => weighted(r, conv2d(x, w, b, options).data);
      const { dx, dw, db } = conv2dBackward(x, w, tensor(probe.shape, r), options);
      expectGradient('dx', dx.data, x.data, loss, { tol: LINEAR_TOL });
      expectGradient('dw', dw.data, w.data, loss, { tol: LINEAR_TOL });
      expectGradient('db', db.data, b.data, loss, { tol: LINEAR_TOL });
    });
  }
});

describe('pooling and subsampling backward vs finite differences', () => {
  /** Distinct values 0.1 apart in random order: a +-1e-2 step never changes which input wins a window. */
  function spreadValues(rng: Rng, shape: number[]): Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    const order = Int32Array.from({ length: n }, (_, i) => i);
    rng.shuffle(order);
    return tensor(shape, Float32Array.from(order, (k) => (k - n / 2) * 0.1));
  }

  const windows: { name: string; size: [number, number]; stride?: [number, number] }[] = [
    { name: '2x2 stride 2', size: [2, 2] },
    { name: '3x2 windows overlapping with stride [2, 1]', size: [3, 2], stride: [2, 1] },
  ];

  for (const win of windows) {
    it(`max pooling, ${win.name}`, () => {
      const rng = new Rng(5);
      const x = spreadValues(rng, [2, 3, 7, 6]);
      const { y, argmax } = maxPool(x, win.size, win.stride);
      const r = randomArray(rng, y.data.length);
      const dx = maxPoolBackward(x.shape, tensor(y.shape, r), argmax, win.size, win.stride);
      expectGradient('dx', dx.data, x.data, () => weighted(r, maxPool(x, win.size, win.stride).y.data), { tol: LINEAR_TOL });
    });

    it(`average pooling, ${win.name}`, () => {
      const rng = new Rng(6);
      const x = randomTensor(rng, [2, 3, 7, 6]);
      const y = avgPool(x, win.size, win.stride);
      const r = randomArray(rng, y.data.length);
      const dx = avgPoolBackward(x.shape, tensor(y.shape, r), win.size, win.stride);
      expectGradient('dx', dx.data, x.data, () => weighted(r, avgPool(x, win.size, win.stride).data), { tol: LINEAR_TOL });
    });

    it(`subsampling, ${win.name}: dx, dcoef and dbias`, () => {
      const rng = new Rng(7);
      const x = randomTensor(rng, [2, 3, 7, 6]);
      const coef = randomTensor(rng, [3]);
      const bias = randomTensor(rng, [3]);
      const y = subsample(x, coef, bias, win.size, win.stride);
      const r = randomArray(rng, y.data.length);
      const loss = () => weighted(r, subsample(x, coef, bias, win.size, win.stride).data);
      const { dx, dcoef, dbias } = subsampleBackward(x, coef, tensor(y.shape, r), win.size, win.stride);
      expectGradient('dx', dx.data, x.data, loss, { tol: LINEAR_TOL });
      expectGradient('dcoef', dcoef.data, coef.data, loss, { tol: LINEAR_TOL });
      expectGradient('dbias', dbias.data, bias.data, loss, { tol: LINEAR_TOL });
    });
  }
});

describe('activation backward vs finite differences', () => {
  const fns: Activation[] = ['identity', 'relu', 'sigmoid', 'tanh', 'lecun-tanh'];
  for (const fn of fns) {
    it(fn, () => {
      const rng = new Rng(3);
      // inputs in [-3, 3], kept 0.05 away from ReLU's kink at 0 so a 1e-2 step stays on one side
      const x = tensor([4, 10], randomArray(rng, 40, -3, 3).map((v) => (Math.abs(v) < 0.05 ? v + Math.sign(v || 1) * 0.1 : v)));
      const y = activation(fn, x);
      const r = randomArray(rng, 40);
      const dx = activationBackward(fn, y, tensor(y.shape, r));
      const tol = fn === 'identity' || fn === 'relu' ? LINEAR_TOL : NONLINEAR_TOL;
      expectGradient('dx', dx.data, x.data, () => weighted(r, activation(fn, x).data), { tol });
    });
  }
});

describe('dense, rbf and softmax cross-entropy backward vs finite differences', () => {
  it('dense over a 4-D input (flattened C, H, W): dx, dw, db', () => {
    const rng = new Rng(8);
    const x = randomTensor(rng, [3, 2, 2, 3]);
    const w = randomTensor(rng, [5, 12]);
    const b = randomTensor(rng, [5]);
    const r = randomArray(rng, 15);
    const loss = () => weighted(r, dense(x, w, b).data);
    const { dx, dw, db } = denseBackward(x, w, tensor([3, 5], r));
    expect(dx.shape).toEqual([3, 2, 2, 3]);
    expectGradient('dx', dx.data, x.data, loss, { tol: LINEAR_TOL });
    expectGradient('dw', dw.data, w.data, loss, { tol: LINEAR_TOL });
    expectGradient('db', db.data, b.data, loss, { tol: LINEAR_TOL });
  });

  it('rbf: dx (the centres are fixed)', () => {
    const rng = new Rng(9);
    const x = randomTensor(rng, [2, 6], -2, 2);
    const centres = tensor([4, 6], randomArray(rng, 24).map((v) => (v > 0 ? 1 : -1)));
    const r = randomArray(rng, 8);
    const dx = rbfBackward(x, centres, tensor([2, 4], r));
    // quadratic: the central difference is exact up to rounding
    expectGradient('dx', dx.data, x.data, () => weighted(r, rbf(x, centres).data), { tol: LINEAR_TOL });
  });

  for (const sign of [1, -1] as const) {
    it(`softmax cross-entropy with sign ${sign}: d loss / d scores`, () => {
      const rng = new Rng(10 + sign);
      const scores = randomTensor(rng, [4, 10], -3, 3);
      const labels = [3, 0, 9, 3];
      const { dScores } = softmaxCrossEntropy(scores, labels, sign);
      expectGradient('dScores', dScores.data, scores.data, () => softmaxCrossEntropy(scores, labels, sign).loss, { tol: NONLINEAR_TOL });
    });
  }
});

/** Summed cross-entropy of a batch in float64, from the network's scores. */
function lossFromScores(net: Network, scores: Float32Array, labels: readonly number[]): number {
  const sign = net.spec.head === 'rbf' ? -1 : 1;
  const K = net.classes;
  let loss = 0;
  labels.forEach((label, n) => {
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, sign * scores[n * K + k]);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(sign * scores[n * K + k] - max);
    loss += max + Math.log(sum) - sign * scores[n * K + label];
  });
  return loss;
}

/**
 * Every kink the forward pass went through, read from the layer outputs (not from the engine's backward
 * state): which ReLU units are on, and which input wins each max-pool window. Two inputs with equal
 * patterns lie on the same smooth piece of the loss.
 */
function kinkPattern(net: Network, input: Float32Array, result: ForwardResult): Int32Array {
  const bits: number[] = [];
  net.spec.layers.forEach((layer, i) => {
    const out = result.activations[i].data;
    const relu = layer.kind === 'activation' ? layer.fn === 'relu' : (layer.kind === 'conv' || layer.kind === 'dense') && layer.activation === 'relu';
    if (relu) for (const v of out) bits.push(v > 0 ? 1 : 0);
    if (layer.kind === 'maxpool') {
      const x = i === 0 ? input : result.activations[i - 1].data;
      const [C, H, W] = net.layers[i].inputShape;
      const [, oh, ow] = net.layers[i].outputShape;
      const [kh, kw] = pair(layer.size, 1);
      const [sh, sw] = pair(layer.stride ?? layer.size, 1);
      for (let nc = 0; nc < result.batch * C; nc++) {
        for (let oy = 0; oy < oh; oy++) {
          for (let ox = 0; ox < ow; ox++) {
            let best = 0;
            for (let k = 1; k < kh * kw; k++) {
              const at = (q: number) => x[nc * H * W + (oy * sh + Math.floor(q / kw)) * W + ox * sw + (q % kw)];
              if (at(k) > at(best)) best = k;
            }
            bits.push(best);
          }
        }
      }
    }
  });
  return Int32Array.from(bits);
}

function samePattern(a: Int32Array, b: Int32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Runs accumulateGradients (summed loss, gradScale 1) and returns a copy of the gradient array. */
function analyticGradients(net: Network, input: Float32Array, labels: readonly number[]): Float32Array {
  net.gradData.fill(0);
  net.accumulateGradients(input, labels, 0, labels.length, 1);
  return net.gradData.slice();
}

/**
 * Difference quotients for a whole network, away from kinks (a step across a ReLU or max-pool kink
 * changes the slope, and the quotient then measures neither side). When neither step crosses a kink,
 * the central quotient is used; when one does, the one-sided quotient of the other side (exact up to
 * O(eps * f'')); when both do, the entry is skipped, and the caller bounds how many were.
 */
function networkQuotients(net: Network, values: Float32Array, indices: readonly number[], input: Float32Array, labels: readonly number[], eps: number): { quotients: (number | null)[]; skipped: number } {
  const evaluate = () => {
    const result = net.forward(input, labels.length);
    return { loss: lossFromScores(net, result.scores, labels), pattern: kinkPattern(net, input, result) };
  };
  const base = evaluate();
  let skipped = 0;
  const quotients = indices.map((i) => {
    const orig = values[i];
    const plus = Math.fround(orig + eps);
    const minus = Math.fround(orig - eps);
    values[i] = plus;
    const p = evaluate();
    values[i] = minus;
    const m = evaluate();
    values[i] = orig;
    const cleanPlus = samePattern(p.pattern, base.pattern);
    const cleanMinus = samePattern(m.pattern, base.pattern);
    if (cleanPlus && cleanMinus) return (p.loss - m.loss) / (plus - minus);
    if (cleanPlus) return (p.loss - base.loss) / (plus - orig);
    if (cleanMinus) return (base.loss - m.loss) / (orig - minus);
    skipped++;
    return null;
  });
  return { quotients, skipped };
}

/**
 * Checks each parameter tensor of a network: the `perTensor` entries checked are the two with the largest
 * gradient plus random others (all of them when perTensor is null); masked (unconnected) entries must
 * have exactly zero gradient instead. Errors are relative to the largest gradient component of the tensor.
 */
function checkNetwork(net: Network, input: Float32Array, labels: readonly number[], options: { perTensor: number | null; eps: number; tol: number; seed: number }): void {
  const grads = analyticGradients(net, input, labels);
  const rng = new Rng(options.seed);
  let checked = 0, skippedTotal = 0;
  for (const p of net.params) {
    const g = grads.subarray(p.offset, p.offset + p.size);
    const trainable = allIndices(p.size).filter((i) => !p.mask || p.mask[i] === 1);
    if (p.mask) {
      const masked = allIndices(p.size).filter((i) => p.mask![i] === 0);
      expect(masked.length, `${p.name} has masked entries`).toBeGreaterThan(0);
      expect(masked.every((i) => g[i] === 0), `${p.name}: masked gradients are exactly 0`).toBe(true);
    }
    let indices = trainable;
    if (options.perTensor !== null && trainable.length > options.perTensor) {
      const byMagnitude = [...trainable].sort((a, b) => Math.abs(g[b]) - Math.abs(g[a]));
      const chosen = new Set(byMagnitude.slice(0, 2));
      while (chosen.size < options.perTensor) chosen.add(trainable[rng.int(trainable.length)]);
      indices = [...chosen];
    }
    let scale = 0;
    for (let i = 0; i < g.length; i++) scale = Math.max(scale, Math.abs(g[i]));
    expect(scale, `${p.name}: the gradient is not all zero`).toBeGreaterThan(1e-6);
    const { quotients, skipped } = networkQuotients(net, p.data, indices, input, labels, options.eps);
    let worst = 0;
    quotients.forEach((q, k) => { if (q !== null) worst = Math.max(worst, Math.abs(q - g[indices[k]])); });
    expect(worst / scale, `${p.name}: max error relative to the largest component`).toBeLessThan(options.tol);
    checked += indices.length;
    skippedTotal += skipped;
  }
  // a step that crosses kinks on both sides is rare at this eps; many would mean the check says little
  expect(skippedTotal, 'entries skipped because both steps crossed a kink').toBeLessThanOrEqual(Math.ceil(0.1 * checked));
}

describe('whole networks: accumulateGradients vs finite differences of the loss', () => {
  it('a small network mixing conv (both layouts, connection table), subsampling, pooling, dense, RBF', () => {
    const spec: NetworkSpec = {
      arch: 'test-mixed',
      input: { channels: 2, height: 10, width: 10 },
      head: 'rbf',
      layers: [
        { kind: 'conv', name: 'A', filters: 4, kernel: 3, padding: 1, activation: 'tanh' }, // 4x10x10, column layout
        { kind: 'subsample', name: 'S', size: 2, activation: 'lecun-tanh' }, // 4x5x5
        { kind: 'conv', name: 'B', filters: 3, kernel: [3, 2], connections: [[0, 1], [2], [1, 2, 3]], activation: 'sigmoid' }, // 3x3x4
        { kind: 'maxpool', name: 'M', size: 2, stride: 1 }, // 3x2x3
        { kind: 'avgpool', name: 'P', size: [1, 2], stride: 1 }, // 3x2x2
        { kind: 'conv', name: 'C', filters: 6, kernel: 2 }, // 6x1x1, row layout
        { kind: 'activation', name: 'T', fn: 'tanh' },
        { kind: 'flatten', name: 'F' },
        { kind: 'dense', name: 'D', units: 5, activation: 'relu' },
        { kind: 'rbf', name: 'R', centres: [[1, -1, 1, -1, 1], [-1, -1, 1, 1, -1], [1, 1, 1, -1, -1], [0, 0, 0, 0, 0]] },
      ],
    };
    const net = buildNetwork(spec, { seed: 21 });
    const rng = new Rng(22);
    const labels = [0, 3, 2];
    checkNetwork(net, randomArray(rng, 3 * net.inputSize, -1, 1), labels, { perTensor: null, eps: 1e-3, tol: NONLINEAR_TOL, seed: 23 });
  });

  it('a small softmax-head network with a strided padded conv, ReLU and average pooling', () => {
    const spec: NetworkSpec = {
      arch: 'test-softmax',
      input: { channels: 1, height: 9, width: 9 },
      head: 'softmax',
      layers: [
        { kind: 'conv', name: 'A', filters: 3, kernel: 3, stride: 2, padding: 1, activation: 'relu' }, // 3x5x5
        { kind: 'avgpool', name: 'P', size: 2, stride: 1 }, // 3x4x4
        { kind: 'dense', name: 'D', units: 7, activation: 'sigmoid' },
        { kind: 'dense', name: 'OUT', units: 4 },
      ],
    };
    const net = buildNetwork(spec, { seed: 31 });
    const rng = new Rng(32);
    checkNetwork(net, randomArray(rng, 4 * net.inputSize, 0, 1), [1, 0, 3, 2], { perTensor: null, eps: 1e-3, tol: NONLINEAR_TOL, seed: 33 });
  });

  // eps: each C1 weight of the modern network feeds ~1,600 ReLU units and max-pool windows. Measured on
  // this check: at eps = 1e-3 half of C1's sampled steps crossed a kink on both sides (and were
  // skipped); at 3e-4 one of the 80 entries did, while float32 noise in the quotients stayed below 1e-3
  // of the largest component.
  // The classic network is smooth (no ReLU, no max pooling), so 1e-3 gives the lower-noise quotient.
  it('modern LeNet-5: a sample of every parameter tensor', () => {
    const net = buildNetwork(MODERN_LENET5, { seed: 41 });
    const rng = new Rng(42);
    checkNetwork(net, randomArray(rng, 2 * net.inputSize, 0, 1), [7, 2], { perTensor: 8, eps: 3e-4, tol: NONLINEAR_TOL, seed: 43 });
  });

  it('classic LeNet-5: a sample of every parameter tensor; the unconnected C3 kernels get exactly zero gradient', () => {
    const net = buildNetwork(CLASSIC_LENET5, { seed: 51 });
    const rng = new Rng(52);
    checkNetwork(net, randomArray(rng, 2 * net.inputSize, CLASSIC_BACKGROUND, CLASSIC_INK), [4, 9], { perTensor: 8, eps: 1e-3, tol: NONLINEAR_TOL, seed: 53 });
  });
});

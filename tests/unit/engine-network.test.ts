import { describe, expect, it } from 'vitest';
import {
  augmentInto, AugmentScratch, buildNetwork, C3_CONNECTIONS, CLASSIC_LENET5, DEFAULT_AUGMENT, learningRate,
  MODERN_LENET5, networkInfo, Optimizer, Rng, ShapeError, tensor, totalMacs, totalParams, weightsFromFile,
  weightsToFile, type AugmentConfig, type ImageDataset, type LearningRateConfig, type NetworkSpec, type Tensor,
  type Weights,
} from '../../main/engine/index.ts';
import { train, type TrainConfig } from '../../main/parallel/index.ts';

function shapeErrorOf(fn: () => unknown): ShapeError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ShapeError);
    return err as ShapeError;
  }
  throw new Error('expected a ShapeError, nothing was thrown');
}

/** Bitwise equality of two weight maps (distinguishes -0 from 0; NaN equals only the same NaN). */
function expectSameBits(a: Weights, b: Weights): void {
  expect([...a.keys()]).toEqual([...b.keys()]);
  for (const [name, t] of a) {
    const u = b.get(name)!;
    expect(u.shape, name).toEqual(t.shape);
    const x = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
    const y = new Uint32Array(u.data.buffer, u.data.byteOffset, u.data.length);
    let firstDiff = -1;
    for (let i = 0; i < x.length && firstDiff < 0; i++) if (x[i] !== y[i]) firstDiff = i;
    expect(firstDiff, `${name}: first differing element`).toBe(-1);
  }
}

function maxAbsDifference(a: Weights, b: Weights): number {
  let worst = 0;
  for (const [name, t] of a) {
    const u = b.get(name)!;
    for (let i = 0; i < t.data.length; i++) worst = Math.max(worst, Math.abs(t.data[i] - u.data[i]));
  }
  return worst;
}

describe('LeNet-5 layer arithmetic (LENET5.md)', () => {
  it('modern: output shapes, per-layer parameters and the 61,706 total', () => {
    const infos = networkInfo(MODERN_LENET5);
    expect(infos.map((l) => l.name)).toEqual(['C1', 'S2', 'C3', 'S4', 'C5', 'F6', 'OUTPUT']);
    expect(infos.map((l) => l.outputShape)).toEqual([[6, 28, 28], [6, 14, 14], [16, 10, 10], [16, 5, 5], [120, 1, 1], [84], [10]]);
    expect(infos.map((l) => l.params)).toEqual([156, 0, 2416, 0, 48120, 10164, 850]);
    expect(totalParams(infos)).toBe(61706);
    const net = buildNetwork(MODERN_LENET5, { seed: 1 });
    expect(net.trainableParams).toBe(61706);
    expect(net.paramData.length).toBe(61706);
  });

  it('classic: output shapes, per-layer parameters and the 60,000 total', () => {
    const infos = networkInfo(CLASSIC_LENET5);
    expect(infos.map((l) => l.outputShape)).toEqual([[6, 28, 28], [6, 14, 14], [16, 10, 10], [16, 5, 5], [120, 1, 1], [84], [10]]);
    expect(infos.map((l) => l.params)).toEqual([156, 12, 1516, 32, 48120, 10164, 0]);
    expect(totalParams(infos)).toBe(60000);
    const net = buildNetwork(CLASSIC_LENET5, { seed: 1 });
    expect(net.trainableParams).toBe(60000);
    // the flat array also stores C3's 36 unconnected 5x5 kernels (16 x 6 = 96 kernels, 60 connected): 900 zeros
    expect(net.paramData.length).toBe(60900);
  });

  it("C3's connection table reads the maps LENET5.md lists", () => {
    expect(C3_CONNECTIONS.slice(0, 6)).toEqual([[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [0, 4, 5], [0, 1, 5]]);
    expect(C3_CONNECTIONS.slice(6, 12)).toEqual([[0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [0, 3, 4, 5], [0, 1, 4, 5], [0, 1, 2, 5]]);
    expect(C3_CONNECTIONS.slice(12)).toEqual([[0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5], [0, 1, 2, 3, 4, 5]]);
  });

  it('parameter tensors have the names and layouts of the weights file format', () => {
    const shapes = (spec: NetworkSpec) => Object.fromEntries([...buildNetwork(spec, { seed: 1 }).getWeights()].map(([k, t]) => [k, t.shape]));
    expect(shapes(MODERN_LENET5)).toEqual({
      'C1.weight': [6, 1, 5, 5], 'C1.bias': [6], 'C3.weight': [16, 6, 5, 5], 'C3.bias': [16], 'C5.weight': [120, 16, 5, 5],
      'C5.bias': [120], 'F6.weight': [84, 120], 'F6.bias': [84], 'OUTPUT.weight': [10, 84], 'OUTPUT.bias': [10],
    });
    expect(shapes(CLASSIC_LENET5)).toEqual({
      'C1.weight': [6, 1, 5, 5], 'C1.bias': [6], 'S2.coef': [6], 'S2.bias': [6], 'C3.weight': [16, 6, 5, 5], 'C3.bias': [16],
      'S4.coef': [16], 'S4.bias': [16], 'C5.weight': [120, 16, 5, 5], 'C5.bias': [120], 'F6.weight': [84, 120], 'F6.bias': [84],
    });
  });

  it('multiply-accumulates, by hand', () => {
    const modern = Object.fromEntries(networkInfo(MODERN_LENET5).map((l) => [l.name, l.macs]));
    // C1: 6 filters x 25 weights x 28*28 positions = 117,600
    expect(modern.C1).toBe(117_600);
    // S2: max pooling compares, it does not multiply
    expect(modern.S2).toBe(0);
    // C3: 16 x 6 x 25 x 10*10 = 240,000
    expect(modern.C3).toBe(240_000);
    // C5: 120 x 16 x 25 x 1 = 48,000; F6: 120 x 84 = 10,080; OUTPUT: 84 x 10 = 840
    expect([modern.C5, modern.F6, modern.OUTPUT]).toEqual([48_000, 10_080, 840]);
    expect(totalMacs(networkInfo(MODERN_LENET5))).toBe(117_600 + 240_000 + 48_000 + 10_080 + 840);
    const classic = Object.fromEntries(networkInfo(CLASSIC_LENET5).map((l) => [l.name, l.macs]));
    // C3 with the table: 60 connected kernels x 25 x 100 = 150,000
    expect(classic.C3).toBe(150_000);
    // S2: one accumulate per window element: 6 maps x 14*14 windows x 4 = 4,704
    expect(classic.S2).toBe(4_704);
    // RBF: 10 centres x 84 squared differences
    expect(classic.OUTPUT).toBe(840);
  });
});

describe('specs that do not fit', () => {
  const base = { arch: 'test', input: { channels: 1, height: 5, width: 5 }, head: 'softmax' as const };

  it('a kernel larger than its input is a ShapeError naming the layer', () => {
    const spec: NetworkSpec = { ...base, layers: [{ kind: 'conv', name: 'BIG', filters: 2, kernel: 7 }, { kind: 'dense', name: 'OUT', units: 3 }] };
    for (const build of [() => networkInfo(spec), () => buildNetwork(spec)]) {
      const err = shapeErrorOf(build);
      expect(err.message).toContain('BIG');
      expect(err.message).toContain('5x5');
      expect(err.message).toContain('[7, 7]');
    }
  });

  it('a pooling window that no longer fits deeper in the network names that layer', () => {
    const spec: NetworkSpec = {
      ...base,
      layers: [
        { kind: 'conv', name: 'A', filters: 2, kernel: 3 }, // 2x3x3
        { kind: 'maxpool', name: 'P1', size: 2 }, // 2x1x1
        { kind: 'avgpool', name: 'P2', size: 2 },
        { kind: 'dense', name: 'OUT', units: 3 },
      ],
    };
    const err = shapeErrorOf(() => buildNetwork(spec));
    expect(err.message).toContain('P2');
    expect(err.message).not.toContain('P1');
  });

  it('RBF centres of the wrong length name the layer and the input shape', () => {
    const spec: NetworkSpec = { ...base, head: 'rbf', layers: [{ kind: 'dense', name: 'F', units: 4 }, { kind: 'rbf', name: 'R', centres: [[1, 1, 1]] }] };
    const err = shapeErrorOf(() => buildNetwork(spec));
    expect(err.message).toContain('R');
    expect(err.message).toContain('[4]');
  });

  it('a connection table that reads a missing channel names the layer', () => {
    const spec: NetworkSpec = { ...base, layers: [{ kind: 'conv', name: 'CT', filters: 2, kernel: 3, connections: [[0], [1]] }, { kind: 'dense', name: 'OUT', units: 3 }] };
    const err = shapeErrorOf(() => buildNetwork(spec));
    expect(err.message).toContain('CT');
    expect(err.message).toContain('channel 1');
  });

  it('a last layer that is not a vector of class scores is rejected', () => {
    const spec: NetworkSpec = { ...base, layers: [{ kind: 'conv', name: 'LAST', filters: 2, kernel: 3 }] };
    expect(shapeErrorOf(() => buildNetwork(spec)).message).toContain('LAST');
  });

  it('duplicate layer names are rejected', () => {
    const spec: NetworkSpec = { ...base, layers: [{ kind: 'conv', name: 'X', filters: 2, kernel: 3 }, { kind: 'activation', name: 'X', fn: 'relu' }, { kind: 'dense', name: 'OUT', units: 3 }] };
    const err = shapeErrorOf(() => networkInfo(spec));
    expect(err.message).toContain('X');
    expect(() => buildNetwork(spec)).toThrow(ShapeError);
  });

  it('an input of the wrong size is rejected by forward', () => {
    const net = buildNetwork(MODERN_LENET5, { seed: 1 });
    const err = shapeErrorOf(() => net.forward(new Float32Array(784), 2));
    expect(err.message).toContain('784');
    expect(err.message).toContain('1568');
  });
});

describe('seeded initialisation', () => {
  it('the same seed gives bit-identical weights, another seed different ones', () => {
    for (const spec of [MODERN_LENET5, CLASSIC_LENET5]) {
      const a = buildNetwork(spec, { seed: 7 }).getWeights();
      expectSameBits(a, buildNetwork(spec, { seed: 7 }).getWeights());
      expect(maxAbsDifference(a, buildNetwork(spec, { seed: 8 }).getWeights())).toBeGreaterThan(0.01);
    }
  });

  it('unconnected C3 kernels start at exactly zero and connected ones do not', () => {
    const w = buildNetwork(CLASSIC_LENET5, { seed: 7 }).getWeights().get('C3.weight')!;
    C3_CONNECTIONS.forEach((row, o) => {
      for (let c = 0; c < 6; c++) {
        const kernel = w.data.subarray((o * 6 + c) * 25, (o * 6 + c + 1) * 25);
        if (row.includes(c)) expect(kernel.some((v) => v !== 0)).toBe(true);
        else expect(kernel.every((v) => v === 0)).toBe(true);
      }
    });
  });
});

/** A small labelled set: a few random ink rectangles per 28x28 image; the label is the number of rectangles. */
function tinyDataset(count: number, seed: number): ImageDataset {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const strokes = 1 + rng.int(4);
    labels[n] = strokes;
    for (let s = 0; s < strokes; s++) {
      const x0 = 4 + rng.int(16), y0 = 4 + rng.int(16), w = 1 + rng.int(6), h = 1 + rng.int(6);
      for (let y = y0; y < Math.min(28, y0 + h); y++) for (let x = x0; x < Math.min(28, x0 + w); x++) images[n * 784 + y * 28 + x] = 128 + rng.int(128);
    }
  }
  return { count, width: 28, height: 28, images, labels };
}

describe('training is reproducible', () => {
  const data = tinyDataset(256, 99);
  const config: TrainConfig = {
    epochs: 1, batchSize: 32, seed: 5, workers: 1,
    optimizer: { kind: 'sgd', momentum: 0.9 },
    lr: { base: 0.02, schedule: { kind: 'cosine', minFactor: 0.1 }, warmupSteps: 2 },
    weightDecay: 1e-4, augment: DEFAULT_AUGMENT,
  };

  it('same seed, same worker count: bit-identical weights and losses (1 worker and 2 workers); 1 vs 2 workers agree within 1e-4', async () => {
    const one = await train(MODERN_LENET5, null, data, null, config);
    const oneAgain = await train(MODERN_LENET5, null, data, null, config);
    expectSameBits(one.weights, oneAgain.weights);
    expect(oneAgain.history.map((h) => h.trainLoss)).toEqual(one.history.map((h) => h.trainLoss));

    const two = await train(MODERN_LENET5, null, data, null, { ...config, workers: 2 });
    const twoAgain = await train(MODERN_LENET5, null, data, null, { ...config, workers: 2 });
    expectSameBits(two.weights, twoAgain.weights);
    expect(twoAgain.history.map((h) => h.trainLoss)).toEqual(two.history.map((h) => h.trainLoss));

    // splitting a batch across threads only changes the order of the float32 gradient sums
    expect(maxAbsDifference(one.weights, two.weights)).toBeLessThan(1e-4);
    expect(Math.abs(one.history[0].trainLoss - two.history[0].trainLoss)).toBeLessThan(1e-4);
    // and training did move the weights away from the seeded start
    expect(maxAbsDifference(one.weights, buildNetwork(MODERN_LENET5, { seed: 5 }).getWeights())).toBeGreaterThan(1e-3);
  });

  it('another seed gives another result', async () => {
    const small = tinyDataset(64, 98);
    const a = await train(MODERN_LENET5, null, small, null, config);
    const b = await train(MODERN_LENET5, null, small, null, { ...config, seed: 6 });
    expect(maxAbsDifference(a.weights, b.weights)).toBeGreaterThan(1e-3);
  });

  it("the classic network's unconnected C3 kernels stay exactly zero through Adam with weight decay on 2 workers", async () => {
    const r = await train(CLASSIC_LENET5, null, tinyDataset(128, 97), null, {
      ...config, workers: 2, optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, lr: { base: 1e-3, schedule: { kind: 'constant' } }, weightDecay: 1e-3,
    });
    const w = r.weights.get('C3.weight')!;
    const start = buildNetwork(CLASSIC_LENET5, { seed: 5 }).getWeights().get('C3.weight')!;
    let connectedMoved = 0;
    C3_CONNECTIONS.forEach((row, o) => {
      for (let c = 0; c < 6; c++) {
        for (let k = (o * 6 + c) * 25; k < (o * 6 + c + 1) * 25; k++) {
          // (the masking multiplies by 0, so a negative initial value leaves -0, which is zero too)
          if (!row.includes(c)) expect(w.data[k] === 0, `C3.weight[${k}] = ${w.data[k]}`).toBe(true);
          else if (w.data[k] !== start.data[k]) connectedMoved++;
        }
      }
    });
    expect(connectedMoved).toBeGreaterThan(1000);
  });
});

describe('Optimizer, first steps on f(p) = 1/2 (2 p0^2 + 0.5 p1^2), gradient [2 p0, 0.5 p1], from p = [1, -2]', () => {
  const gradient = (p: Float32Array) => Float32Array.from([2 * p[0], 0.5 * p[1]]);
  const ones = () => Float32Array.from([1, 1]);

  function run(opt: Optimizer, steps: number, lr: number): Float32Array {
    const p = Float32Array.from([1, -2]);
    for (let s = 0; s < steps; s++) opt.step(p, gradient(p), lr);
    return p;
  }

  it('SGD with momentum 0.9, lr 0.1', () => {
    // step 1: g = [2, -1], m = g, p = [1 - 0.2, -2 + 0.1] = [0.8, -1.9]
    // step 2: g = [1.6, -0.95], m = 0.9 [2, -1] + g = [3.4, -1.85], p = [0.8 - 0.34, -1.9 + 0.185] = [0.46, -1.715]
    const p1 = run(new Optimizer({ kind: 'sgd', momentum: 0.9 }, 0, ones(), ones()), 1, 0.1);
    expect(p1[0]).toBeCloseTo(0.8, 6);
    expect(p1[1]).toBeCloseTo(-1.9, 6);
    const p2 = run(new Optimizer({ kind: 'sgd', momentum: 0.9 }, 0, ones(), ones()), 2, 0.1);
    expect(p2[0]).toBeCloseTo(0.46, 6);
    expect(p2[1]).toBeCloseTo(-1.715, 6);
  });

  it('SGD with Nesterov momentum', () => {
    // step 1: m = g = [2, -1]; update g + 0.9 m = 1.9 g; p = [1 - 0.38, -2 + 0.19] = [0.62, -1.81]
    const p = run(new Optimizer({ kind: 'sgd', momentum: 0.9, nesterov: true }, 0, ones(), ones()), 1, 0.1);
    expect(p[0]).toBeCloseTo(0.62, 6);
    expect(p[1]).toBeCloseTo(-1.81, 6);
  });

  it('SGD weight decay adds wd * p to the gradient where the decay mask is 1', () => {
    // wd 0.1, decay only on p0: g = [2 + 0.1 * 1, -1] = [2.1, -1]; p = [1 - 0.21, -2 + 0.1] = [0.79, -1.9]
    const p = run(new Optimizer({ kind: 'sgd', momentum: 0.9 }, 0.1, Float32Array.from([1, 0]), ones()), 1, 0.1);
    expect(p[0]).toBeCloseTo(0.79, 6);
    expect(p[1]).toBeCloseTo(-1.9, 6);
  });

  it('a frozen parameter (trainable mask 0) does not move', () => {
    const p = run(new Optimizer({ kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, 0.1, ones(), Float32Array.from([1, 0])), 3, 0.1);
    expect(p[0]).not.toBe(1);
    expect(p[1]).toBe(-2);
  });

  it('Adam, lr 0.01: the bias-corrected first step is lr * sign(g), the second follows the moments', () => {
    const adam = () => new Optimizer({ kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, 0, ones(), ones());
    // step 1: m = 0.1 g, v = 0.001 g^2; m / (1 - 0.9) = g, v / (1 - 0.999) = g^2 -> update g / |g| = [1, -1]
    // p = [0.99, -1.99]
    const p1 = run(adam(), 1, 0.01);
    expect(p1[0]).toBeCloseTo(0.99, 6);
    expect(p1[1]).toBeCloseTo(-1.99, 6);
    // step 2: g = [1.98, -0.995]
    //   m = 0.9 [0.2, -0.1] + 0.1 g = [0.378, -0.1895]; v = 0.999 [0.004, 0.001] + 0.001 g^2 = [0.0079164, 0.001989025]
    //   corrections 1 - 0.81 = 0.19 and 1 - 0.998001 = 0.001999:
    //   mhat = [1.989474, -0.997368], vhat = [3.960180, 0.995010], sqrt(vhat) = [1.990020, 0.997502]
    //   update = [0.999725, -0.999866]; p = [0.99 - 0.00999725, -1.99 + 0.00999866] = [0.980003, -1.980001]
    const p2 = run(adam(), 2, 0.01);
    expect(p2[0]).toBeCloseTo(0.980003, 6);
    expect(p2[1]).toBeCloseTo(-1.980001, 6);
  });

  it('Adam weight decay is decoupled: p -= lr * (update + wd * p)', () => {
    // wd 0.1: p0 = 1 - 0.01 (1 + 0.1 * 1) = 0.989; p1 = -2 - 0.01 (-1 + 0.1 * -2) = -1.988
    const p = run(new Optimizer({ kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, 0.1, ones(), ones()), 1, 0.01);
    expect(p[0]).toBeCloseTo(0.989, 6);
    expect(p[1]).toBeCloseTo(-1.988, 6);
  });
});

describe('learning-rate schedules', () => {
  const lr = (config: LearningRateConfig, step: number) => learningRate(config, step, 100, 10);

  it('constant', () => {
    const c: LearningRateConfig = { base: 0.1, schedule: { kind: 'constant' } };
    expect([0, 37, 99].map((s) => lr(c, s))).toEqual([0.1, 0.1, 0.1]);
  });

  it('step: times gamma every `everyEpochs` epochs', () => {
    // 10 steps per epoch, halve every 2 epochs: steps 0-19 -> 0.1, 20-39 -> 0.05, 40-59 -> 0.025, ..., 80-99 -> 0.1 / 16
    const c: LearningRateConfig = { base: 0.1, schedule: { kind: 'step', everyEpochs: 2, gamma: 0.5 } };
    [[0, 0.1], [19, 0.1], [20, 0.05], [39, 0.05], [40, 0.025], [99, 0.00625]].forEach(([s, v]) => expect(lr(c, s)).toBeCloseTo(v, 10));
  });

  it('cosine from base down to minFactor * base', () => {
    // base * (m + (1 - m) (1 + cos(pi t)) / 2) with m = 0.1:
    // t = 0 -> 0.1; t = 0.25 -> 0.1 (0.1 + 0.45 * 1.707107) = 0.0868198; t = 0.5 -> 0.1 * 0.55 = 0.055; t = 1 -> 0.01
    const c: LearningRateConfig = { base: 0.1, schedule: { kind: 'cosine', minFactor: 0.1 } };
    [[0, 0.1], [25, 0.0868198], [50, 0.055], [100, 0.01]].forEach(([s, v]) => expect(lr(c, s)).toBeCloseTo(v, 6));
  });

  it('linear warm-up from base / 10 over warmupSteps, on top of the schedule', () => {
    // factor 0.1 + 0.9 step / warm: step 0 -> 0.01; step 5 of 10 -> 0.1 * 0.55 = 0.055; step 10 -> 0.1
    const c: LearningRateConfig = { base: 0.1, schedule: { kind: 'constant' }, warmupSteps: 10 };
    [[0, 0.01], [5, 0.055], [10, 0.1], [50, 0.1]].forEach(([s, v]) => expect(lr(c, s)).toBeCloseTo(v, 10));
    // with cosine: step 5 of 100 -> 0.1 * 0.55 * (0.1 + 0.45 (1 + cos(0.05 pi))) = 0.055 * 0.994460 = 0.0546953
    const cc: LearningRateConfig = { base: 0.1, schedule: { kind: 'cosine', minFactor: 0.1 }, warmupSteps: 10 };
    expect(lr(cc, 5)).toBeCloseTo(0.0546953, 6);
  });
});

describe('augmentation', () => {
  const W = 28, H = 28;
  const NONE: AugmentConfig = {
    rotationDeg: 0, scale: [1, 1], aspect: 0, shear: 0, shift: 0,
    thicknessProbability: 0, elasticProbability: 0, elasticAlpha: 0, elasticSigma: 3,
  };

  function randomImage(seed: number): Float32Array {
    const rng = new Rng(seed);
    return Float32Array.from({ length: W * H }, () => (rng.next() < 0.3 ? rng.next() : 0));
  }

  /** An asymmetric blob well inside the image: an L of ink with a grey tail. */
  function blob(): Float32Array {
    const img = new Float32Array(W * H);
    for (let y = 8; y < 18; y++) img[y * W + 10] = 1;
    for (let x = 10; x < 16; x++) img[17 * W + x] = 1;
    img[9 * W + 11] = 0.5;
    img[12 * W + 13] = 0.25;
    return img;
  }

  function centreOfMass(img: Float32Array): [number, number] {
    let m = 0, mx = 0, my = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const v = img[y * W + x];
        m += v;
        mx += v * x;
        my += v * y;
      }
    }
    return [mx / m, my / m];
  }

  /** Every draw is the same number u, so each uniform(lo, hi) is lo + (hi - lo) u: the shift is (2u - 1) * shift. */
  class ConstantRng extends Rng {
    constructor(private readonly u: number) {
      super(0);
    }
    override next(): number {
      return this.u;
    }
  }

  it('a zero-strength configuration returns the image unchanged', () => {
    for (const seed of [1, 2, 3]) {
      const src = randomImage(seed);
      const out = new Float32Array(W * H).fill(-1);
      augmentInto(src, W, H, NONE, new Rng(seed + 10), out, new AugmentScratch(W, H));
      expect([...out]).toEqual([...src]);
    }
  });

  it('is deterministic for a given Rng seed and differs across seeds; output stays in [0, 1]', () => {
    const src = randomImage(4);
    const run = (seed: number) => {
      const out = new Float32Array(W * H);
      augmentInto(src, W, H, DEFAULT_AUGMENT, new Rng(seed), out, new AugmentScratch(W, H));
      return out;
    };
    const a = run(42);
    expect([...run(42)]).toEqual([...a]);
    expect([...run(43)]).not.toEqual([...a]);
    expect(a.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('a whole-pixel shift moves every pixel by exactly that amount', () => {
    // shift 2, u = 0.75: tx = ty = -2 + 4 * 0.75 = 1 -> out[y][x] = src[y - 1][x - 1]
    const src = blob();
    const out = new Float32Array(W * H);
    augmentInto(src, W, H, { ...NONE, shift: 2 }, new ConstantRng(0.75), out, new AugmentScratch(W, H));
    const expected = new Float32Array(W * H);
    for (let y = 1; y < H; y++) for (let x = 1; x < W; x++) expected[y * W + x] = src[(y - 1) * W + x - 1];
    expect([...out]).toEqual([...expected]);
  });

  it('a fractional shift moves the centre of mass by the shift (bilinear resampling keeps mass and first moment)', () => {
    // shift 2, u = 0.6: tx = ty = -2 + 4 * 0.6 = 0.4
    const src = blob();
    const out = new Float32Array(W * H);
    augmentInto(src, W, H, { ...NONE, shift: 2 }, new ConstantRng(0.6), out, new AugmentScratch(W, H));
    const [x0, y0] = centreOfMass(src);
    const [x1, y1] = centreOfMass(out);
    expect(x1 - x0).toBeCloseTo(0.4, 4);
    expect(y1 - y0).toBeCloseTo(0.4, 4);
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(src.reduce((a, b) => a + b, 0), 4);
  });
});

describe('weights file', () => {
  it('round-trips both LeNet-5 networks bit for bit through JSON, and the rebuilt network computes the same', () => {
    for (const spec of [MODERN_LENET5, CLASSIC_LENET5]) {
      const net = buildNetwork(spec, { seed: 3 });
      const text = JSON.stringify(weightsToFile(spec, net.getWeights()));
      const parsed = weightsFromFile(JSON.parse(text));
      expect(parsed.spec).toEqual(JSON.parse(JSON.stringify(spec)));
      expectSameBits(parsed.weights, net.getWeights());
      const rebuilt = buildNetwork(parsed.spec, { seed: 999 });
      rebuilt.setWeights(parsed.weights);
      const input = Float32Array.from({ length: 2 * net.inputSize }, (_, i) => (i % 13) / 13);
      expect([...rebuilt.forward(input, 2).probabilities]).toEqual([...net.forward(input, 2).probabilities]);
    }
  });

  it('keeps special float32 values and every base64 padding length', () => {
    const spec = MODERN_LENET5;
    const special = [0, -0, 1e-45, 3.4e38, -1.5, Math.PI];
    for (const n of [1, 2, 3, 6]) {
      const t: Tensor = tensor([n], special.slice(0, n));
      const back = weightsFromFile(JSON.parse(JSON.stringify(weightsToFile(spec, new Map([['x', t]]))))).weights;
      expectSameBits(back, new Map([['x', t]]));
    }
  });

  function validFile(): Record<string, unknown> {
    return JSON.parse(JSON.stringify(weightsToFile(MODERN_LENET5, new Map([['t', tensor([2, 2], [1, 2, 3, 4])]])))) as Record<string, unknown>;
  }

  function withTensor(t: unknown): Record<string, unknown> {
    return { ...validFile(), tensors: { t } };
  }

  function floatsBase64(values: number[]): string {
    return Buffer.from(Float32Array.from(values).buffer).toString('base64');
  }

  it('rejects corrupt input with an error that says what is wrong', () => {
    const cases: [unknown, RegExp][] = [
      [null, /not a JSON object/],
      ['weights', /not a JSON object/],
      [{ ...validFile(), format: 'other' }, /format/],
      [{ ...validFile(), version: 2 }, /version 2/],
      [{ ...validFile(), spec: undefined }, /spec/],
      [{ ...validFile(), tensors: undefined }, /tensors/],
      [withTensor({ shape: [2, 2] }), /tensor t is malformed/],
      [withTensor({ shape: [2, 2], data: '@@@@' }), /tensor t is not valid base64/],
      [withTensor({ shape: [2, 2], data: 'AAA' }), /tensor t is not valid base64/],
      [withTensor({ shape: [1], data: 'AAAA' }), /tensor t holds 3 bytes/],
      [withTensor({ shape: [2, 2], data: floatsBase64([1, 2, 3]) }), /tensor t has shape \[2, 2\] but 3 values/],
      [withTensor({ shape: [3], data: floatsBase64([1, NaN, 3]) }), /tensor t holds a non-finite value at 1/],
      [withTensor({ shape: [2], data: floatsBase64([Infinity, 0]) }), /tensor t holds a non-finite value at 0/],
      [withTensor({ shape: [-2, -2], data: floatsBase64([1, 2, 3, 4]) }), /tensor t has an invalid shape \[-2, -2\]/],
      [withTensor({ shape: [1.5, 2], data: floatsBase64([1, 2, 3]) }), /tensor t has an invalid shape \[1.5, 2\]/],
    ];
    for (const [json, message] of cases) expect(() => weightsFromFile(json), String(message)).toThrow(message);
  });

  it('setWeights rejects a tensor of the wrong shape, a missing one and an unknown one', () => {
    const net = buildNetwork(MODERN_LENET5, { seed: 1 });
    const good = net.getWeights();
    const wrong = new Map(good);
    wrong.set('C1.weight', tensor([6, 1, 3, 3]));
    const e1 = shapeErrorOf(() => net.setWeights(wrong));
    expect(e1.message).toContain('C1.weight');
    expect(e1.message).toContain('[6, 1, 3, 3]');
    expect(e1.message).toContain('[6, 1, 5, 5]');
    const missing = new Map(good);
    missing.delete('F6.bias');
    expect(shapeErrorOf(() => net.setWeights(missing)).message).toContain('F6.bias');
    const extra = new Map(good);
    extra.set('S2.coef', tensor([6]));
    expect(shapeErrorOf(() => net.setWeights(extra)).message).toContain('S2.coef');
  });
});

import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { asImageDataset, loadMnist } from '../../main/data/mnist.ts';
import { subset } from '../../main/data/split.ts';
import { buildNetwork, MODERN_LENET5, Network, Rng, softTargetCrossEntropyInto, type ImageDataset, type NetworkSpec } from '../../main/engine/index.ts';
import { readModelFolder } from '../../main/model-folder/folder.ts';
import { buildDistillation, DEFAULT_METHOD, distillationHook, fineTune, fineTuneOptions, METHODS, type FineTuneInput } from '../../main/training/index.ts';

let digits: ImageDataset;
beforeAll(async () => {
  digits = asImageDataset(await loadMnist('test'));
});
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** T^2 * sum_n KL(t_n || softmax(sign * s_n / T)), in float64: the loss written out independently. */
function distillLoss(scores: ArrayLike<number>, targets: ArrayLike<number>, classes: number, sign: number, T: number): number {
  let loss = 0;
  for (let off = 0; off < scores.length; off += classes) {
    const z = Array.from({ length: classes }, (_, k) => (sign * scores[off + k]) / T);
    const m = Math.max(...z);
    const logSum = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
    for (let k = 0; k < classes; k++) {
      const t = targets[off + k];
      if (t > 0) loss += t * (Math.log(t) - (z[k] - logSum));
    }
  }
  return loss * T * T;
}

function randomDistributions(rng: Rng, rows: number, classes: number): Float32Array {
  const t = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let k = 0; k < classes; k++) s += t[r * classes + k] = Math.exp(2 * rng.normal());
    for (let k = 0; k < classes; k++) t[r * classes + k] /= s;
  }
  return t;
}

describe('the distillation loss', () => {
  it('a hand-worked case: scores (0, ln 3), targets (1/2, 1/2), T = 1', () => {
    const q = new Float32Array(2), d = new Float32Array(2);
    const loss = softTargetCrossEntropyInto(1, 2, Float32Array.of(0, Math.log(3)), 1, 1, Float32Array.of(0.5, 0.5), 0, q, d, 1);
    // q = (1/4, 3/4); KL = 1/2 ln(2) + 1/2 ln(2/3); dz = q - t
    expect(q[0]).toBeCloseTo(0.25, 6);
    expect(loss).toBeCloseTo(0.5 * Math.log(2) + 0.5 * Math.log(2 / 3), 6);
    expect(Array.from(d)).toEqual([expect.closeTo(-0.25, 6), expect.closeTo(0.25, 6)]);
  });

  it('is zero, with a zero gradient, when the student gives the targets', () => {
    const scores = Float32Array.of(1, -2, 0.5, 3, 0, -1);
    const T = 2.5;
    const targets = new Float32Array(6);
    const d = new Float32Array(6);
    softTargetCrossEntropyInto(2, 3, scores, 1, T, new Float32Array(6).fill(1 / 3), 0, targets, d, 1); // targets = the student's own softmax
    const loss = softTargetCrossEntropyInto(2, 3, scores, 1, T, targets.slice(), 0, new Float32Array(6), d, 1);
    expect(loss).toBeCloseTo(0, 6);
    for (const v of d) expect(Math.abs(v)).toBeLessThan(1e-6);
  });

  for (const [sign, T] of [[1, 2], [-0.7, 3], [1, 0.5]] as const) {
    it(`its gradient matches finite differences (sign ${sign}, T ${T})`, () => {
      const rng = new Rng(11);
      const batch = 3, classes = 5;
      const scores = Float32Array.from({ length: batch * classes }, () => 2 * rng.normal());
      const targets = randomDistributions(rng, batch, classes);
      const d = new Float32Array(batch * classes);
      const loss = softTargetCrossEntropyInto(batch, classes, scores, sign, T, targets, 0, new Float32Array(batch * classes), d, 0.5);
      expect(loss).toBeCloseTo(distillLoss(scores, targets, classes, sign, T), 4);
      const h = 1e-3;
      for (let i = 0; i < scores.length; i++) {
        const plus = Array.from(scores), minus = Array.from(scores);
        plus[i] += h;
        minus[i] -= h;
        const fd = (0.5 * (distillLoss(plus, targets, classes, sign, T) - distillLoss(minus, targets, classes, sign, T))) / (2 * h);
        expect(d[i], `score ${i}`).toBeCloseTo(fd, 4);
      }
    });
  }
});

describe('distillation through a network', () => {
  const spec: NetworkSpec = {
    arch: 'test-distill', input: { channels: 1, height: 6, width: 6 }, head: 'softmax',
    layers: [
      { kind: 'conv', name: 'A', filters: 2, kernel: 3, activation: 'tanh' },
      { kind: 'dense', name: 'D', units: 5, activation: 'sigmoid' },
      { kind: 'dense', name: 'OUT', units: 4 },
    ],
  };

  it('accumulateSoftTargetGradients gives the gradient of the summed loss (finite differences on every parameter)', () => {
    const net = new Network(spec, { seed: 3 });
    const rng = new Rng(4);
    const batch = 3;
    const x = Float32Array.from({ length: batch * net.inputSize }, () => rng.uniform(0, 1));
    const targets = randomDistributions(rng, batch, net.classes);
    const T = 2;
    net.gradData.fill(0);
    net.accumulateSoftTargetGradients(x, targets, 0, batch, T, 1);
    const analytic = net.gradData.slice();
    const loss = () => distillLoss(net.forward(x, batch).scores, targets, net.classes, 1, T);
    let scale = 0, worst = 0;
    for (let i = 0; i < net.paramData.length; i++) {
      const orig = net.paramData[i];
      const plus = Math.fround(orig + 1e-2), minus = Math.fround(orig - 1e-2);
      net.paramData[i] = plus;
      const lp = loss();
      net.paramData[i] = minus;
      const lm = loss();
      net.paramData[i] = orig;
      scale = Math.max(scale, Math.abs(analytic[i]));
      worst = Math.max(worst, Math.abs((lp - lm) / (plus - minus) - analytic[i]));
    }
    expect(scale).toBeGreaterThan(1e-3);
    expect(worst / scale).toBeLessThan(1e-2);
  });

  it("the targets are the base model's softmax at temperature T: p^(1/T), renormalised", () => {
    const weights = buildNetwork(MODERN_LENET5, { seed: 8 }).getWeights();
    const few = subset(digits, range(0, 5));
    const d = buildDistillation(MODERN_LENET5, weights, few, 3, 2);
    const net = buildNetwork(MODERN_LENET5);
    net.setWeights(weights);
    const p = net.forward(d.input, few.count).probabilities;
    for (let n = 0; n < few.count; n++) {
      const row = Array.from(p.subarray(n * 10, n * 10 + 10), (v) => v ** (1 / 3));
      const s = row.reduce((a, b) => a + b, 0);
      for (let c = 0; c < 10; c++) expect(d.targets[n * 10 + c]).toBeCloseTo(row[c] / s, 5);
    }
  });

  it('the hook adds nothing at the base weights, and weight times the mean gradient of its slice elsewhere, cycling through the digits', () => {
    const base = new Network(spec, { seed: 5 });
    const rng = new Rng(6);
    const count = 7;
    const images = new Uint8Array(count * 36).map(() => Math.floor(rng.uniform(0, 256)));
    const data: ImageDataset = { count, width: 6, height: 6, images, labels: new Uint8Array(count) };
    const d = buildDistillation(spec, base.getWeights(), data, 2, 1.5);
    const hook = distillationHook(spec, d, 3); // ceil(7 / 3) = 3 digits a step
    const params = base.paramData.slice();
    const grads = new Float32Array(params.length);
    hook(params, grads);
    for (const g of grads) expect(Math.abs(g)).toBeLessThan(1e-6);

    for (let i = 0; i < params.length; i++) params[i] += 0.3 * rng.normal();
    const moved = new Network(spec, { paramBuffer: params.slice() });
    const expected = (from: number, n: number) => {
      moved.gradData.fill(0);
      for (let k = 0; k < n; k++) {
        const i = (from + k) % count;
        moved.accumulateSoftTargetGradients(d.input.subarray(i * 36, (i + 1) * 36), d.targets, i * 4, 1, 2, 1.5 / 3);
      }
      return moved.gradData.slice();
    };
    // the first call consumed digits 0-2; the next takes 3-5, then 6, 0, 1
    for (const from of [3, 6]) {
      const g = Float32Array.from({ length: params.length }, () => rng.normal());
      const before = g.slice();
      hook(params, g);
      const want = expected(from, 3);
      expect(Math.max(...want.map(Math.abs))).toBeGreaterThan(1e-3);
      for (let i = 0; i < g.length; i++) expect(g[i] - before[i], `parameter ${i} from digit ${from}`).toBeCloseTo(want[i], 5);
    }
  });
});

describe('the default recipe distils', () => {
  it('is the distill-blend+prototype method', () => {
    expect(DEFAULT_METHOD).toBe('distill-blend+prototype');
    expect(fineTuneOptions()).toEqual(fineTuneOptions(METHODS[DEFAULT_METHOD]));
    expect(fineTuneOptions()).toMatchObject({ replayPerSample: 0, distill: 2, distillPerSample: 8, distillTemperature: 2 });
  });

  it("keeps the shipped model's MNIST accuracy where a fine-tune without replay loses it, and says so on its card", async () => {
    const folder = await readModelFolder(join(import.meta.dirname, '../../native-models/modern'));
    // the person's "samples": one digit class relabelled, which pulls the network hard away from MNIST
    const train = subset(digits, range(0, 60).filter((i) => digits.labels[i] !== 7).slice(0, 40));
    const relabelled: ImageDataset = { ...train, labels: train.labels.map((l) => (l + 1) % 10) };
    const probe = subset(digits, range(5000, 5300));
    const base: Omit<FineTuneInput, 'options'> = {
      spec: folder.spec, weights: folder.weights, baseModelId: 'modern', train: relabelled, heldOut: null,
      replay: subset(digits, range(1000, 1400)), mnistTest: probe,
    };
    const run = async (distill: number) => {
      const out = await fineTune({ ...base, options: fineTuneOptions({ epochs: 2, replayPerSample: 0, distill, distillPerSample: 8, blend: 1, prototypes: 0, heldOutFraction: 0 }) });
      if (out.status !== 'done') throw new Error('not done');
      return out.card;
    };
    const without = await run(0);
    const withDistill = await run(2);
    expect(without.mix.distilledDigits).toBe(0);
    expect(withDistill.mix.distilledDigits).toBe(8 * 40);
    expect(withDistill.mnist.after!).toBeGreaterThan(without.mnist.after! + 0.05);
  }, 120_000);
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asImageDataset, loadMnist } from '../../main/data/mnist.ts';
import { subset } from '../../main/data/split.ts';
import { buildNetwork, CLASSIC_LENET5, imageAsFloats, MODERN_LENET5, Rng, type ImageDataset } from '../../main/engine/index.ts';
import { writeModelFolder } from '../../main/model-folder/folder.ts';
import { ModelRuntime } from '../../main/runtime/index.ts';
import {
  addAnchorGradient, anchorPenalty, buildPrototypes, ewcAnchor, fineTune, fineTuneOptions, fisherDiagonal, foldPrototypes, l2spAnchor, METHODS,
  penultimateFeatures, trainableLayers, type Anchor, type FineTuneInput, type Prototypes,
} from '../../main/training/index.ts';

let work: string;
let digits: ImageDataset;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'methods-'));
  digits = asImageDataset(await loadMnist('test'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const inputs = (d: ImageDataset) => {
  const x = new Float32Array(d.count * 784), img = new Float32Array(784);
  for (let i = 0; i < d.count; i++) {
    imageAsFloats(d, i, img);
    x.set(img, i * 784);
  }
  return x;
};

describe('anchors toward the base weights', () => {
  it('adds the exact gradient of strength * sum f (w - w0)^2 (finite differences)', () => {
    const rng = new Rng(7);
    const n = 50;
    const anchor: Anchor = {
      base: Float32Array.from({ length: n }, () => rng.normal()),
      weight: Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : 0.5 + rng.next())),
      strength: 0.3,
    };
    const w = Float32Array.from(anchor.base, (b) => b + 0.2 * rng.normal());
    const g0 = Float32Array.from({ length: n }, () => rng.normal());
    const g = g0.slice();
    addAnchorGradient(anchor, w, g);
    const h = 1e-2; // the penalty is quadratic: central differences are exact up to float rounding
    for (let i = 0; i < n; i++) {
      const wp = Float64Array.from(w), wm = Float64Array.from(w);
      wp[i] += h;
      wm[i] -= h;
      const fd = (anchorPenalty(anchor, wp as unknown as Float32Array) - anchorPenalty(anchor, wm as unknown as Float32Array)) / (2 * h);
      expect(g[i] - g0[i], `parameter ${i}`).toBeCloseTo(fd, 4);
      if (anchor.weight[i] === 0) expect(g[i]).toBe(g0[i]);
    }
  });

  it('L2-SP holds only the trained layers, alike', () => {
    const weights = buildNetwork(MODERN_LENET5, { seed: 2 }).getWeights();
    const a = l2spAnchor(MODERN_LENET5, weights, ['OUTPUT'], 0.1);
    const net = buildNetwork(MODERN_LENET5);
    for (const p of net.params) {
      const slice = Array.from(a.weight.subarray(p.offset, p.offset + p.size));
      expect(new Set(slice), p.name).toEqual(new Set([p.layer === 'OUTPUT' ? 1 : 0]));
      expect(Array.from(a.base.subarray(p.offset, p.offset + p.size))).toEqual(Array.from(weights.get(p.name)!.data));
    }
  });

  it("EWC's Fisher of the output bias is (p - onehot)^2, averaged over the digits, and its weights average 1", () => {
    const weights = buildNetwork(MODERN_LENET5, { seed: 5 }).getWeights();
    const net = buildNetwork(MODERN_LENET5);
    net.setWeights(weights);
    const few = subset(digits, range(0, 6));
    const fisher = fisherDiagonal(net, few);
    const p = net.forward(inputs(few), few.count).probabilities;
    const bias = net.params.find((q) => q.name === 'OUTPUT.bias')!;
    for (let c = 0; c < 10; c++) {
      let expected = 0;
      for (let k = 0; k < few.count; k++) expected += (p[k * 10 + c] - (few.labels[k] === c ? 1 : 0)) ** 2 / few.count;
      expect(fisher[bias.offset + c]).toBeCloseTo(expected, 6);
    }
    const a = ewcAnchor(MODERN_LENET5, weights, ['F6', 'OUTPUT'], 1, few);
    let sum = 0, n = 0;
    for (const q of net.params) {
      for (let i = q.offset; i < q.offset + q.size; i++) {
        if (q.layer === 'F6' || q.layer === 'OUTPUT') {
          sum += a.weight[i];
          n++;
        } else expect(a.weight[i]).toBe(0);
      }
    }
    expect(sum / n).toBeCloseTo(1, 4);
  });

  it('a strong anchor keeps the fine-tuned weights near the base ones', async () => {
    const weights = buildNetwork(MODERN_LENET5, { seed: 3 }).getWeights();
    const base: Omit<FineTuneInput, 'options'> = {
      spec: MODERN_LENET5, weights, baseModelId: 'base', train: subset(digits, range(0, 40)), heldOut: null,
      replay: subset(digits, range(1000, 1400)), mnistTest: null,
    };
    const distance = async (anchor: 'none' | 'l2-sp', anchorStrength: number) => {
      const out = await fineTune({ ...base, options: fineTuneOptions({ epochs: 2, blend: 1, heldOutFraction: 0, anchor, anchorStrength, layers: 'classifier', prototypes: 0 }) });
      if (out.status !== 'done') throw new Error('not done');
      let s = 0;
      for (const [name, t] of out.weights) t.data.forEach((v, i) => (s += (v - weights.get(name)!.data[i]) ** 2));
      return Math.sqrt(s);
    };
    const free = await distance('none', 0);
    const held = await distance('l2-sp', 50);
    expect(free).toBeGreaterThan(0);
    expect(held).toBeLessThan(0.5 * free);
  });
});

describe('prototype correction', () => {
  it('a hand-made case: two features, the correction added to the logits and folded into the layer', () => {
    // a modern network whose output layer reads F6; only rows 0..2 and the first two features matter here
    const weights = buildNetwork(MODERN_LENET5, { seed: 1 }).getWeights();
    const F = 84;
    const means = new Float32Array(10 * F);
    means.set([1, 0], 0 * F); // digit 0 at (1, 0)
    means.set([0, 2], 1 * F); // digit 1 at (0, 2)
    const counts = [3, 2, 0, 0, 0, 0, 0, 0, 0, 0];
    const protos: Prototypes = { means, counts, features: F, tau: 2 };
    const out = foldPrototypes(MODERN_LENET5, weights, protos, 0.5);
    const w0 = weights.get('OUTPUT.weight')!.data, b0 = weights.get('OUTPUT.bias')!.data;
    const w = out.get('OUTPUT.weight')!.data, b = out.get('OUTPUT.bias')!.data;
    // k = 0.5 / 2 = 0.25: row 0 gains 2k * (1, 0), bias -k * 1; row 1 gains 2k * (0, 2), bias -k * 4; the eight
    // digits without samples gain the mean of those, (0.25, 0.5), bias -0.625; centring over the ten classes
    // subtracts the mean gain, (0.25, 0.5) and -0.625: row 0 (0.25, -0.5) bias 0.375, row 1 (-0.25, 0.5) bias
    // -0.375, the others nothing
    const gain = (c: number) => [w[c * F] - w0[c * F], w[c * F + 1] - w0[c * F + 1], b[c] - b0[c]];
    const close = (got: number[], want: number[]) => got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 6));
    close(gain(0), [0.25, -0.5, 0.375]);
    close(gain(1), [-0.25, 0.5, -0.375]);
    for (let c = 2; c < 10; c++) close(gain(c), [0, 0, 0]);
    // features beyond the first two: the prototypes are zero there, so nothing changes
    expect(w[5] - w0[5]).toBeCloseTo(0, 6);
    // the other layers are the same tensors
    expect(out.get('C1.weight')).toBe(weights.get('C1.weight'));
  });

  it('the folded model predicts the product of the network and a nearest-prototype classifier, in ONNX Runtime too', async () => {
    const weights = buildNetwork(MODERN_LENET5, { seed: 9 }).getWeights();
    // the first 30 MNIST test digits hold no 8: that digit gets the mean correction, not the formula below
    const samples = subset(digits, range(0, 200));
    const protos = buildPrototypes(MODERN_LENET5, weights, samples);
    expect(protos.counts.every((n) => n > 0)).toBe(true);
    // prototypes and tau by brute force from the network's own F6 activations
    const { data: f, features } = penultimateFeatures(MODERN_LENET5, weights, samples);
    const net = buildNetwork(MODERN_LENET5);
    net.setWeights(weights);
    const fwd = net.forward(inputs(samples), samples.count);
    expect(Array.from(f)).toEqual(Array.from(fwd.activations[5].data));
    for (let c = 0; c < 10; c++) {
      const mine = range(0, samples.count).filter((k) => samples.labels[k] === c);
      expect(protos.counts[c]).toBe(mine.length);
      for (const j of [0, 17, 83]) expect(protos.means[c * features + j]).toBeCloseTo(mine.length ? mine.reduce((a, k) => a + f[k * features + j], 0) / mine.length : 0, 5);
    }
    let spread = 0;
    for (let k = 0; k < samples.count; k++) for (let j = 0; j < features; j++) spread += (f[k * features + j] - protos.means[samples.labels[k] * features + j]) ** 2;
    expect(protos.tau).toBeCloseTo(spread / samples.count, 4);

    const strength = 0.7;
    const folded = foldPrototypes(MODERN_LENET5, weights, protos, strength);
    const test = subset(digits, range(100, 120));
    const tf = penultimateFeatures(MODERN_LENET5, weights, test).data;
    const pNet = net.forward(inputs(test), test.count).probabilities;
    const tunedNet = buildNetwork(MODERN_LENET5);
    tunedNet.setWeights(folded);
    const pEngine = tunedNet.forward(inputs(test), test.count).probabilities;
    const dir = join(work, 'folded');
    await writeModelFolder(dir, { spec: MODERN_LENET5, weights: folded, meta: {} });
    const rt = await ModelRuntime.load(dir);
    const pOrt = await rt.classify(inputs(test), test.count);
    await rt.release();
    for (let k = 0; k < test.count; k++) {
      // p(c) proportional to pNet(c) * exp(-strength * ||f - mu_c||^2 / tau)
      const score = range(0, 10).map((c) => {
        let d = 0;
        for (let j = 0; j < features; j++) d += (tf[k * features + j] - protos.means[c * features + j]) ** 2;
        return Math.log(pNet[k * 10 + c]) - (strength * d) / protos.tau;
      });
      const m = Math.max(...score);
      const z = score.reduce((a, s) => a + Math.exp(s - m), 0);
      for (let c = 0; c < 10; c++) {
        const expected = Math.exp(score[c] - m) / z;
        expect(pEngine[k * 10 + c]).toBeCloseTo(expected, 4);
        expect(pOrt[k * 10 + c]).toBeCloseTo(pEngine[k * 10 + c], 5);
      }
    }
  });

  it('a fine-tune with prototypes and no epochs changes only the output layer, and needs a softmax head', async () => {
    const weights = buildNetwork(MODERN_LENET5, { seed: 3 }).getWeights();
    const out = await fineTune({
      spec: MODERN_LENET5, weights, baseModelId: 'base', train: subset(digits, range(0, 40)), heldOut: subset(digits, range(40, 60)),
      replay: subset(digits, range(1000, 1100)), mnistTest: null, options: fineTuneOptions({ ...METHODS.prototype, heldOutFraction: 0 }),
    });
    if (out.status !== 'done') throw new Error('not done');
    for (const [name, t] of out.weights) {
      const same = Array.from(t.data).every((v, i) => v === weights.get(name)!.data[i]);
      expect(same, name).toBe(!name.startsWith('OUTPUT.'));
    }
    expect(out.card.history).toEqual([]);
    expect(() => foldPrototypes(CLASSIC_LENET5, buildNetwork(CLASSIC_LENET5, { seed: 1 }).getWeights(), { means: new Float32Array(840), counts: new Array(10).fill(1), features: 84, tau: 1 }, 1))
      .toThrow(/dense softmax output/);
    // the app's fine-tune of a classic model goes without the correction rather than failing
    const classic = buildNetwork(CLASSIC_LENET5, { seed: 1 }).getWeights();
    const c = await fineTune({
      spec: CLASSIC_LENET5, weights: classic, baseModelId: 'classic', train: subset(digits, range(0, 20)), heldOut: null,
      replay: subset(digits, range(1000, 1100)), mnistTest: null, options: fineTuneOptions({ epochs: 0, prototypes: 1, heldOutFraction: 0 }),
    });
    if (c.status !== 'done') throw new Error('not done');
    expect(c.card.recipe.prototypes).toBe(0);
    // (=== and not toEqual: the connection table's masked C3 weights may come back as 0 for -0)
    for (const [name, t] of c.weights) expect(t.data.every((v, i) => v === classic.get(name)!.data[i]), name).toBe(true);
  });
});

describe('methods', () => {
  it('every named method is a valid recipe for the modern network; the adapter trains only the output layer', () => {
    for (const [name, m] of Object.entries(METHODS)) expect(() => trainableLayers(MODERN_LENET5, fineTuneOptions(m).layers), name).not.toThrow();
    expect(trainableLayers(MODERN_LENET5, 'output')).toEqual(['OUTPUT']);
    expect(trainableLayers(CLASSIC_LENET5, 'output')).toEqual(['F6']);
  });
});

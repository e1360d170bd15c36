import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../main/core/core.ts';
import { classifierOf } from '../../main/core/explain.ts';
import { defaultInkPipeline } from '../../main/core/ink-pipeline.ts';
import { ExplainDrawingResponseSchema } from '../../main/api/explain-schemas.ts';
import { PredictResponseSchema } from '../../main/api/schemas.ts';
import { networkWorkedSum } from '../../main/lab/network-sum.ts';
import { networkInfo, type LayerInfo } from '../../main/engine/arithmetic.ts';
import type { Weights } from '../../main/engine/weights.ts';
import { loadMnist, type MnistSet } from '../../main/data/mnist.ts';
import { buildNetwork, Rng, type Network, type NetworkSpec } from '../../main/engine/index.ts';
import {
  inksWithoutEachStroke, integratedGradients, occlusion, saliency, strokeWhatIf, type ExplainTarget,
} from '../../main/explain/index.ts';
import { preprocessInk } from '../../main/ink/preprocess.ts';
import { toModelInput } from '../../main/ink/model-input.ts';
import { ModelRuntime } from '../../main/runtime/model-runtime.ts';
import { unipenInks } from './api-fixtures.ts';

/**
 * Attribution, checked against independent truth: the engine's input gradient against finite
 * differences through ONNX Runtime on real digits of both shipped models, a linear model whose gradient
 * is its weights, integrated gradients' completeness, occlusion of empty regions, and stroke what-if
 * against the app's own predict.
 */

const ROOT = join(import.meta.dirname, '../../native-models');
const ARCHS = ['modern', 'classic'] as const;
const runtimes = new Map<string, ModelRuntime>();
const engines = new Map<string, Network>();
let mnist: MnistSet;
let core: Core;

beforeAll(async () => {
  mnist = await loadMnist('test');
  for (const arch of ARCHS) {
    const rt = await ModelRuntime.load(join(ROOT, arch));
    const net = buildNetwork(rt.spec, { seed: 0 });
    net.setWeights(rt.weights);
    runtimes.set(arch, rt);
    engines.set(arch, net);
  }
  core = await createCore({ roots: [{ dir: ROOT, bundled: true }], loadModel: (dir) => ModelRuntime.load(dir), version: '1', transport: 'web', defaultModelId: 'modern' });
}, 60_000);

afterAll(async () => {
  await core?.close();
  for (const rt of runtimes.values()) await rt.release();
});

function mnistImage(i: number): Float32Array {
  const img = new Float32Array(784);
  for (let j = 0; j < 784; j++) img[j] = mnist.images[i * 784 + j] / 255;
  return img;
}

/** The explained logit margin of a batch of 28x28 images, by ONNX Runtime (the OUTPUT layer's scores). */
async function ortMargins(arch: string, images: Float32Array[], t: ExplainTarget): Promise<number[]> {
  const rt = runtimes.get(arch)!;
  const one = toModelInput(images[0], arch as 'modern').length;
  const input = new Float32Array(images.length * one);
  images.forEach((img, b) => input.set(toModelInput(img, arch as 'modern'), b * one));
  const out = (await rt.predict(input, images.length)).activations.at(-1)!.data;
  const s = rt.spec.head === 'rbf' ? -(rt.spec.rbfScale ?? 1) : 1;
  return images.map((_, b) => s * out[b * 10 + t.target] - (t.versus === null ? 0 : s * out[b * 10 + t.versus]));
}

/**
 * Central differences of the margin along every pixel through ONNX Runtime, with both one-sided ones:
 * where they differ the margin has a kink (ReLU, max pooling) within the step and no derivative is
 * defined at the scale of the step, so the pixel is not compared.
 */
async function finiteDifferences(arch: string, img: Float32Array, t: ExplainTarget, h: number) {
  const images = [img];
  for (let i = 0; i < 784; i++) {
    for (const sign of [1, -1]) {
      const p = Float32Array.from(img);
      p[i] += sign * h;
      images.push(p);
    }
  }
  const m = await ortMargins(arch, images, t);
  return Array.from({ length: 784 }, (_, i) => ({
    central: (m[1 + 2 * i] - m[2 + 2 * i]) / (2 * h),
    forward: (m[1 + 2 * i] - m[0]) / h,
    backward: (m[0] - m[2 + 2 * i]) / h,
  }));
}

async function realDigits(): Promise<{ what: string; image: Float32Array; label: number }[]> {
  const pen = await unipenInks(2);
  return [
    ...[0, 1, 2].map((i) => ({ what: `MNIST test ${i}`, image: mnistImage(i), label: mnist.labels[i] })),
    ...pen.map((ink, i) => ({ what: `pen digit ${i}`, image: preprocessInk({ strokes: ink.strokes }).image28, label: ink.label })),
  ];
}

describe('the engine input gradient against finite differences through ONNX Runtime', () => {
  // Classic: scaled tanh, averaging subsampling and RBF are smooth, so every pixel is compared. In
  // float32, logit margins of ~20 carry ~1e-5 of rounding, ~5e-4 in a quotient with step 1e-2; the
  // truncation error is ~h^2 |f'''| ~ 1e-4. Tolerance: 5e-3 x the largest gradient component (measured:
  // at most 9e-4 x).
  it('classic: every pixel of real digits within 5e-3 of the largest component', async () => {
    const net = engines.get('classic')!;
    for (const { what, image, label } of await realDigits()) {
      const t = { target: label, versus: (label + 3) % 10 };
      const g = saliency(net, image, 28, t).gradient;
      const fd = await finiteDifferences('classic', image, t, 1e-2);
      const largest = Math.max(...g.map(Math.abs));
      const worst = Math.max(...fd.map((d, i) => Math.abs(d.central - g[i])));
      expect(largest, what).toBeGreaterThan(0.1);
      expect(worst / largest, what).toBeLessThan(5e-3);
    }
  }, 60_000);

  // Modern: ReLU and max pooling make the margin piecewise linear. On a blank background every C1 unit
  // holds the same value, max pooling ties, and the derivative is not defined there (the engine takes
  // the first maximum, as every framework does; finite differences see the max and the min of the tied
  // slopes). The digits get a faint seeded background (uniform 0..0.02) so no two units tie; pixels
  // whose one-sided differences disagree by more than 2e-3 x the largest component straddle a kink
  // within the step (1e-3) and are not compared. Of the others at least 99% must agree within 1e-2 x
  // the largest component (measured: all but one of ~3,200 over six digits; typical error 1.5e-3 x),
  // and at least 15% of the pixels must be compared.
  it('modern: the pixels away from ReLU and max-pool kinks on real digits within 1e-2 of the largest component', async () => {
    const net = engines.get('modern')!;
    for (const { what, image: clean, label } of await realDigits()) {
      const rng = new Rng(label + 11);
      const image = clean.map((v) => v + 0.02 * rng.uniform(0, 1));
      const t = { target: label, versus: null };
      const g = saliency(net, image, 28, t).gradient;
      const largest = Math.max(...g.map(Math.abs));
      const fd = await finiteDifferences('modern', image, t, 1e-3);
      const smooth = fd.map((d, i) => ({ ...d, i })).filter((d) => Math.abs(d.forward - d.backward) <= 2e-3 * largest);
      const agree = smooth.filter((d) => Math.abs(d.central - g[d.i]) <= 1e-2 * largest);
      expect(largest, what).toBeGreaterThan(0.1);
      expect(smooth.length / 784, what).toBeGreaterThan(0.15);
      expect(agree.length / smooth.length, what).toBeGreaterThanOrEqual(0.99);
    }
  }, 60_000);
});

describe('attribution methods on cases with a known answer', () => {
  // y = W x + b over a 4x4 image: the input gradient of class c is row c of W.
  const linear: NetworkSpec = { arch: 'linear', input: { channels: 1, height: 4, width: 4 }, head: 'softmax', layers: [{ kind: 'flatten', name: 'F' }, { kind: 'dense', name: 'OUT', units: 10 }] };
  const net = buildNetwork(linear, { seed: 4 });
  const w = net.params.find((p) => p.name.includes('weight') || p.shape.length === 2)!;
  const rng = new Rng(9);
  const image = new Float32Array(16).map(() => rng.uniform(0, 1));

  it('saliency of a linear model is its weights (and their difference for two classes); gradient x input is their product with the pixels', () => {
    const row = (c: number) => Array.from({ length: 16 }, (_, j) => w.data[c * 16 + j]);
    const one = saliency(net, image, 4, { target: 3, versus: null });
    expect(Array.from(one.gradient)).toEqual(row(3).map((v) => Math.fround(v)));
    const two = saliency(net, image, 4, { target: 3, versus: 7 });
    two.gradient.forEach((g, j) => expect(g).toBeCloseTo(row(3)[j] - row(7)[j], 6));
    two.gradientTimesInput.forEach((v, j) => expect(v).toBeCloseTo(two.gradient[j] * image[j], 6));
  });

  it('integrated gradients of a linear model are exact: gradient x input, summing to the margin minus the blank one', () => {
    const ig = integratedGradients(net, image, 4, { target: 2, versus: 5 }, 3);
    const s = saliency(net, image, 4, { target: 2, versus: 5 });
    ig.attribution.forEach((v, j) => expect(v).toBeCloseTo(s.gradientTimesInput[j], 5));
    expect(ig.sum).toBeCloseTo(ig.expected, 5);
  });

  it('integrated gradients on a real digit approach completeness as the path is refined (both models)', () => {
    for (const arch of ARCHS) {
      const img = mnistImage(4);
      const t = { target: mnist.labels[4], versus: null };
      const coarse = integratedGradients(engines.get(arch)!, img, 28, t, 4);
      const fine = integratedGradients(engines.get(arch)!, img, 28, t, 64);
      expect(fine.expected).toBeCloseTo(coarse.expected, 3);
      expect(Math.abs(fine.sum - fine.expected), arch).toBeLessThan(0.05 * Math.abs(fine.expected));
      expect(Math.abs(fine.sum - fine.expected), arch).toBeLessThanOrEqual(Math.abs(coarse.sum - coarse.expected) + 1e-3);
    }
  });

  it('occluding an empty region changes nothing; occluding ink matches a direct ONNX Runtime reading of the occluded image', async () => {
    for (const arch of ARCHS) {
      const rt = runtimes.get(arch)!;
      const classify = classifierOf(rt, defaultInkPipeline);
      const img = mnistImage(7);
      const label = mnist.labels[7];
      const occ = await occlusion(img, 28, { target: label, versus: null }, classify, { patch: 6, stride: 2 });
      expect(occ.positions).toBe(12);
      const corners = Array.from({ length: 12 }, (_, k) => k * 2);
      let empty = 0;
      corners.forEach((top, a) => corners.forEach((left, b) => {
        let ink = 0;
        for (let y = top; y < top + 6; y++) for (let x = left; x < left + 6; x++) ink += img[y * 28 + x];
        if (ink === 0) {
          empty++;
          expect(Math.abs(occ.drops[a * 12 + b]), `${arch} empty patch ${top},${left}`).toBeLessThan(1e-6);
        }
      }));
      expect(empty).toBeGreaterThan(20);
      // the patch with the largest drop, recomputed alone
      const k = occ.drops.indexOf(Math.max(...occ.drops));
      const [top, left] = [corners[Math.floor(k / 12)], corners[k % 12]];
      const hidden = Float32Array.from(img);
      for (let y = top; y < top + 6; y++) hidden.fill(0, y * 28 + left, y * 28 + left + 6);
      const [p0, p1] = [await rt.classify(toModelInput(img, arch), 1), await rt.classify(toModelInput(hidden, arch), 1)];
      expect(occ.base).toBeCloseTo(p0[label], 5);
      expect(occ.drops[k]).toBeCloseTo(p0[label] - p1[label], 5);
      expect(occ.drops[k]).toBeGreaterThan(0);
    }
  });

  it('stroke what-if picks the stroke whose removal lowers the watched probability most', () => {
    const whole = [0.1, 0.6, 0.3, 0, 0, 0, 0, 0, 0, 0];
    const without = Float32Array.from([
      [0.1, 0.7, 0.2, 0, 0, 0, 0, 0, 0, 0],
      [0.8, 0.1, 0.1, 0, 0, 0, 0, 0, 0, 0],
      [0.2, 0.3, 0.5, 0, 0, 0, 0, 0, 0, 0],
    ].flat());
    const single = strokeWhatIf(whole, without, [false, false, false], { target: 1, versus: null });
    expect(single.deciding).toBe(1);
    expect(single.strokes[1]).toMatchObject({ top: 0, empty: false });
    expect(single.strokes[1].change).toBeCloseTo(-0.5, 6);
    // why 1 and not 2: only stroke 0 widens the gap when it goes; strokes 1 and 2 narrow it, 2 the most
    expect(strokeWhatIf(whole, without, [false, false, false], { target: 1, versus: 2 }).deciding).toBe(2);
    // no stroke supports class 0
    expect(strokeWhatIf(whole, without, [false, false, false], { target: 0, versus: null }).deciding).toBeNull();
  });

  it('stroke what-if gives no probabilities where nothing is left to read', () => {
    // the only stroke: it is the whole drawing, and without it there is nothing to read
    const only = strokeWhatIf([0, 0, 0, 0, 0, 0, 0, 1, 0, 0], new Float32Array(0), [true], { target: 7, versus: null });
    expect(only.strokes).toEqual([{ probabilities: null, top: null, empty: true, change: null }]);
    expect(only.deciding).toBe(0);
    // two strokes, the second a lone dot the pipeline drops: removing the first leaves nothing; only the second has a row
    const whole = [0.1, 0.6, 0.3, 0, 0, 0, 0, 0, 0, 0];
    const two = strokeWhatIf(whole, Float32Array.from([0.1, 0.7, 0.2, 0, 0, 0, 0, 0, 0, 0]), [true, false], { target: 1, versus: null });
    expect(two.strokes[0].empty).toBe(true);
    expect(two.strokes[1]).toMatchObject({ empty: false, top: 1 });
    expect(two.deciding).toBeNull();
    expect(() => strokeWhatIf(whole, new Float32Array(20), [true, false], { target: 1, versus: null })).toThrow(RangeError);
  });
});

describe('explainDrawing through the core', () => {
  it('answers for a pen digit with each stroke left out read exactly as predict reads that ink, both models', async () => {
    const inks = await unipenInks(40);
    const ink = inks.find((i) => i.strokes.length >= 2)!;
    expect(ink).toBeDefined();
    for (const arch of ARCHS) {
      const response = ExplainDrawingResponseSchema.parse(await core.explainDrawing({ ink: { strokes: ink.strokes }, modelId: arch, integratedSteps: 16 }));
      const predicted = await core.predict({ ink: { strokes: ink.strokes }, modelId: arch });
      expect(response.top).toBe(predicted.top);
      response.probabilities.forEach((p, k) => expect(p).toBeCloseTo(predicted.probabilities[k], 6));
      expect(response.target).toBe(predicted.top);
      expect(response.strokes).toHaveLength(ink.strokes.length);
      const parts = inksWithoutEachStroke({ strokes: ink.strokes });
      for (const [s, part] of parts.entries()) {
        const alone = await core.predict({ ink: part, modelId: arch });
        expect(response.strokes[s].empty).toBe(false);
        response.strokes[s].probabilities?.forEach((p, k) => expect(p, `${arch} stroke ${s}`).toBeCloseTo(alone.probabilities[k], 6));
        expect(response.strokes[s].top).toBe(alone.top);
      }
      const saliencyAgain = saliency(engines.get(arch)!, predicted.input.data, 28, { target: response.target, versus: null });
      expect(Array.from(response.saliency.data)).toEqual(Array.from(saliencyAgain.gradient));
      expect(response.integratedGradients?.steps).toBe(16);
    }
  });

  it('explains one class against another, and refuses comparing a chosen class with itself', async () => {
    const [ink] = await unipenInks(1);
    const r = await core.explainDrawing({ ink: { strokes: ink.strokes }, target: 3, versus: 5 });
    expect([r.target, r.versus]).toEqual([3, 5]);
    expect(r.occlusion.base).toBeCloseTo(r.probabilities[3] - r.probabilities[5], 6);
    await expect(core.explainDrawing({ ink: { strokes: ink.strokes }, target: 4, versus: 4 })).rejects.toMatchObject({ code: 'bad-request' });
    // the winner compared with itself (the pen made it the versus class): explained alone
    const alone = await core.explainDrawing({ ink: { strokes: ink.strokes }, versus: r.top });
    expect([alone.target, alone.versus]).toEqual([r.top, null]);
  });

  it('a drawing of one stroke: without it nothing is left to read, and no blank-field probabilities are reported', async () => {
    const ink = (await unipenInks(60)).find((i) => i.strokes.length === 1)!;
    expect(ink).toBeDefined();
    for (const arch of ARCHS) {
      const r = ExplainDrawingResponseSchema.parse(await core.explainDrawing({ ink: { strokes: ink.strokes }, modelId: arch }));
      expect(r.empty).toBe(false);
      expect(r.strokes).toEqual([{ probabilities: null, top: null, empty: true, change: null }]);
      expect(r.deciding).toBe(0);
    }
  });

  it('answers an empty drawing without strokes to weigh', async () => {
    const r = await core.explainDrawing({ ink: { strokes: [] } });
    expect(r.empty).toBe(true);
    expect(r.strokes).toEqual([]);
    expect(r.deciding).toBeNull();
  });
});

describe('pre-activation values (the Layers tab toggle)', () => {
  /** The activations written out by hand, not the engine's. */
  const ACTIVATE: Record<string, (z: number) => number> = {
    relu: (z) => Math.max(0, z),
    'lecun-tanh': (z) => 1.7159 * Math.tanh((2 / 3) * z),
  };

  /** Weighted sum plus bias of one unit, from the weights file and what the layer reads (ONNX Runtime's output of the layer before). */
  function byHand(info: LayerInfo, weights: Weights, x: Float32Array, map: number, row: number, col: number): number {
    const w = weights.get(`${info.name}.weight`)?.data;
    const b = weights.get(`${info.name}.bias`)?.data;
    if (info.kind === 'dense') {
      const n = x.length;
      let s = b![map];
      for (let j = 0; j < n; j++) s += w![map * n + j] * x[j];
      return s;
    }
    const [C, H, W] = info.inputShape;
    if (info.kind === 'subsample') {
      const [kh, kw] = info.kernel!;
      const [sh, sw] = info.stride!;
      let sum = 0;
      for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) sum += x[map * H * W + (row * sh + i) * W + col * sw + j];
      return weights.get(`${info.name}.coef`)!.data[map] * sum + weights.get(`${info.name}.bias`)!.data[map];
    }
    const [kh, kw] = info.kernel!;
    const [ph, pw] = info.padding!;
    const [sh, sw] = info.stride!;
    const reads = info.connections?.[map] ?? Array.from({ length: C }, (_, c) => c);
    let s = b![map];
    for (const c of reads) {
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const y = row * sh - ph + i, xx = col * sw - pw + j;
          if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
          s += w![((map * C + c) * kh + i) * kw + j] * x[c * H * W + y * W + xx];
        }
      }
    }
    return s;
  }

  it('post = f(pre) for every unit of every layer, and pre = weighted sum + bias worked by hand, both models', async () => {
    const inks = await unipenInks(6);
    for (const arch of ARCHS) {
      const rt = runtimes.get(arch)!;
      const infos = networkInfo(rt.spec);
      for (const ink of inks.slice(0, 3)) {
        const r = PredictResponseSchema.parse(await core.predict({ ink: { strokes: ink.strokes }, modelId: arch, withPreActivations: true }));
        const pre = r.preActivations!;
        expect(pre.map((a) => a.name)).toEqual(infos.map((l) => l.name));
        let activated = 0;
        for (const [i, info] of infos.entries()) {
          const post = r.activations[i].data;
          const p = pre[i].data;
          expect(pre[i].shape).toEqual(r.activations[i].shape);
          const f = info.activation ? ACTIVATE[info.activation] : undefined;
          if (info.activation && info.activation !== 'identity') {
            expect(f, `${arch} ${info.name}: ${info.activation}`).toBeDefined();
            activated++;
            // the pre-activations really differ from the outputs (negative sums exist before ReLU / tanh squashes)
            expect(p.some((v, k) => Math.abs(v - post[k]) > 1e-3), `${arch} ${info.name}`).toBe(true);
          }
          for (let k = 0; k < p.length; k++) {
            const expected = f ? f(p[k]) : p[k];
            expect(Math.abs(post[k] - expected), `${arch} ${info.name}[${k}]: post ${post[k]} vs f(pre ${p[k]})`).toBeLessThan(1e-4 * (1 + Math.abs(post[k])));
          }
          if (!rt.weights.has(`${info.name}.weight`) && info.kind !== 'subsample') continue;
          // units worked by hand: the strongest positive and the most negative sum of the layer
          const x = i === 0 ? r.networkInput.data : r.activations[i - 1].data;
          const maps = info.outputShape.length === 3;
          const [, oh = 1, ow = 1] = info.outputShape;
          for (const k of [p.indexOf(Math.max(...p)), p.indexOf(Math.min(...p))]) {
            const map = maps ? Math.floor(k / (oh * ow)) : k;
            const row = maps ? Math.floor((k % (oh * ow)) / ow) : 0;
            const col = maps ? k % ow : 0;
            const hand = byHand(info, rt.weights, x, map, row, col);
            expect(Math.abs(p[k] - hand), `${arch} ${info.name} unit ${k}: ${p[k]} vs ${hand} by hand`).toBeLessThan(2e-4 * (1 + Math.abs(hand)));
            // the lab's worked sum of the same unit agrees
            const worked = networkWorkedSum(engines.get(arch)!, rt.weights, r.networkInput.data, { layer: info.name, map, row, col });
            expect(worked.worked.preActivation).toBeCloseTo(p[k], 4);
          }
        }
        expect(activated, arch).toBeGreaterThanOrEqual(arch === 'modern' ? 4 : 5);
      }
      // without the flag the response carries none
      expect((await core.predict({ ink: { strokes: inks[0].strokes }, modelId: arch })).preActivations).toBeUndefined();
    }
  });
});

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../main/api/channels.ts';
import { createHandlers, dispatch, type HandlerTable } from '../../main/api/handlers.ts';
import type { LabConvolveRequest } from '../../main/api/contract.ts';
import { openCore } from '../../main/core/open-core.ts';
import type { Core } from '../../main/core/core.ts';
import { activateOne, calculate, INPUT_PRESETS, KERNEL_PRESETS, labConvolve, presetChain, type LabConvolveArgs } from '../../main/lab/index.ts';
import { RBF_CENTRES } from '../../main/engine/lenet5.ts';
import { unipenInks } from './api-fixtures.ts';

/** The lab's arithmetic against the textbook examples, each worked by hand (the expected numbers are the books'). */

const rows = (m: { height: number; width: number; data: Float32Array }, channel = 0) =>
  Array.from({ length: m.height }, (_, i) => Array.from(m.data.subarray((channel * m.height + i) * m.width, (channel * m.height + i + 1) * m.width)));

const f32 = (a: number[][]) => Float32Array.from(a.flat());
const oneToNine = { channels: 1, height: 3, width: 3, data: f32([[1, 2, 3], [4, 5, 6], [7, 8, 9]]) };
const textbookKernel = { outMaps: 1, height: 2, width: 2, data: f32([[0, 1], [2, 3]]) };

function args(over: Partial<LabConvolveArgs>): LabConvolveArgs {
  return {
    input: oneToNine, kernels: textbookKernel, bias: new Float32Array(1), stride: [1, 1], padding: [0, 0],
    activation: { fn: 'identity' }, pool: null, unit: null, poolUnit: null, ...over,
  };
}

describe('the lab convolution, on the textbook examples', () => {
  it('cross-correlates 1..9 with [[0,1],[2,3]] into [[25,31],[43,49]] and writes out 0×1 + 1×2 + 2×4 + 3×5 = 25', () => {
    const r = labConvolve(args({ unit: { map: 0, row: 0, col: 0 } }));
    expect(rows(r.conv)).toEqual([[25, 31], [43, 49]]);
    expect(r.formula.height).toEqual({ n: 3, k: 2, p: 0, s: 1, numerator: 1, quotient: 1, out: 2 });
    const w = r.worked!;
    expect(w.window).toEqual({ top: 0, left: 0, height: 2, width: 2 });
    expect(Array.from(w.groups[0].weights!)).toEqual([0, 1, 2, 3]);
    expect(Array.from(w.groups[0].inputs)).toEqual([1, 2, 4, 5]);
    expect(Array.from(w.groups[0].products!)).toEqual([0, 2, 8, 15]);
    expect(w.sum).toBe(25);
    expect(w.value).toBe(25);
    // (2·2·1 + 1)·1 parameters, 2·2·1·1·2·2 multiply-accumulates
    expect(r.params).toBe(5);
    expect(r.macs).toBe(16);
  });

  it('pads by 1 into a 4x4 output, and with stride 2 into [[3,13],[25,49]]', () => {
    const padded = labConvolve(args({ padding: [1, 1] }));
    expect([padded.conv.height, padded.conv.width]).toEqual([4, 4]);
    // the corners see one input value each: 1·3, 3·2, 7·1, 9·0
    expect(rows(padded.conv)).toEqual([[3, 8, 13, 6], [13, 25, 31, 12], [25, 43, 49, 18], [7, 8, 9, 0]]);
    const strided = labConvolve(args({ padding: [1, 1], stride: [2, 2], unit: { map: 0, row: 0, col: 0 } }));
    expect(rows(strided.conv)).toEqual([[3, 13], [25, 49]]);
    expect(strided.formula.width).toEqual({ n: 3, k: 2, p: 1, s: 2, numerator: 3, quotient: 1, out: 2 });
    // the top-left window lies mostly in the padding: only 1×3 counts
    expect(strided.worked!.window).toEqual({ top: -1, left: -1, height: 2, width: 2 });
    expect(Array.from(strided.worked!.groups[0].inputs)).toEqual([0, 0, 0, 1]);
  });

  it('pads and strides each axis on its own', () => {
    const r = labConvolve(args({ padding: [1, 0], stride: [1, 2] }));
    expect([r.conv.height, r.conv.width]).toEqual([4, 1]);
    expect(r.formula.height.out).toBe(4);
    expect(r.formula.width).toMatchObject({ numerator: 1, quotient: 0, out: 1 });
  });

  it('finds the edges of a dark band with [1, -1], and the vertical edge of 10s and 0s', () => {
    const band = INPUT_PRESETS.find((p) => p.id === 'edge-band')!;
    const r = labConvolve(args({ input: band.input, kernels: band.kernels }));
    for (const row of rows(r.conv)) expect(row).toEqual([0, 1, 0, 0, 0, -1, 0]);
    const tens = INPUT_PRESETS.find((p) => p.id === 'vertical-edge')!;
    const e = labConvolve(args({ input: tens.input, kernels: tens.kernels }));
    expect(rows(e.conv)).toEqual([[0, 30, 30], [0, 30, 30], [0, 30, 30]]);
  });

  it('sums two input channels into [[56,72],[104,120]], each channel with its partial sum', () => {
    const two = INPUT_PRESETS.find((p) => p.id === 'two-channels')!;
    const r = labConvolve(args({ input: two.input, kernels: two.kernels, unit: { map: 0, row: 0, col: 0 } }));
    expect(rows(r.conv)).toEqual([[56, 72], [104, 120]]);
    // channel 0: 0·0 + 1·1 + 2·3 + 3·4 = 19; channel 1: 1·1 + 2·2 + 3·4 + 4·5 = 37
    expect(r.worked!.groups.map((g) => g.partial)).toEqual([19, 37]);
    expect(r.params).toBe((2 * 2 * 2 + 1) * 1);
  });

  it('makes three output maps from one input with three kernels, and a 1x1 convolution is a weighted sum across channels', () => {
    const three = INPUT_PRESETS.find((p) => p.id === 'three-outputs')!;
    const r = labConvolve(args({ input: three.input, kernels: three.kernels, bias: three.bias }));
    expect(r.conv.channels).toBe(3);
    expect(rows(r.conv, 0)).toEqual([[56, 72], [104, 120]]);
    expect(rows(r.conv, 1)).toEqual([[76, 100], [148, 172]]);
    const one = INPUT_PRESETS.find((p) => p.id === 'one-by-one')!;
    const o = labConvolve(args({ input: one.input, kernels: one.kernels, bias: new Float32Array(2), unit: { map: 0, row: 1, col: 2 } }));
    // pixel (1, 2) across the three channels is (6, 0, 0): 1·6 + 0.5·0 + (−1)·0
    expect(o.worked!.groups.map((g) => Array.from(g.inputs))).toEqual([[6], [0], [0]]);
    expect(o.worked!.value).toBe(6);
    expect(o.params).toBe((1 * 1 * 3 + 1) * 2);
    expect(o.macs).toBe(3 * 2 * 3 * 3);
  });

  it('adds the bias and applies the activation, with its derivative', () => {
    const r = labConvolve(args({ bias: Float32Array.of(-30), activation: { fn: 'leaky-relu', slope: 0.1 }, unit: { map: 0, row: 0, col: 0 } }));
    expect(rows(r.conv)).toEqual([[-5, 1], [13, 19]]);
    expect(rows(r.activated)[0][0]).toBeCloseTo(-0.5, 6);
    expect(r.worked).toMatchObject({ bias: -30, preActivation: -5 });
    expect(r.worked!.derivative).toBeCloseTo(0.1, 6);
    expect(r.worked!.value).toBeCloseTo(-0.5, 6);
    const lecun = activateOne({ fn: 'lecun-tanh' }, 1);
    expect(lecun.value).toBeCloseTo(1, 3); // LeCun chose A and S so that f(1) = 1
    // derivative against a central difference
    const h = 1e-3;
    for (const fn of ['sigmoid', 'tanh', 'lecun-tanh'] as const) {
      const fd = (activateOne({ fn }, 0.3 + h).value - activateOne({ fn }, 0.3 - h).value) / (2 * h);
      expect(activateOne({ fn }, 0.3).derivative).toBeCloseTo(fd, 3);
    }
    expect(r.curve.x.length).toBe(r.curve.y.length);
    expect(r.curve.x[0]).toBeLessThanOrEqual(-19);
  });

  it('pools the output: the largest value wins, or the average', () => {
    const padded = args({ padding: [1, 1], pool: { kind: 'max', size: [2, 2], stride: [2, 2] }, poolUnit: { map: 0, row: 1, col: 0 } });
    const r = labConvolve(padded);
    // the 4x4 of the padding example in 2x2 blocks
    expect(rows(r.pooled!)).toEqual([[25, 31], [43, 49]]);
    expect(r.poolWorked).toMatchObject({ op: 'maxpool', chosen: 1, value: 43 });
    expect(Array.from(r.poolWorked!.groups[0].inputs)).toEqual([25, 43, 7, 8]);
    const avg = labConvolve({ ...padded, pool: { kind: 'avg', size: [2, 2], stride: [2, 2] } });
    expect(rows(avg.pooled!)).toEqual([[(3 + 8 + 13 + 25) / 4, (13 + 6 + 31 + 12) / 4], [(25 + 43 + 7 + 8) / 4, (49 + 18 + 9 + 0) / 4]]);
    expect(avg.poolWorked!.value).toBeCloseTo(83 / 4, 6);
  });

  it('refuses a kernel that does not fit, naming the sizes', () => {
    expect(() => labConvolve(args({ kernels: { outMaps: 1, height: 5, width: 5, data: new Float32Array(25) } }))).toThrow(/5x5 kernel with padding 0x0 does not fit a 3x3 input/);
  });

  it('ships the classic image kernels (the blurs as fractions)', () => {
    const gaussian = KERNEL_PRESETS.find((k) => k.id === 'gaussian')!;
    expect(gaussian.denominator).toBe(16);
    expect(Array.from(gaussian.data, (v) => v * 16)).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]);
    const sharpen = KERNEL_PRESETS.find((k) => k.id === 'sharpen')!;
    expect(Array.from(sharpen.data)).toEqual([0, -1, 0, -1, 5, -1, 0, -1, 0]);
  });
});

describe('the layer calculator', () => {
  it("gives AlexNet's first layer 55x55x96, 290,400 neurons and 34,944 parameters", () => {
    const r = calculate(presetChain('alexnet-conv1'));
    expect(r.rows[0]).toMatchObject({ outputShape: [96, 55, 55], neurons: 290_400, params: 34_944, macs: 11 * 11 * 3 * 96 * 55 * 55 });
    expect(r.rows[0].formula!.height).toEqual({ n: 227, k: 11, p: 0, s: 4, numerator: 216, quotient: 54, out: 55 });
  });

  it('counts 120,422,400 MACs for 28x28x192 to 32 5x5 maps directly, 12,443,648 through a 1x1 layer of 16', () => {
    expect(calculate(presetChain('bottleneck-direct')).totalMacs).toBe(120_422_400);
    const through = calculate(presetChain('bottleneck-1x1'));
    expect(through.totalMacs).toBe(12_443_648);
    expect(through.rows.map((r) => r.outputShape)).toEqual([[16, 28, 28], [32, 28, 28]]);
  });

  it('reads both LeNet-5s layer by layer: 61,706 and 60,000 parameters, C3 with its connection table', () => {
    const modern = calculate(presetChain('lenet5-modern'));
    expect(modern.rows.map((r) => r.name)).toEqual(['C1', 'S2', 'C3', 'S4', 'C5', 'F6', 'OUTPUT']);
    expect(modern.rows.map((r) => r.params)).toEqual([156, 0, 2416, 0, 48_120, 10_164, 850]);
    expect(modern.totalParams).toBe(61_706);
    expect(modern.totalMacs).toBe(416_520);
    const classic = calculate(presetChain('lenet5-classic'));
    expect(classic.rows.map((r) => r.params)).toEqual([156, 12, 1516, 32, 48_120, 10_164, 0]);
    expect(classic.totalParams).toBe(60_000);
    expect(classic.rows[2].outputShape).toEqual([16, 10, 10]);
  });

  it('refuses a layer that does not fit its input, naming it', () => {
    expect(() => calculate({ input: [1, 4, 4], layers: [{ kind: 'conv', name: 'big', filters: 1, kernel: [5, 5], stride: [1, 1], padding: [0, 0] }] })).toThrow(/conv big/);
  });
});

describe('the lab requests through the handler table', () => {
  let core: Core;
  let table: HandlerTable;
  beforeAll(async () => {
    core = await openCore({ bundledModelsDir: join(import.meta.dirname, '../../native-models'), version: 'test', transport: 'web' });
    table = createHandlers(core);
  });
  afterAll(() => core.close());

  const convolve = (request: LabConvolveRequest) => dispatch(table, CHANNELS.labConvolve, request);

  it('answers the textbook example, and refuses a kernel that does not fit with bad-request', async () => {
    const ok = await convolve({ input: oneToNine, kernels: textbookKernel, bias: [0], stride: [2, 2], padding: [1, 1], activation: { fn: 'identity' } });
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(Array.from((ok.value as { conv: { data: Float32Array } }).conv.data)).toEqual([3, 13, 25, 49]);
    const bad = await convolve({ input: oneToNine, kernels: { outMaps: 1, height: 4, width: 4, data: new Float32Array(16) }, bias: [0], stride: [1, 1], padding: [0, 0], activation: { fn: 'relu' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/does not fit a 3x3 input/) } });
    const wrongLength = await convolve({ input: oneToNine, kernels: { outMaps: 1, height: 2, width: 2, data: new Float32Array(3) }, bias: [0], stride: [1, 1], padding: [0, 0], activation: { fn: 'relu' } });
    expect(wrongLength).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/kernels\.data/) } });
  });

  it('answers a calculator preset and a chain typed by hand', async () => {
    const preset = await dispatch(table, CHANNELS.labLayers, { preset: 'alexnet-conv1' });
    expect(preset).toMatchObject({ ok: true, value: { totalParams: 34_944, totalNeurons: 290_400 } });
    const typed = await dispatch(table, CHANNELS.labLayers, { chain: { input: [3, 32, 32], layers: [{ kind: 'conv', name: 'c', filters: 8, kernel: [3, 3], stride: [1, 1], padding: [1, 1] }] } });
    expect(typed).toMatchObject({ ok: true, value: { rows: [{ outputShape: [8, 32, 32], params: (3 * 3 * 3 + 1) * 8 }] } });
  });

  it.each(['modern', 'classic'])('writes out units of the %s model whose value is the activation predict shows, within 1e-4', async (modelId) => {
    const [ink] = await unipenInks(1);
    const predicted = await core.predict({ ink: { strokes: ink.strokes }, modelId });
    const info = await core.modelInfo({ id: modelId });
    let checked = 0;
    for (const layer of info.layers) {
      if (!['conv', 'maxpool', 'subsample', 'dense', 'rbf'].includes(layer.kind)) continue;
      const shown = predicted.activations.find((a) => a.name === layer.name)!;
      const [maps, h = 1, w = 1] = layer.outputShape;
      // the strongest unit of the layer (a unit on the ink), and one in the first map's corner
      let best = 0;
      for (let i = 1; i < shown.data.length; i++) if (Math.abs(shown.data[i]) > Math.abs(shown.data[best])) best = i;
      const units = [{ map: Math.floor(best / (h * w)), row: Math.floor((best % (h * w)) / w), col: best % w }, { map: maps - 1, row: 0, col: w - 1 }];
      for (const u of units) {
        const answer = await core.unitWorkedSum({ ink: { strokes: ink.strokes }, modelId, layer: layer.name, ...u });
        const expected = shown.data[(u.map * h + u.row) * w + u.col];
        expect(Math.abs(answer.worked.value - expected), `${modelId} ${layer.name} ${JSON.stringify(u)}`).toBeLessThan(1e-4);
        const w0 = answer.worked;
        // the written-out terms add up to what is shown
        const partials = w0.groups.reduce((s, g) => s + g.partial, 0);
        if (w0.op !== 'maxpool') expect(partials).toBeCloseTo(w0.sum, 6);
        for (const g of w0.groups) if (g.products) expect(g.products.reduce((s, p) => s + p, 0)).toBeCloseTo(g.partial, 3);
        checked++;
      }
      if (layer.kind === 'conv' && layer.connections) {
        const answer = await core.unitWorkedSum({ ink: { strokes: ink.strokes }, modelId, layer: layer.name, map: 0, row: 0, col: 0 });
        expect(answer.worked.groups.map((g) => g.channel)).toEqual(layer.connections[0]);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(14);
  });

  it('writes out the classic RBF output as 84 squared differences from the digit code bitmap, and its probability is the one predict shows', async () => {
    const inks = await unipenInks(3);
    for (const ink of inks) {
      const predicted = await core.predict({ ink: { strokes: ink.strokes }, modelId: 'classic' });
      const f6 = predicted.activations.find((a) => a.name === 'F6')!.data;
      const distances = predicted.activations.find((a) => a.name === 'OUTPUT')!.data;
      for (let digit = 0; digit < 10; digit++) {
        const answer = await core.unitWorkedSum({ ink: { strokes: ink.strokes }, modelId: 'classic', layer: 'OUTPUT', map: digit, row: 0, col: 0 });
        const w = answer.worked;
        expect(w.op).toBe('rbf');
        expect(answer.from).toBe('F6');
        const [g] = w.groups;
        // the centre is the digit's bitmap, +1 where it is inked and -1 elsewhere
        expect(Array.from(g.weights!)).toEqual([...RBF_CENTRES[digit]]);
        // brute force on ONNX Runtime's F6: sum of (x_i - c_i)^2
        let expected = 0;
        for (let i = 0; i < 84; i++) {
          const term = (f6[i] - RBF_CENTRES[digit][i]) ** 2;
          expect(g.products![i]).toBeCloseTo(term, 4);
          expected += term;
        }
        expect(g.products).toHaveLength(84);
        expect(Math.abs(w.value - expected)).toBeLessThan(1e-4);
        expect(Math.abs(w.value - distances[digit]), `digit ${digit}`).toBeLessThan(1e-4);
        expect(w.bias).toBeNull();
        expect(w.activation).toBeNull();
        // the nearest code wins, so logits are a negative multiple of the distances
        expect(answer.probability!.logitScale).toBeLessThan(0);
        expect(Math.abs(answer.probability!.value - predicted.probabilities[digit])).toBeLessThan(1e-4);
      }
    }
  });

  it('gives the modern output unit the softmax of the logits, and no probability for an inner layer', async () => {
    const [ink] = await unipenInks(1);
    const predicted = await core.predict({ ink: { strokes: ink.strokes }, modelId: 'modern' });
    const answer = await core.unitWorkedSum({ ink: { strokes: ink.strokes }, modelId: 'modern', layer: 'OUTPUT', map: predicted.top, row: 0, col: 0 });
    const logits = predicted.activations.find((a) => a.name === 'OUTPUT')!.data;
    const total = Array.from(logits).reduce((s, v) => s + Math.exp(v), 0);
    expect(answer.probability!.logitScale).toBe(1);
    expect(Math.abs(answer.probability!.value - Math.exp(logits[predicted.top]) / total)).toBeLessThan(1e-4);
    const inner = await core.unitWorkedSum({ ink: { strokes: ink.strokes }, modelId: 'modern', layer: 'F6', map: 0, row: 0, col: 0 });
    expect(inner.probability).toBeNull();
  });

  it('refuses a unit outside the layer', async () => {
    const [ink] = await unipenInks(1);
    const bad = await dispatch(table, CHANNELS.unitWorkedSum, { ink: { strokes: ink.strokes }, layer: 'C1', map: 6, row: 0, col: 0 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/outside the output of 6 maps/) } });
    const rbf = await dispatch(table, CHANNELS.unitWorkedSum, { ink: { strokes: ink.strokes }, modelId: 'classic', layer: 'OUTPUT', map: 10, row: 0, col: 0 });
    expect(rbf).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/outside the layer's 10 units/) } });
  });
});

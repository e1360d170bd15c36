import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, createHandlers, dispatch, LIMITS, PredictResponseSchema, ModelInfoSchema, ModelListSchema, LayerKernelsSchema, type HandlerTable } from '../../main/api/index.ts';
import type { CoreEvent } from '../../main/api/core-port.ts';
import { createCore, type Core } from '../../main/core/core.ts';
import { cardFacts } from '../../main/core/card.ts';
import { buildNetwork, CLASSIC_BACKGROUND, CLASSIC_INK, weightsFromFile } from '../../main/engine/index.ts';
import { preprocessInk } from '../../main/ink/preprocess.ts';
import { ModelRuntime } from '../../main/runtime/model-runtime.ts';
import { makeModelsDir, unipenInks } from './api-fixtures.ts';

let models: Awaited<ReturnType<typeof makeModelsDir>>;
let core: Core;
let table: HandlerTable;
const events: CoreEvent[] = [];

beforeAll(async () => {
  models = await makeModelsDir();
  core = await createCore({ roots: [{ dir: models.dir, bundled: true }], loadModel: (dir) => ModelRuntime.load(dir), version: '9.9.9', transport: 'web', defaultModelId: 'modern' });
  core.subscribe((e) => events.push(e));
  table = createHandlers(core);
});

afterAll(async () => {
  await core?.close();
  await models?.cleanup();
});

async function call(channel: string, payload: unknown): Promise<unknown> {
  const result = await dispatch(table, channel, payload);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** The engine network of a model folder: the independent reference for ONNX Runtime's numbers. */
async function engineOf(arch: string) {
  const { spec, weights } = weightsFromFile(JSON.parse(await readFile(join(models.dir, arch, 'weights.json'), 'utf8')));
  const network = buildNetwork(spec, { seed: 0 });
  network.setWeights(weights);
  return { spec, weights, network };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('the core behind the handler table', () => {
  it('lists the model folders with the modern one active', async () => {
    const list = ModelListSchema.parse(await call(CHANNELS.listModels, {}));
    expect(list.activeId).toBe('modern');
    expect(list.models.map((m) => [m.id, m.arch, m.bundled])).toEqual([['classic', 'classic', true], ['modern', 'modern', true]]);
    expect(list.models[1].facts).toMatchObject({ title: 'Test modern', testAccuracy: 0.5 });
  });

  it('predicts a real pen digit with the probabilities and every activation the engine computes', async () => {
    const [ink] = await unipenInks(1);
    const response = PredictResponseSchema.parse(await call(CHANNELS.predict, { ink: { strokes: ink.strokes } }));
    const expectedImage = preprocessInk({ strokes: ink.strokes }).image28;
    expect(maxAbsDiff(response.input.data, expectedImage)).toBe(0);
    expect(response.networkInput).toMatchObject({ width: 28, height: 28 });

    const { network } = await engineOf('modern');
    const forward = network.forward(Float32Array.from(expectedImage), 1);
    expect(maxAbsDiff(response.probabilities, forward.probabilities)).toBeLessThan(1e-4);
    expect(response.top).toBe(forward.probabilities.indexOf(Math.max(...forward.probabilities)));
    expect(response.activations.map((a) => `${a.name}:${a.shape.join('x')}`)).toEqual(['C1:6x28x28', 'S2:6x14x14', 'C3:16x10x10', 'S4:16x5x5', 'C5:120x1x1', 'F6:84', 'OUTPUT:10']);
    for (const [i, a] of response.activations.entries()) {
      expect(maxAbsDiff(a.data, forward.activations[i].data), a.name).toBeLessThan(1e-3);
    }
    expect(response.empty).toBe(false);
    expect(response.steps).toBeUndefined();
  });

  it('feeds the classic model the 28x28 image centred in a 32x32 field scaled to -0.1..1.175', async () => {
    const [, ink] = await unipenInks(2);
    const response = PredictResponseSchema.parse(await call(CHANNELS.predict, { ink: { strokes: ink.strokes }, modelId: 'classic', withSteps: true }));
    expect(response.arch).toBe('classic');
    const { width, height, data } = response.networkInput;
    expect([width, height]).toEqual([32, 32]);
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const inside = y >= 2 && y < 30 && x >= 2 && x < 30;
        const v = inside ? response.input.data[(y - 2) * 28 + (x - 2)] : 0;
        expect(data[y * 32 + x]).toBeCloseTo(CLASSIC_BACKGROUND + (CLASSIC_INK - CLASSIC_BACKGROUND) * v, 5);
      }
    }
    const { network } = await engineOf('classic');
    const forward = network.forward(Float32Array.from(data), 1);
    expect(maxAbsDiff(response.probabilities, forward.probabilities)).toBeLessThan(1e-4);
    expect(response.steps?.centred.data).toEqual(response.input.data);
    expect(response.steps?.fitted).toMatchObject({ width: 20, height: 20 });
  });

  it('says an empty canvas is empty', async () => {
    const response = PredictResponseSchema.parse(await call(CHANNELS.predict, { ink: { strokes: [] } }));
    expect(response.empty).toBe(true);
    expect(response.input.data.every((v) => v === 0)).toBe(true);
  });

  it("describes a model's layers with the engine's arithmetic and hand-worked receptive fields", async () => {
    const modern = ModelInfoSchema.parse(await call(CHANNELS.modelInfo, { id: 'modern' }));
    expect(modern.totalParams).toBe(61_706); // LENET5.md
    const field = (name: string) => modern.layers.find((l) => l.name === name)?.receptiveField;
    // C1: 5x5 window, padding 2 -> starts 2 px before the image; S2 adds one C1 step (size 6), doubles the jump.
    expect(field('C1')).toEqual({ size: [5, 5], jump: [1, 1], start: [-2, -2] });
    expect(field('S2')).toEqual({ size: [6, 6], jump: [2, 2], start: [-2, -2] });
    expect(field('C3')).toEqual({ size: [14, 14], jump: [2, 2], start: [-2, -2] });
    expect(field('F6')).toEqual({ size: [28, 28], jump: [0, 0], start: [0, 0] });
    expect(modern.layers.find((l) => l.name === 'C1')).toMatchObject({ kernel: [5, 5], padding: [2, 2], outputShape: [6, 28, 28], params: 156 });

    const classic = ModelInfoSchema.parse(await call(CHANNELS.modelInfo, { id: 'classic' }));
    expect(classic.totalParams).toBe(60_000);
    const c3 = classic.layers.find((l) => l.name === 'C3');
    expect(c3?.params).toBe(1_516);
    expect(c3?.connections?.[12]).toEqual([0, 1, 3, 4]); // LeNet-5 (1998), table I
    expect(c3?.connections?.[15]).toEqual([0, 1, 2, 3, 4, 5]);
    // C5 of the classic net sees the whole 32x32 field: 5 + 4*1 + 4*2 + 4*4... = 32 from (0,0).
    expect(classic.layers.find((l) => l.name === 'C5')?.receptiveField).toEqual({ size: [32, 32], jump: [4, 4], start: [0, 0] });
    expect(classic.rbfBitmaps?.data).toHaveLength(10);
    expect(classic.rbfBitmaps?.data[1]).toHaveLength(84);
    expect(modern.rbfBitmaps).toBeUndefined();
  });

  it("returns a layer's kernels exactly as the weights file holds them", async () => {
    const { weights } = await engineOf('classic');
    const c3 = LayerKernelsSchema.parse(await call(CHANNELS.layerKernels, { modelId: 'classic', layer: 'C3' }));
    expect(c3.shape).toEqual([16, 6, 5, 5]);
    expect(c3.data).toEqual(Float32Array.from(weights.get('C3.weight')!.data));
    expect(c3.bias).toEqual(Float32Array.from(weights.get('C3.bias')!.data));
    expect(c3.connections).toHaveLength(16);
    const s2 = LayerKernelsSchema.parse(await call(CHANNELS.layerKernels, { modelId: 'classic', layer: 'S2' }));
    expect(s2).toMatchObject({ kind: 'subsample', shape: [6] });
    expect(s2.data).toEqual(Float32Array.from(weights.get('S2.coef')!.data));
  });

  it('activates another model, tells subscribers, and predicts with it by default', async () => {
    events.length = 0;
    const list = ModelListSchema.parse(await call(CHANNELS.activateModel, { id: 'classic' }));
    expect(list.activeId).toBe('classic');
    expect(events).toEqual([{ name: 'modelChanged', payload: list }]);
    const response = PredictResponseSchema.parse(await call(CHANNELS.predict, { ink: { strokes: [[[0, 0], [0, 10]]] } }));
    expect(response.modelId).toBe('classic');
    await call(CHANNELS.activateModel, { id: 'modern' });
  });

  it('reports the version and transport', async () => {
    expect(await call(CHANNELS.appInfo, undefined)).toMatchObject({ name: 'LeNet Studio', version: '9.9.9', transport: 'web' });
  });

  it('refuses bad requests with clear errors', async () => {
    const cases: [string, unknown, string, RegExp][] = [
      [CHANNELS.modelInfo, { id: 'nope' }, 'not-found', /no model called nope \(models: classic, modern\)/],
      [CHANNELS.modelInfo, { id: '../modern' }, 'bad-request', /modelInfo: invalid request: id: a model id/],
      [CHANNELS.layerKernels, { layer: 'S4' }, 'not-found', /S4 of model modern is a maxpool layer/],
      [CHANNELS.layerKernels, { layer: 'C9' }, 'not-found', /has no layer C9/],
      [CHANNELS.predict, { ink: { strokes: [[[0, Number.NaN]]] } }, 'bad-request', /strokes\[0\]\[0\]\[1\]/],
      [CHANNELS.predict, { ink: { strokes: [] }, extra: 1 }, 'bad-request', /Unrecognized key/],
      ['lenet:rm-rf', {}, 'unknown-channel', /unknown channel "lenet:rm-rf"/],
    ];
    for (const [channel, payload, code, message] of cases) {
      const result = await dispatch(table, channel, payload);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe(code);
        expect(result.error.message).toMatch(message);
      }
    }
  });
});

describe('the size of an ink', () => {
  /** A circle drawn over and over, `n` points in all, split into `strokes` strokes. */
  function circles(n: number, strokes = 1): [number, number][][] {
    const points = Array.from({ length: n }, (_, i): [number, number] => [100 + 80 * Math.cos(i / 10), 100 + 80 * Math.sin(i / 10)]);
    const per = Math.ceil(n / strokes);
    return Array.from({ length: strokes }, (_, s) => points.slice(s * per, (s + 1) * per));
  }

  it(`predicts an ink of exactly ${LIMITS.maxInkPoints} points, and refuses one more point as a bad request naming the limit`, async () => {
    expect(LIMITS.maxInkPoints).toBeLessThanOrEqual(10_000);
    const biggest = PredictResponseSchema.parse(await call(CHANNELS.predict, { ink: { strokes: circles(LIMITS.maxInkPoints, 3) } }));
    expect(biggest.empty).toBe(false);
    for (const strokes of [circles(LIMITS.maxInkPoints + 1), circles(LIMITS.maxInkPoints + 1, 4), circles(1_000_000)]) {
      const result = await dispatch(table, CHANNELS.predict, { ink: { strokes } });
      expect(result).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining(`more than ${LIMITS.maxInkPoints} points`) } });
    }
  });
});

describe('model card facts', () => {
  it('reads the card npm run train writes, and leaves out what it lacks', () => {
    const meta = {
      arch: 'modern', title: 'Modern LeNet-5', architecture: 'LeNet-5, ReLU, max pooling, softmax output', parameters: 61_706,
      createdAt: '2026-01-01T00:00:00.000Z', parent: null, epochs: 12, trainingSeconds: 600, validationAccuracy: 0.9931, testAccuracy: 99.42,
      recipe: { optimizer: 'adam', batchSize: 64, learningRate: { base: 0.002 } }, data: { train: 'MNIST training set, 54000 images', test: 'MNIST test set' },
    };
    expect(cardFacts('modern', 'modern', meta)).toEqual({
      title: 'Modern LeNet-5', description: 'LeNet-5, ReLU, max pooling, softmax output', params: 61_706, testAccuracy: 0.9942,
      validationAccuracy: 0.9931, epochs: 12, trainingSeconds: 600, createdAt: '2026-01-01T00:00:00.000Z',
      trainedOn: 'MNIST training set, 54000 images', recipe: 'optimizer adam, batchSize 64',
    });
    expect(cardFacts('mine-1', 'classic', {})).toEqual({ title: 'Classic LeNet-5 (1998)' });
    expect(cardFacts('mine-2', 'other', { testAccuracy: 250, title: '' })).toEqual({ title: 'mine-2' });
  });
});

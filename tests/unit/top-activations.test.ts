import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TopActivationsResponseSchema, TopOwnSamplesResponseSchema } from '../../main/api/explain-schemas.ts';
import { asImageDataset, loadMnist } from '../../main/data/mnist.ts';
import { subset } from '../../main/data/split.ts';
import { SampleStore, samplesDir } from '../../main/samples/index.ts';
import { ModelVersions } from '../../main/versions/versions.ts';
import { makeModelsDir, unipenInks } from './api-fixtures.ts';
import type { CoreEvent } from '../../main/api/core-port.ts';
import { createCore } from '../../main/core/core.ts';
import { buildTopActivations, modelDigest, type TopBuildResult } from '../../main/core/top-activations-build.ts';
import { decodeTopCache, encodeTopCache, TOP_CACHE_FILE } from '../../main/core/top-activations-cache.ts';
import { loadShippedMnistTest } from '../../main/data/mnist.ts';
import { CLASSIC_LENET5, imageToNetworkInput, MODERN_LENET5, networkInfo } from '../../main/engine/index.ts';
import { fieldInDigit } from '../../main/explain/index.ts';
import { ModelRuntime } from '../../main/runtime/model-runtime.ts';

const BUNDLED = join(import.meta.dirname, '../../native-models');
const SUBSET = 400;
const K = 9;
const built = new Map<string, TopBuildResult>();

beforeAll(async () => {
  for (const arch of ['modern', 'classic']) built.set(arch, await buildTopActivations({ modelDir: join(BUNDLED, arch), mnistDir: BUNDLED, k: K, batch: 64, limit: SUBSET }));
}, 60_000);

describe('top-activating digits', () => {
  // Brute force: every digit of the subset through ONNX Runtime one at a time (not the build's batches),
  // every unit's response (its strongest position; the smallest distance for RBF units) ranked directly.
  it('match a brute-force ranking of the first 400 test digits for every unit of both models', async () => {
    const set = await loadShippedMnistTest(BUNDLED);
    for (const arch of ['modern', 'classic']) {
      const result = built.get(arch)!;
      const rt = await ModelRuntime.load(join(BUNDLED, arch));
      try {
        const size = rt.spec.input.height * rt.spec.input.width;
        const responses = result.layers.map((l) => new Float32Array(l.channels * SUBSET));
        const argmax = result.layers.map((l) => new Int32Array(l.channels * SUBSET));
        for (let i = 0; i < SUBSET; i++) {
          const img = Float32Array.from(set.images.subarray(i * 784, (i + 1) * 784), (v) => v / 255);
          const input = new Float32Array(size);
          imageToNetworkInput(rt.spec, img, 28, 28, input, 0);
          const p = await rt.predict(input, 1);
          result.layers.forEach((l, li) => {
            const a = p.activations.find((x) => x.name === l.name)!.data;
            for (let c = 0; c < l.channels; c++) {
              const values = Array.from(a.subarray(c * l.positions, (c + 1) * l.positions));
              const best = l.lowIsStrong ? Math.min(...values) : Math.max(...values);
              responses[li][c * SUBSET + i] = best;
              argmax[li][c * SUBSET + i] = values.indexOf(best);
            }
          });
        }
        result.layers.forEach((l, li) => {
          for (let c = 0; c < l.channels; c++) {
            const all = Array.from({ length: SUBSET }, (_, i) => ({ i, v: responses[li][c * SUBSET + i] }));
            all.sort((a, b) => (l.lowIsStrong ? a.v - b.v : b.v - a.v) || a.i - b.i);
            for (let r = 0; r < K; r++) {
              const at = c * K + r;
              const listed = l.index[at];
              const what = `${arch} ${l.name}[${c}] rank ${r}`;
              // the r-th value is the brute force's r-th, and the listed digit really responds so
              expect(Math.abs(l.value[at] - all[r].v), what).toBeLessThan(1e-4);
              expect(Math.abs(responses[li][c * SUBSET + listed] - l.value[at]), what).toBeLessThan(1e-4);
              if (r + 1 < K && Math.abs(all[r].v - all[r + 1].v) > 1e-4 && (r === 0 || Math.abs(all[r].v - all[r - 1].v) > 1e-4)) {
                expect(listed, what).toBe(all[r].i);
                expect(l.position[at], what).toBe(argmax[li][c * SUBSET + listed]);
              }
            }
          }
        });
      } finally {
        await rt.release();
      }
    }
  }, 120_000);

  it('give the receptive field of the strongest position inside the 28x28 digit (the classic field has a border of 2)', () => {
    for (const [spec, input] of [[MODERN_LENET5, 28], [CLASSIC_LENET5, 32]] as const) {
      const layers = networkInfo(spec);
      const c3 = layers.find((l) => l.name === 'C3')!;
      // C3 sees 14x14 of the input with a jump of 2; unit (3, 4) of its 10x10 maps
      expect(fieldInDigit(c3, 3 * 10 + 4, input, 28)).toEqual({ top: 4, left: 6, bottom: 17, right: 19 });
      expect(fieldInDigit(c3, 0, input, 28)).toEqual({ top: 0, left: 0, bottom: 11, right: 11 });
      expect(fieldInDigit(layers.find((l) => l.name === 'F6')!, 0, input, 28)).toEqual({ top: 0, left: 0, bottom: 27, right: 27 });
    }
  });

  it('are cached with the digests they were computed from: a damaged, stale or foreign cache is refused', async () => {
    const result = built.get('classic')!;
    const bytes = encodeTopCache(result);
    const expected = { modelDigest: result.modelDigest, datasetDigest: result.datasetDigest };
    const back = decodeTopCache(bytes, expected);
    expect('problem' in back).toBe(false);
    const round = back as TopBuildResult;
    result.layers.forEach((l, i) => {
      expect(Array.from(round.layers[i].index)).toEqual(Array.from(l.index));
      expect(Array.from(round.layers[i].value)).toEqual(Array.from(l.value));
      expect(Array.from(round.layers[i].position)).toEqual(Array.from(l.position));
    });
    const flipped = Uint8Array.from(bytes);
    flipped[flipped.length - 5] ^= 0xff;
    expect(decodeTopCache(flipped, expected)).toEqual({ problem: 'its contents do not match their digest' });
    expect(decodeTopCache(bytes.subarray(0, bytes.length - 8), expected)).toEqual({ problem: 'its contents do not match their digest' });
    expect(decodeTopCache(bytes, { ...expected, modelDigest: await modelDigest(join(BUNDLED, 'modern')) })).toEqual({ problem: 'computed for another model.onnx' });
    expect(decodeTopCache(bytes, { ...expected, datasetDigest: '0'.repeat(64) })).toEqual({ problem: 'computed for other digits' });
    expect(decodeTopCache(new TextEncoder().encode('garbage'), expected)).toEqual({ problem: 'no header' });
  });
});

describe('topActivations through the core', () => {
  let root: string;
  let cache: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lenet-tops-models-'));
    cache = await mkdtemp(join(tmpdir(), 'lenet-tops-cache-'));
    await symlink(join(BUNDLED, 'modern'), join(root, 'modern'), 'junction');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(cache, { recursive: true, force: true });
  });

  async function openCore(warnings: string[]) {
    const events: CoreEvent[] = [];
    const core = await createCore({ roots: [{ dir: root, bundled: true }], loadModel: (d) => ModelRuntime.load(d), version: '1', transport: 'web', mnistDir: BUNDLED, cacheDir: cache, warn: (m) => warnings.push(m) });
    core.subscribe((e) => events.push(e));
    const ready = async () => {
      for (;;) {
        const r = TopActivationsResponseSchema.parse(await core.topActivations({ layer: 'C3', unit: 5 }));
        if (r.state !== 'building') return r;
        await new Promise((done) => setTimeout(done, 200));
      }
    };
    return { core, events, ready };
  }

  it('builds every unit’s lists over all 10,000 digits in a worker with progress, caches them, and rebuilds a damaged cache', async () => {
    const warnings: string[] = [];
    const first = await openCore(warnings);
    try {
      const building = await first.core.topActivations({ layer: 'C3', unit: 5 });
      expect(building).toMatchObject({ state: 'building', total: 10_000 });
      const r = await first.ready();
      expect(r.state).toBe('ready');
      if (r.state !== 'ready') return;
      expect(r.searched).toBe(10_000);
      expect(r.examples).toHaveLength(12);
      expect(r.images).toHaveLength(12 * 784);
      const values = r.examples.map((x) => x.value);
      expect(values).toEqual([...values].sort((a, b) => b - a));
      const progress = first.events.filter((e) => e.name === 'topActivationsProgress');
      expect(progress.length).toBeGreaterThan(5);
      expect(progress.at(-1)).toMatchObject({ payload: { state: 'ready' } });
      // the listed digit responds as listed: its C3 map 5 at the listed position, by ONNX Runtime
      const rt = await ModelRuntime.load(join(BUNDLED, 'modern'));
      try {
        const p = await rt.predict(r.images.slice(0, 784), 1);
        const c3 = p.activations.find((a) => a.name === 'C3')!.data.subarray(5 * 100, 6 * 100);
        expect(Math.max(...c3)).toBeCloseTo(r.examples[0].value, 4);
      } finally {
        await rt.release();
      }
      await expect(first.core.topActivations({ layer: 'C3', unit: 16 })).rejects.toMatchObject({ code: 'bad-request' });
      await expect(first.core.topActivations({ layer: 'C9', unit: 0 })).rejects.toMatchObject({ code: 'not-found' });
    } finally {
      await first.core.close();
    }
    const file = join(cache, 'modern', TOP_CACHE_FILE);
    const bytes = await readFile(file);
    // a second core reads the cache: ready at once
    const second = await openCore(warnings);
    try {
      expect((await second.core.topActivations({ layer: 'F6', unit: 3 })).state).toBe('ready');
    } finally {
      await second.core.close();
    }
    // damaged: refused, said, rebuilt
    bytes[bytes.length - 100] ^= 0x55;
    await writeFile(file, bytes);
    const third = await openCore(warnings);
    try {
      expect((await third.core.topActivations({ layer: 'F6', unit: 3 })).state).toBe('building');
      expect(warnings.some((w) => w.includes('do not match their digest'))).toBe(true);
      expect((await third.ready()).state).toBe('ready');
    } finally {
      await third.core.close();
    }
  }, 180_000);
});

describe('the person’s own samples that excite each unit most', () => {
  // Brute force: each sample's ink through the app's predict (ink pipeline, then ONNX Runtime, one at a
  // time), every unit's response (strongest position; smallest distance for RBF units) ranked directly,
  // ties to the earlier sample, against the core's batched lists.
  it('match a brute-force ranking over the samples for every unit of both models, empty without samples, rebuilt when the samples change', async () => {
    const models = await makeModelsDir();
    const dataDir = await mkdtemp(join(tmpdir(), 'lenet-own-tops-'));
    const mnist = asImageDataset(await loadMnist('test'));
    const range = (n: number) => Array.from({ length: n }, (_, i) => i);
    const store = await SampleStore.open(samplesDir(dataDir));
    const versions = await ModelVersions.open({ bundledDir: models.dir, dataDir, defaultId: 'modern' });
    const core = await createCore({
      roots: [{ dir: models.dir, bundled: true }, { dir: join(dataDir, 'models'), bundled: false }],
      loadModel: (d) => ModelRuntime.load(d), version: '1', transport: 'web', defaultModelId: 'modern',
      personal: { store, versions, replay: { train: subset(mnist, range(50)), test: subset(mnist, range(20)) } },
    });
    try {
      const none = TopOwnSamplesResponseSchema.parse(await core.topOwnSamples({ modelId: 'modern', layer: 'C3', unit: 2 }));
      expect(none).toMatchObject({ searched: 0, examples: [] });
      const inks = await unipenInks(30);
      const ids: string[] = [];
      for (const ink of inks) ids.push((await core.addSample({ ink: { strokes: ink.strokes }, label: ink.label, how: 'saved' })).sample.id);
      const order = (await core.listSamples({})).samples.map((s) => s.id);
      const labelOf = new Map(inks.map((ink, i) => [ids[i], ink.label]));
      for (const arch of ['modern', 'classic'] as const) {
        const info = await core.modelInfo({ id: arch });
        const truth = [];
        for (const id of order) truth.push(await core.predict({ ink: inks[ids.indexOf(id)], modelId: arch }));
        for (const layer of info.layers) {
          const low = layer.role === 'distance';
          const channels = layer.outputShape[0];
          const positions = layer.outputShape.length === 3 ? layer.outputShape[1] * layer.outputShape[2] : 1;
          for (let unit = 0; unit < channels; unit++) {
            const r = TopOwnSamplesResponseSchema.parse(await core.topOwnSamples({ modelId: arch, layer: layer.name, unit }));
            expect(r.searched).toBe(order.length);
            expect(r.lowIsStrong).toBe(low);
            const responses = truth.map((p, i) => {
              const values = Array.from(p.activations.find((a) => a.name === layer.name)!.data.subarray(unit * positions, (unit + 1) * positions));
              const best = low ? Math.min(...values) : Math.max(...values);
              return { i, best, position: values.indexOf(best) };
            });
            responses.sort((a, b) => (low ? a.best - b.best : b.best - a.best) || a.i - b.i);
            const expected = responses.slice(0, 12);
            expect(r.examples).toHaveLength(12);
            for (const [k, x] of r.examples.entries()) {
              const e = expected[k];
              expect(x.value, `${arch} ${layer.name} unit ${unit} #${k}`).toBeCloseTo(e.best, 4);
              // the exact sample where no other's response is within float noise of it
              const clear = responses.every((o) => o.i === e.i || Math.abs(o.best - e.best) > 1e-4);
              if (clear) {
                expect(x.sampleId, `${arch} ${layer.name} unit ${unit} #${k}`).toBe(order[e.i]);
                expect(x.field).toEqual(fieldInDigit(networkInfo(arch === 'modern' ? MODERN_LENET5 : CLASSIC_LENET5).find((l) => l.name === layer.name)!, e.position, info.layers[0].inputShape[1], 28));
              }
              expect(x.label).toBe(labelOf.get(x.sampleId));
            }
          }
        }
      }
      // a relabel changes the set: the list says the new label
      const first = (await core.topOwnSamples({ modelId: 'modern', layer: 'OUTPUT', unit: 3 })).examples[0];
      const relabel = (first.label + 1) % 10;
      await core.relabelSample({ id: first.sampleId, label: relabel });
      expect((await core.topOwnSamples({ modelId: 'modern', layer: 'OUTPUT', unit: 3 })).examples[0]).toMatchObject({ sampleId: first.sampleId, label: relabel });
      // deleting the strongest sample: the list is rebuilt without it
      await core.deleteSamples({ ids: [first.sampleId] });
      const after = await core.topOwnSamples({ modelId: 'modern', layer: 'OUTPUT', unit: 3 });
      expect(after.searched).toBe(order.length - 1);
      expect(after.examples.map((x) => x.sampleId)).not.toContain(first.sampleId);
    } finally {
      await core.close();
      await rm(dataDir, { recursive: true, force: true });
      await models.cleanup();
    }
  }, 240_000);
});

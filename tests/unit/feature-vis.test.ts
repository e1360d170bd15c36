import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeatureVisualizationResponseSchema } from '../../main/api/explain-schemas.ts';
import { createCore, type Core } from '../../main/core/core.ts';
import { buildTopActivations, type TopBuildResult } from '../../main/core/top-activations-build.ts';
import { buildNetwork, type Network, type NetworkSpec } from '../../main/engine/index.ts';
import { DEFAULT_FEATURE_VIS, visualizeUnit } from '../../main/explain/index.ts';
import { readModelFolder } from '../../main/model-folder/folder.ts';
import { ModelRuntime } from '../../main/runtime/model-runtime.ts';

const BUNDLED = join(import.meta.dirname, '../../native-models');
const nets = new Map<string, Network>();
const tops = new Map<string, TopBuildResult>();
let core: Core;

beforeAll(async () => {
  for (const arch of ['modern', 'classic']) {
    const { spec, weights } = await readModelFolder(join(BUNDLED, arch));
    const net = buildNetwork(spec, { seed: 0 });
    net.setWeights(weights);
    nets.set(arch, net);
    tops.set(arch, await buildTopActivations({ modelDir: join(BUNDLED, arch), mnistDir: BUNDLED, k: 1, batch: 250 }));
  }
  core = await createCore({ roots: [{ dir: BUNDLED, bundled: true }], loadModel: (d) => ModelRuntime.load(d), version: '1', transport: 'web' });
}, 60_000);

afterAll(async () => {
  await core?.close();
});

describe('feature visualization', () => {
  it('finds the known maximizer of a linear unit over the [0, 1] box: ink where its weight is positive', () => {
    const spec: NetworkSpec = { arch: 'linear', input: { channels: 1, height: 4, width: 4 }, head: 'softmax', layers: [{ kind: 'flatten', name: 'F' }, { kind: 'dense', name: 'U', units: 3 }] };
    const net = buildNetwork(spec, { seed: 7 });
    const w = net.params.find((p) => p.shape.length === 2)!.data;
    const r = visualizeUnit(net, 1, 2, 1, false, 4, { steps: 200, learningRate: 0.1, jitter: 0, l2: 0, blurEvery: 0, polish: 0, seed: 3 })!;
    r.image.forEach((v, i) => expect(v, `pixel ${i}`).toBe(w[2 * 16 + i] > 0 ? 1 : 0));
  });

  it('excites its unit more than the best of the 10,000 test digits, for output and F6 units of both models', () => {
    for (const arch of ['modern', 'classic']) {
      const net = nets.get(arch)!;
      const result = tops.get(arch)!;
      for (const name of ['F6', 'OUTPUT']) {
        const li = result.layers.findIndex((l) => l.name === name);
        const l = result.layers[li];
        for (const unit of [0, 1, 2]) {
          const r = visualizeUnit(net, li, unit, l.positions, l.lowIsStrong, 28)!;
          const best = l.value[unit * l.k];
          expect(l.lowIsStrong ? r.value < best : r.value > best, `${arch} ${name}[${unit}]: ${r.value} vs best test digit ${best}`).toBe(true);
          expect(Math.min(...r.image)).toBeGreaterThanOrEqual(0);
          expect(Math.max(...r.image)).toBeLessThanOrEqual(1);
        }
      }
    }
  }, 60_000);

  it('is deterministic for a seed, and stops when cancelled', () => {
    const net = nets.get('modern')!;
    const a = visualizeUnit(net, 0, 1, 784, false, 28, { ...DEFAULT_FEATURE_VIS, steps: 20 })!;
    const b = visualizeUnit(net, 0, 1, 784, false, 28, { ...DEFAULT_FEATURE_VIS, steps: 20 })!;
    expect(Array.from(a.image)).toEqual(Array.from(b.image));
    let asked = 0;
    expect(visualizeUnit(net, 0, 1, 784, false, 28, { ...DEFAULT_FEATURE_VIS, cancelled: () => ++asked > 3 })).toBeNull();
  });

  it('runs in a worker through the core; a newer request cancels the one under way, and so does cancelFeatureVisualization', async () => {
    const first = core.featureVisualization({ modelId: 'modern', layer: 'C3', unit: 2 });
    await new Promise((done) => setTimeout(done, 50));
    const second = core.featureVisualization({ modelId: 'modern', layer: 'C3', unit: 3 });
    expect(await first).toEqual({ state: 'cancelled', modelId: 'modern' });
    const r = FeatureVisualizationResponseSchema.parse(await second);
    expect(r.state).toBe('done');
    if (r.state === 'done') {
      expect([r.layer, r.unit, r.image.width, r.image.height]).toEqual(['C3', 3, 28, 28]);
      // the same computation here gives the same image (seeded) and response
      const li = 2;
      const again = visualizeUnit(nets.get('modern')!, li, 3, 100, false, 28)!;
      expect(r.value).toBeCloseTo(again.value, 5);
    }
    const third = core.featureVisualization({ modelId: 'classic', layer: 'OUTPUT', unit: 4 });
    await new Promise((done) => setTimeout(done, 50));
    expect(await core.cancelFeatureVisualization({})).toEqual({ cancelled: true });
    expect(await third).toEqual({ state: 'cancelled', modelId: 'classic' });
    await expect(core.featureVisualization({ layer: 'C3', unit: 99 })).rejects.toMatchObject({ code: 'bad-request' });
  }, 60_000);
});

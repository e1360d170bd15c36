import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCore, type Core } from '../../main/core/core.ts';
import { asImageDataset, loadMnist } from '../../main/data/mnist.ts';
import { subset } from '../../main/data/split.ts';
import { ModelVersions } from '../../main/versions/versions.ts';
import { ModelRuntime } from '../../main/runtime/model-runtime.ts';
import { SampleStore, samplesDir } from '../../main/samples/index.ts';
import { makeModelsDir, unipenInks } from './api-fixtures.ts';

/**
 * A fine-tune start takes the 28x28 images the core already made of the samples (for the gallery) instead
 * of rendering every ink again on the thread that serves predict. Counted where every path renders an ink
 * (the core's pipeline, the dataset renderer): the ink pipeline's preprocessInk.
 */
const prepared = vi.hoisted(() => [] as string[]);
vi.mock('../../main/ink/preprocess.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../main/ink/preprocess.ts')>();
  return {
    ...original,
    preprocessInk: (...args: Parameters<typeof original.preprocessInk>) => {
      prepared.push(JSON.stringify(args[0].strokes[0]?.[0]));
      return original.preprocessInk(...args);
    },
  };
});

let models: Awaited<ReturnType<typeof makeModelsDir>>;
let dataDir: string;
let core: Core;
let store: SampleStore;
const inks = await unipenInks(14, 'ced.jsonl');

beforeAll(async () => {
  models = await makeModelsDir(['modern']);
  dataDir = await mkdtemp(join(tmpdir(), 'lenet-ft-images-'));
  const mnist = asImageDataset(await loadMnist('test'));
  const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
  store = await SampleStore.open(samplesDir(dataDir));
  const versions = await ModelVersions.open({ bundledDir: models.dir, dataDir, defaultId: 'modern' });
  core = await createCore({
    roots: [{ dir: models.dir, bundled: true }, { dir: join(dataDir, 'models'), bundled: false }],
    loadModel: (d) => ModelRuntime.load(d),
    version: '1.0.0',
    transport: 'web',
    defaultModelId: 'modern',
    personal: { store, versions, replay: { train: subset(mnist, range(0, 200)), test: subset(mnist, range(5000, 50)) } },
  });
  prepared.length = 0; // the start's check of the active model draws its own check inks
});

afterAll(async () => {
  await core?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  await models?.cleanup();
});

async function startAndCancel(): Promise<void> {
  const { jobId } = await core.startTraining({ epochs: 1, layers: 'classifier' });
  await core.cancelTraining({ jobId });
}

describe('fine-tune start and the cached sample images', () => {
  it('renders no ink when every sample was already seen by the core', async () => {
    for (const ink of inks.slice(0, 12)) await core.addSample({ ink: { strokes: ink.strokes }, label: ink.label, how: 'saved' });
    expect(prepared).toHaveLength(12); // one image per saved sample, made when it was added
    prepared.length = 0;
    await startAndCancel();
    expect(prepared).toEqual([]);
  });

  it('renders only the samples the core has not seen yet (added to the store behind its back), once', async () => {
    const fresh = inks.slice(12, 14);
    for (const ink of fresh) await store.add({ ink: { strokes: ink.strokes }, label: ink.label, how: 'imported' });
    prepared.length = 0;
    await startAndCancel();
    expect(prepared.sort()).toEqual(fresh.map((i) => JSON.stringify(i.strokes[0][0])).sort());
    prepared.length = 0;
    await startAndCancel();
    expect(prepared).toEqual([]);
  });
});

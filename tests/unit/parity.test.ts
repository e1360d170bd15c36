import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, mnistInput, type MnistSet } from '../../main/data/mnist.ts';
import { ARCHITECTURES, buildNetwork, type ArchName } from '../../main/engine/index.ts';
import { writeModelFolder } from '../../main/model-folder/folder.ts';
import { checkParity, engineFor, ModelRuntime, PARITY_TOLERANCE, worstOf, type ParityReport } from '../../main/runtime/index.ts';

/**
 * ONNX Runtime (what the app shows) against the engine (what training optimised): the same images through
 * both, every probability within 1e-4 and every layer's activations within 1e-3.
 */
const NATIVE_MODELS = fileURLToPath(new URL('../../native-models', import.meta.url));
const ARCHS: ArchName[] = ['modern', 'classic'];

let test: MnistSet;
let scratch: string;

beforeAll(async () => {
  test = await loadMnist('test');
  scratch = await mkdtemp(join(tmpdir(), 'parity-test-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function parityOver(runtime: ModelRuntime, first: number, count: number, batchSize: number): Promise<ParityReport> {
  const arch = runtime.info.arch as ArchName;
  const network = engineFor(runtime);
  const reports: ParityReport[] = [];
  for (let start = first; start < first + count; start += batchSize) {
    const n = Math.min(batchSize, first + count - start);
    reports.push(await checkParity(runtime, mnistInput(test, arch, start, n), n, network));
  }
  return worstOf(reports);
}

function expectWithinTolerance(report: ParityReport): void {
  expect(report.probabilities, 'largest probability difference').toBeLessThanOrEqual(PARITY_TOLERANCE.probabilities);
  expect(report.layers.map((l) => l.name)).toEqual(['C1', 'S2', 'C3', 'S4', 'C5', 'F6', 'OUTPUT']);
  for (const layer of report.layers) {
    expect(layer.maxAbsDiff, `largest ${layer.name} activation difference`).toBeLessThanOrEqual(PARITY_TOLERANCE.activations);
  }
}

describe.each(ARCHS)('%s LeNet-5: ONNX Runtime vs engine', (arch) => {
  const spec = ARCHITECTURES[arch];

  it('randomly initialised network, 300 MNIST test images', async () => {
    const dir = join(scratch, arch);
    await writeModelFolder(dir, { spec, weights: buildNetwork(spec, { seed: 2024 }).getWeights(), meta: { note: 'random init' } });
    const runtime = await ModelRuntime.load(dir);
    try {
      expectWithinTolerance(await parityOver(runtime, 0, 300, 100));
    } finally {
      await runtime.release();
    }
  });

  it('the comparison notices a graph that differs from the engine', async () => {
    const dir = join(scratch, `${arch}-perturbed`);
    const weights = buildNetwork(spec, { seed: 2024 }).getWeights();
    await writeModelFolder(dir, { spec, weights, meta: {} });
    const runtime = await ModelRuntime.load(dir);
    try {
      // The engine gets F6's first bias nudged by 0.01; the graph keeps the original.
      const nudged = new Map(weights);
      const bias = weights.get('F6.bias')!;
      const data = bias.data.slice();
      data[0] += 0.01;
      nudged.set('F6.bias', { shape: bias.shape, data });
      const network = buildNetwork(spec);
      network.setWeights(nudged);
      const report = await checkParity(runtime, mnistInput(test, arch, 0, 20), 20, network);
      // Layers before F6 still agree; F6 and everything after it must not.
      const diffs = report.layers.map((l) => l.maxAbsDiff);
      diffs.slice(0, 5).forEach((d, i) => expect(d, report.layers[i].name).toBeLessThanOrEqual(PARITY_TOLERANCE.activations));
      expect(diffs[5], 'F6').toBeGreaterThan(PARITY_TOLERANCE.activations);
    } finally {
      await runtime.release();
    }
  });

  const trained = join(NATIVE_MODELS, arch);
  const noModel = !existsSync(trained);
  it.skipIf(noModel)(
    noModel
      ? `trained model, whole MNIST test set — skipped: native-models/${arch} does not exist yet`
      : `trained model in native-models/${arch}, whole MNIST test set (10,000 images)`,
    async () => {
      const runtime = await ModelRuntime.load(trained);
      try {
        expect(runtime.info.arch).toBe(arch);
        expectWithinTolerance(await parityOver(runtime, 0, test.count, 500));
      } finally {
        await runtime.release();
      }
    },
  );
});

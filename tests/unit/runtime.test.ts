import { cp, mkdtemp, readdir, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNetwork, CLASSIC_LENET5, MODERN_LENET5, type NetworkSpec } from '../../main/engine/index.ts';
import { exportOnnx } from '../../main/onnx/index.ts';
import { readModelFolder, writeModelFolder } from '../../main/model-folder/folder.ts';
import { loadMnist, mnistInput } from '../../main/data/mnist.ts';
import { argmaxRow, engineFor, evaluateMnist, ModelLoadError, ModelRuntime } from '../../main/runtime/index.ts';

let root: string;
let modern: string;
let classic: string;
const card = { arch: 'modern', testAccuracy: 0.5, note: 'random weights for tests' };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'runtime-test-'));
  modern = join(root, 'modern');
  classic = join(root, 'classic');
  await writeModelFolder(modern, { spec: MODERN_LENET5, weights: buildNetwork(MODERN_LENET5, { seed: 11 }).getWeights(), meta: card });
  await writeModelFolder(classic, { spec: CLASSIC_LENET5, weights: buildNetwork(CLASSIC_LENET5, { seed: 12 }).getWeights(), meta: {} });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A copy of the modern folder to break. */
/**
 * A copy of the modern folder without the digests of its files, as a folder written before they were
 * recorded: each damage below then reaches the check that must catch it (the digest check has its own test).
 */
async function copyOfModern(name: string): Promise<string> {
  const dir = join(root, name);
  await cp(modern, dir, { recursive: true });
  const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8'));
  delete meta.integrity;
  await writeFile(join(dir, 'meta.json'), JSON.stringify(meta));
  return dir;
}

async function loadError(dir: string): Promise<ModelLoadError> {
  const err = await ModelRuntime.load(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelLoadError);
  return err as ModelLoadError;
}

describe('ModelRuntime', () => {
  it('describes the model: arch, input, layers with shapes, params and MACs, and the card', async () => {
    const rt = await ModelRuntime.load(modern);
    try {
      expect(rt.info.arch).toBe('modern');
      expect(rt.info.inputShape).toEqual([1, 28, 28]);
      expect(rt.info.layers.map((l) => [l.name, l.outputShape])).toEqual([
        ['C1', [6, 28, 28]], ['S2', [6, 14, 14]], ['C3', [16, 10, 10]], ['S4', [16, 5, 5]], ['C5', [120, 1, 1]], ['F6', [84]], ['OUTPUT', [10]],
      ]);
      // LENET5.md's parameter counts, and C1's MACs worked by hand: 6 maps x 28 x 28 positions x 25 taps.
      expect(rt.info.layers.map((l) => l.params)).toEqual([156, 0, 2416, 0, 48120, 10164, 850]);
      expect(rt.info.totalParams).toBe(61706);
      expect(rt.info.layers[0].macs).toBe(6 * 28 * 28 * 25);
      expect(rt.info.card).toEqual({ ...card, integrity: expect.objectContaining({ algorithm: 'sha256' }) });
    } finally {
      await rt.release();
    }
  });

  it('classic: 60,000 trainable parameters', async () => {
    const rt = await ModelRuntime.load(classic);
    expect(rt.info.totalParams).toBe(60000);
    expect(rt.info.inputShape).toEqual([1, 32, 32]);
    expect(rt.info.card).toEqual({ arch: 'classic', integrity: expect.objectContaining({ algorithm: 'sha256' }) });
    await rt.release();
  });

  it('predicts a batch: probabilities that sum to 1 and every layer with its per-sample shape', async () => {
    const rt = await ModelRuntime.load(modern);
    const batch = 3;
    const input = Float32Array.from({ length: batch * 784 }, (_, i) => ((i * 7919) % 255) / 255);
    const p = await rt.predict(input, batch);
    expect(p.batch).toBe(batch);
    expect(p.probabilities.length).toBe(batch * 10);
    for (let n = 0; n < batch; n++) {
      const row = p.probabilities.subarray(n * 10, n * 10 + 10);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(row.every((v) => v >= 0)).toBe(true);
    }
    expect(p.activations.map((a) => a.name)).toEqual(['C1', 'S2', 'C3', 'S4', 'C5', 'F6', 'OUTPUT']);
    for (const a of p.activations) expect(a.data.length).toBe(batch * a.shape.reduce((x, y) => x * y, 1));
    // The batch is three independent predictions: the second image alone gives the second row.
    const second = await rt.predict(input.slice(784, 1568));
    for (let k = 0; k < 10; k++) expect(second.probabilities[k]).toBeCloseTo(p.probabilities[10 + k], 6);
    expect(await rt.classify(input, batch)).toEqual(p.probabilities);
    await rt.release();
  });

  it('rejects an input of the wrong size or a bad batch with a clear error', async () => {
    const rt = await ModelRuntime.load(modern);
    await expect(rt.predict(new Float32Array(783))).rejects.toThrow(/input holds 783 values, expected 1 x 1 x 28 x 28 = 784/);
    await expect(rt.predict(new Float32Array(784), 0)).rejects.toThrow(/batch must be a positive integer/);
    await rt.release();
    await expect(rt.predict(new Float32Array(784))).rejects.toThrow(/released/);
  });
});

describe('broken model folders', () => {
  for (const file of ['model.onnx', 'weights.json', 'meta.json'] as const) {
    it(`a missing ${file} is a ModelLoadError naming it`, async () => {
      const dir = await copyOfModern(`missing-${file}`);
      await unlink(join(dir, file));
      const err = await loadError(dir);
      expect(err.file).toBe(file);
      expect(err.message).toContain(join(dir, file));
      expect(err.message).toMatch(/missing/);
    });
  }

  const corruptions: [string, 'model.onnx' | 'weights.json' | 'meta.json', (path: string) => Promise<void>, RegExp][] = [
    ['model.onnx of random bytes', 'model.onnx', (p) => writeFile(p, Uint8Array.from({ length: 4000 }, (_, i) => (i * 131 + 7) % 256)), /ONNX Runtime cannot load it/],
    ['truncated model.onnx', 'model.onnx', (p) => truncate(p, 1000), /ONNX Runtime cannot load it/],
    ['empty model.onnx', 'model.onnx', (p) => writeFile(p, ''), /empty/],
    ['weights.json that is not JSON', 'weights.json', (p) => writeFile(p, '{"format": "lenet-studio.weights", '), /not valid JSON/],
    ['weights.json of another format', 'weights.json', (p) => writeFile(p, '{"format": "keras"}'), /not a usable weights file/],
    ['weights.json with a tensor of the wrong shape', 'weights.json', async (p) => {
      const json = JSON.parse(await readFile(p, 'utf8'));
      json.tensors['F6.bias'] = json.tensors['OUTPUT.bias'];
      await writeFile(p, JSON.stringify(json));
    }, /F6\.bias has shape \[10\], expected \[84\]/],
    ['weights.json whose spec has an unknown last layer', 'weights.json', async (p) => {
      const json = JSON.parse(await readFile(p, 'utf8'));
      json.spec.layers.push({ kind: 'lstm', name: 'X' });
      await writeFile(p, JSON.stringify(json));
    }, /layer X has the unknown kind "lstm"/],
    ['weights.json whose spec has no input size', 'weights.json', async (p) => {
      const json = JSON.parse(await readFile(p, 'utf8'));
      delete json.spec.input;
      await writeFile(p, JSON.stringify(json));
    }, /input needs positive integer channels, height and width/],
    ['meta.json that is not JSON', 'meta.json', (p) => writeFile(p, 'arch: modern'), /not valid JSON/],
    ['meta.json that is an array', 'meta.json', (p) => writeFile(p, '[1, 2]'), /must be a JSON object/],
    ['meta.json for another architecture', 'meta.json', (p) => writeFile(p, '{"arch": "classic"}'), /card says arch "classic"/],
  ];
  for (const [what, file, corrupt, message] of corruptions) {
    it(`${what} is a ModelLoadError naming ${file}`, async () => {
      const dir = await copyOfModern(`corrupt-${what.replace(/\W+/g, '-')}`);
      await corrupt(join(dir, file));
      const err = await loadError(dir);
      expect(err.file).toBe(file);
      expect(err.message).toContain(join(dir, file));
      expect(err.message).toMatch(message);
    });
  }

  it('a valid ONNX graph that lacks the layer outputs is a ModelLoadError naming model.onnx', async () => {
    const dir = await copyOfModern('foreign-graph');
    const tiny: NetworkSpec = {
      arch: 'modern', head: 'softmax', input: { channels: 1, height: 28, width: 28 },
      layers: [{ kind: 'maxpool', name: 'P', size: 28 }, { kind: 'flatten', name: 'F' }],
    };
    await writeFile(join(dir, 'model.onnx'), exportOnnx(tiny, new Map()));
    const err = await loadError(dir);
    expect(err.file).toBe('model.onnx');
    expect(err.message).toMatch(/lacks the outputs C1, S2, C3, S4, C5, F6, OUTPUT/);
  });

  it('a graph for another input size is a ModelLoadError naming model.onnx', async () => {
    const dir = await copyOfModern('classic-graph');
    await cp(join(classic, 'model.onnx'), join(dir, 'model.onnx'));
    const err = await loadError(dir);
    expect(err.file).toBe('model.onnx');
    expect(err.message).toMatch(/\[N, 1, 32, 32\].*\[N, 1, 28, 28\]/);
  });

  it('a model.onnx changed after the folder was written no longer matches its recorded digest', async () => {
    const dir = join(root, 'sealed-then-changed');
    await cp(modern, dir, { recursive: true });
    const onnx = await readFile(join(dir, 'model.onnx'));
    onnx[onnx.length >> 1] ^= 1;
    await writeFile(join(dir, 'model.onnx'), onnx);
    const err = await loadError(dir);
    expect(err.file).toBe('model.onnx');
    expect(err.message).toMatch(/does not match the SHA-256 recorded in meta\.json/);
  });

  it('a folder that does not exist says so', async () => {
    const err = await loadError(join(root, 'no-such-model'));
    expect(err.message).toMatch(/model folder does not exist/);
  });
});

describe('model folders on disk', () => {
  it('round-trips spec, weights and card, and leaves no temporary file', async () => {
    const weights = buildNetwork(CLASSIC_LENET5, { seed: 5 }).getWeights();
    const dir = join(root, 'round-trip');
    await writeModelFolder(dir, { spec: CLASSIC_LENET5, weights, meta: { epochs: 3 } });
    // Writing again over an existing folder replaces it.
    await writeModelFolder(dir, { spec: CLASSIC_LENET5, weights, meta: { epochs: 4 } });
    expect((await readdir(dir)).sort()).toEqual(['meta.json', 'model.onnx', 'weights.json']);
    const back = await readModelFolder(dir);
    expect(back.spec).toEqual(CLASSIC_LENET5);
    expect(back.meta).toEqual({ arch: 'classic', epochs: 4, integrity: expect.objectContaining({ algorithm: 'sha256' }) });
    expect([...back.weights.keys()]).toEqual([...weights.keys()]);
    for (const [name, t] of weights) expect(back.weights.get(name)!.data, name).toEqual(t.data);
    const exported = exportOnnx(CLASSIC_LENET5, weights, { metadata: { arch: 'classic' } });
    expect(Buffer.from(back.onnx).equals(Buffer.from(exported)), 'model.onnx holds the export of the weights').toBe(true);
  });

  it('refuses to write weights that do not fit the spec, or a card for another arch', async () => {
    const weights = buildNetwork(MODERN_LENET5).getWeights();
    weights.delete('C1.bias');
    await expect(writeModelFolder(join(root, 'bad'), { spec: MODERN_LENET5, weights, meta: {} })).rejects.toThrow(/C1\.bias is missing/);
    await expect(writeModelFolder(join(root, 'bad'), { spec: MODERN_LENET5, weights: buildNetwork(MODERN_LENET5).getWeights(), meta: { arch: 'classic' } }))
      .rejects.toThrow(/card says arch "classic"/);
  });
});

describe('MNIST evaluation through the runtime', () => {
  it('tallies the same predictions as the engine, in a confusion matrix whose rows are the true labels', async () => {
    const test = await loadMnist('test');
    const rt = await ModelRuntime.load(classic);
    try {
      const n = 250;
      const result = await evaluateMnist(rt, test, { batchSize: 64, limit: n });
      // Independent tally: the engine's argmax over the same images.
      const probs = engineFor(rt).forward(mnistInput(test, 'classic', 0, n), n).probabilities;
      const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
      for (let i = 0; i < n; i++) confusion[test.labels[i]][argmaxRow(probs, i, 10)]++;
      expect(result.confusion).toEqual(confusion);
      expect(result.n).toBe(n);
      expect(result.correct).toBe(confusion.reduce((s, row, t) => s + row[t], 0));
      expect(result.accuracy).toBe(result.correct / n);
    } finally {
      await rt.release();
    }
  });

  it('argmaxRow picks the first of equal maxima', () => {
    expect(argmaxRow(Float32Array.from([0, 3, 1, 3, 9, 2]), 0, 3)).toBe(1);
    expect(argmaxRow(Float32Array.from([0, 3, 1, 3, 9, 2]), 1, 3)).toBe(1);
  });

  /** Runs scripts/eval.ts as `npm run eval` does (tsx), in the repository folder. */
  function evalCli(args: string[]): Promise<{ stdout: string; stderr: string }> {
    const repo = fileURLToPath(new URL('../..', import.meta.url));
    return promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/eval.ts', ...args], { cwd: repo });
  }

  it('npm run eval -- mnist --json: the last line is the JSON result over the 10k test set', async () => {
    const { stdout } = await evalCli(['mnist', '--model', modern, '--json']);
    const lines = stdout.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1]);
    expect(result).toMatchObject({ arch: 'modern', n: 10000 });
    expect(result.confusion.map((row: number[]) => row.reduce((a, b) => a + b, 0))).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(result.correct).toBe(result.confusion.reduce((s: number, row: number[], t: number) => s + row[t], 0));
    expect(result.accuracy).toBe(result.correct / 10000);
    expect(stdout).toMatch(/accuracy\s+\d+\.\d\d%/);
  });

  it('npm run eval -- mnist with a broken model folder fails with the file named, exit code 1', async () => {
    const missing = join(root, 'nowhere');
    const err = await evalCli(['mnist', '--model', missing]).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stderr: string }).stderr).toContain(join(missing, 'weights.json'));
  });
});

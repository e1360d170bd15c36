import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { asImageDataset, loadMnist, mnistFromIdx, type MnistSet } from '../../main/data/mnist.ts';
import { subset } from '../../main/data/split.ts';
import { buildNetwork, CLASSIC_LENET5, imageAsFloats, MODERN_LENET5, type ImageDataset } from '../../main/engine/index.ts';
import { writeModelFolder } from '../../main/model-folder/folder.ts';
import { ModelVersions } from '../../main/versions/versions.ts';
import { ModelRuntime } from '../../main/runtime/index.ts';
import { SampleStore } from '../../main/samples/index.ts';
import {
  assertFinite, balancedSample, blendWeights, buildMix, decodeReplay, encodeReplay, fineTune, fineTuneOptions, loadReplay, ReplayError, splitHeldOut,
  startFineTuneJob, trainableLayers, TrainingService, type FineTuneInput, type FineTuneProgress, type TrainingEvent,
} from '../../main/training/index.ts';

const UNIPEN = join(import.meta.dirname, '../../../shared/data/unipen-dev');
const SHIPPED_REPLAY = join(import.meta.dirname, '../../native-models/replay-mnist.bin');

let work: string;
let mnistTest: MnistSet;
let digits: ImageDataset;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'training-'));
  mnistTest = await loadMnist('test');
  digits = asImageDataset(mnistTest);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function input(overrides: Partial<Omit<FineTuneInput, 'options'>> & { options?: Parameters<typeof fineTuneOptions>[0] } = {}): FineTuneInput {
  const { options, ...rest } = overrides;
  return {
    spec: MODERN_LENET5, weights: buildNetwork(MODERN_LENET5, { seed: 3 }).getWeights(), baseModelId: 'base',
    train: subset(digits, range(0, 40)), heldOut: subset(digits, range(40, 60)), replay: subset(digits, range(1000, 1400)), mnistTest: subset(digits, range(2000, 2100)),
    options: fineTuneOptions({ epochs: 2, heldOutFraction: 0, ...options }), ...rest,
  };
}

/** Accuracy of a model folder through ONNX Runtime: an oracle independent of the engine's evaluation. */
async function ortAccuracy(dir: string, data: ImageDataset): Promise<number> {
  const rt = await ModelRuntime.load(dir);
  const x = new Float32Array(data.count * 784);
  const img = new Float32Array(784);
  for (let i = 0; i < data.count; i++) {
    imageAsFloats(data, i, img);
    x.set(img, i * 784);
  }
  const p = await rt.classify(x, data.count);
  await rt.release();
  let correct = 0;
  for (let i = 0; i < data.count; i++) {
    const row = Array.from(p.subarray(i * 10, i * 10 + 10));
    if (row.indexOf(Math.max(...row)) === data.labels[i]) correct++;
  }
  return correct / data.count;
}

describe('replay set', () => {
  it('round-trips and refuses damaged files with a clear error', () => {
    const train = subset(digits, range(0, 30)), test = subset(digits, range(30, 40));
    const bytes = encodeReplay({ train, test });
    const back = decodeReplay(bytes);
    expect(back.train).toEqual({ ...train, images: expect.any(Uint8Array), labels: expect.any(Uint8Array) });
    expect(Array.from(back.train.images)).toEqual(Array.from(train.images));
    expect(Array.from(back.test.labels)).toEqual(Array.from(test.labels));
    expect(() => decodeReplay(bytes.subarray(0, bytes.length - 9), 'cut.bin')).toThrow(ReplayError);
    expect(() => decodeReplay(gzipSync(Buffer.from('not a replay file at all')), 'x.bin')).toThrow(/x\.bin: not a replay file/);
    const raw = new Uint8Array(16 + 2 * 785);
    raw.set(new TextEncoder().encode('LSRP'));
    raw[4] = 1; raw[6] = 28; raw[7] = 28; raw[8] = 1; raw[12] = 1; raw[16] = 12;
    expect(() => decodeReplay(gzipSync(raw), 'bad.bin')).toThrow(/label 12 at index 0/);
  });

  it('ships 6,000 balanced MNIST training digits and 2,000 balanced test digits, each a real MNIST image', async () => {
    const replay = await loadReplay(SHIPPED_REPLAY);
    expect([replay.train.count, replay.test.count]).toEqual([6000, 2000]);
    const per = (d: ImageDataset) => Array.from({ length: 10 }, (_, k) => d.labels.filter((l) => l === k).length);
    expect(per(replay.train)).toEqual(new Array(10).fill(600));
    expect(per(replay.test)).toEqual(new Array(10).fill(200));
    // the first test digits are found, with their labels, in the MNIST test set itself
    for (let k = 0; k < 10; k++) {
      const img = replay.test.images.subarray(k * 784, (k + 1) * 784);
      let found = -1;
      for (let i = 0; i < mnistTest.count && found < 0; i++) {
        const o = i * 784;
        let j = 0;
        while (j < 784 && mnistTest.images[o + j] === img[j]) j++;
        if (j === 784) found = i;
      }
      expect(found).toBeGreaterThanOrEqual(0);
      expect(mnistTest.labels[found]).toBe(replay.test.labels[k]);
    }
    expect((await readFile(SHIPPED_REPLAY)).length).toBeLessThan(7e6);
  });

  it('draws balanced samples', () => {
    const b = balancedSample(mnistFromIdx({ dims: [digits.count, 28, 28], data: digits.images }, { dims: [digits.count], data: digits.labels }), 3, 1);
    expect(b.count).toBe(30);
    expect([...b.labels].sort()).toEqual(range(0, 10).flatMap((d) => [d, d, d]));
  });
});

describe('fine-tuning', () => {
  it('holds out round(20%) of each digit, independent of the order of the samples', () => {
    const samples = range(0, 47).map((i) => ({ id: `s${i}`, label: i % 10, ink: { strokes: [] } }));
    const a = splitHeldOut(samples, 0.2, 1);
    const b = splitHeldOut([...samples].reverse(), 0.2, 1);
    expect(a.heldOut.map((s) => s.id).sort()).toEqual(b.heldOut.map((s) => s.id).sort());
    const perDigit = range(0, 10).map((d) => a.heldOut.filter((s) => s.label === d).length);
    expect(perDigit).toEqual(range(0, 10).map((d) => Math.round(0.2 * (d < 7 ? 5 : 4))));
    expect(a.train.length + a.heldOut.length).toBe(47);
  });

  it('mixes each personal sample `personalRepeat` times with replayPerSample replay digits each', () => {
    const personal = subset(digits, range(0, 10));
    const mix = buildMix(personal, subset(digits, range(100, 200)), fineTuneOptions({ personalRepeat: 3, replayPerSample: 2.5 }));
    expect(mix.replayDigits).toBe(25);
    expect(mix.data.count).toBe(55);
    expect(Array.from(mix.data.images.subarray(10 * 784, 11 * 784))).toEqual(Array.from(personal.images.subarray(0, 784)));
  });

  it('trains only the chosen layers and measures before and after as ONNX Runtime does', async () => {
    const data = input({ options: { epochs: 3, layers: 'classifier', learningRate: 3e-3 } });
    const progress: FineTuneProgress[] = [];
    const out = await fineTune(data, { onProgress: (p) => progress.push(p) });
    if (out.status !== 'done') throw new Error('not done');
    for (const name of ['C1.weight', 'C1.bias', 'C3.weight', 'C5.weight', 'C5.bias']) {
      expect(Array.from(out.weights.get(name)!.data), name).toEqual(Array.from(data.weights.get(name)!.data));
    }
    for (const name of ['F6.weight', 'OUTPUT.weight']) expect(Array.from(out.weights.get(name)!.data)).not.toEqual(Array.from(data.weights.get(name)!.data));
    const card = out.card;
    expect(card.recipe.trainedLayers).toEqual(['F6', 'OUTPUT']);
    expect(card.samples).toEqual({ train: 40, heldOut: 20, trainPerDigit: expect.any(Array) });
    expect(card.history).toHaveLength(3);
    expect(progress[0].phase).toBe('measuring-before');
    expect(progress.at(-1)!.phase).toBe('measuring-after');
    expect(progress.some((p) => p.phase === 'training' && p.loss !== null && p.etaSec !== null)).toBe(true);

    const before = join(work, 'before'), after = join(work, 'after');
    await writeModelFolder(before, { spec: MODERN_LENET5, weights: data.weights, meta: {} });
    await writeModelFolder(after, { spec: MODERN_LENET5, weights: out.weights, meta: {} });
    expect(card.heldOut.before).toBeCloseTo(await ortAccuracy(before, data.heldOut!), 10);
    expect(card.heldOut.after).toBeCloseTo(await ortAccuracy(after, data.heldOut!), 10);
    expect(card.mnist.before).toBeCloseTo(await ortAccuracy(before, data.mnistTest!), 10);
    expect(card.mnist.after).toBeCloseTo(await ortAccuracy(after, data.mnistTest!), 10);
  });

  it('blends the fine-tuned weights with the base: base + blend * (tuned - base)', () => {
    const base = new Map([['L.weight', { shape: [3], data: Float32Array.from([1, -2, 0.5]) }]]);
    const tuned = new Map([['L.weight', { shape: [3], data: Float32Array.from([3, -2, -0.5]) }]]);
    expect(Array.from(blendWeights(base, tuned, 0.8).get('L.weight')!.data)).toEqual([1 + 0.8 * 2, -2, 0.5 - 0.8].map(Math.fround));
    expect(blendWeights(base, tuned, 1).get('L.weight')!.data).toBe(tuned.get('L.weight')!.data);
    expect(() => blendWeights(new Map(), tuned, 0.5)).toThrow(/no parameter L\.weight/);
  });

  it('resolves the layer presets per network: the classic RBF output has no weights to train', () => {
    expect(trainableLayers(MODERN_LENET5, 'all')).toBeNull();
    expect(trainableLayers(MODERN_LENET5, 'top')).toEqual(['C5', 'F6', 'OUTPUT']);
    expect(trainableLayers(MODERN_LENET5, 'classifier')).toEqual(['F6', 'OUTPUT']);
    expect(trainableLayers(CLASSIC_LENET5, 'top')).toEqual(['C5', 'F6']);
    expect(trainableLayers(CLASSIC_LENET5, 'classifier')).toEqual(['F6']);
    expect(trainableLayers(CLASSIC_LENET5, ['S2', 'C3'])).toEqual(['S2', 'C3']);
    expect(() => trainableLayers(CLASSIC_LENET5, ['OUTPUT'])).toThrow(/classic network has no trainable layer OUTPUT \(it has C1, S2, C3, S4, C5, F6\)/);
  });

  it('refuses diverged weights rather than returning them to be saved', () => {
    const weights = new Map([['F6.weight', { shape: [3], data: Float32Array.from([0.5, Number.NaN, 1]) }]]);
    expect(() => assertFinite(weights)).toThrow(/diverged: parameter F6\.weight\[1\] is NaN/);
    weights.get('F6.weight')!.data[1] = Number.POSITIVE_INFINITY;
    expect(() => assertFinite(weights)).toThrow(/F6\.weight\[1\] is Infinity/);
    weights.get('F6.weight')!.data[1] = 2;
    expect(() => assertFinite(weights)).not.toThrow();
  });

  it('learns the samples it is shown', async () => {
    const personal = subset(digits, range(0, 60));
    const out = await fineTune(input({ train: personal, heldOut: personal, replay: subset(digits, range(0, 1)), options: { epochs: 12, learningRate: 3e-3, augment: false, replayPerSample: 0, personalRepeat: 2 } }));
    if (out.status !== 'done') throw new Error('not done');
    expect(out.card.heldOut.before).toBeLessThan(0.3);
    expect(out.card.heldOut.after).toBeGreaterThan(0.9);
  });

  it('runs in a worker thread: progress and epochs arrive while the main thread stays responsive', async () => {
    const events: string[] = [];
    // the main thread's event-loop utilisation over the job: near 1 if the training ran here, low if it
    // only relays the worker's messages (a busy machine delays this thread but does not make it busy)
    const before = performance.eventLoopUtilization();
    const job = startFineTuneJob(input({ options: { epochs: 3 } }), { onProgress: (p) => events.push(p.phase), onEpoch: (e) => events.push(`epoch ${e.epoch}`) });
    const out = await job.done;
    const utilisation = performance.eventLoopUtilization(before).utilization;
    expect(out.status).toBe('done');
    if (out.status === 'done') expect([...out.weights.keys()]).toEqual([...buildNetwork(MODERN_LENET5).getWeights().keys()]);
    expect(events.filter((e) => e.startsWith('epoch'))).toEqual(['epoch 0', 'epoch 1', 'epoch 2']);
    expect(events.indexOf('training')).toBeGreaterThan(events.indexOf('measuring-before'));
    expect(events.lastIndexOf('training')).toBeLessThan(events.indexOf('measuring-after'));
    expect(utilisation).toBeLessThan(0.5);
  });

  it("cancel: the worker stops itself between batches, before the job's natural end", async () => {
    let onTraining!: () => void;
    const training = new Promise<void>((resolve) => (onTraining = resolve));
    const epochs: number[] = [];
    const job = startFineTuneJob(input({ train: subset(digits, range(0, 300)), options: { epochs: 100 } }), {
      onProgress: (p) => p.phase === 'training' && onTraining(),
      onEpoch: (e) => epochs.push(e.epoch),
    });
    await training;
    // the job's fallback (ending the thread after a deadline) runs on a timer: with timers frozen, only
    // the worker's own stop can settle the job
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      job.cancel();
      expect(await job.done).toEqual({ status: 'cancelled' });
      expect(vi.getTimerCount()).toBe(0); // the deadline was cleared, not reached
    } finally {
      vi.useRealTimers();
    }
    expect(epochs.length).toBeLessThan(100);
  });

  it('stops by itself between batches when asked (no thread needs ending)', async () => {
    let asked = false;
    let reportsAfterAsking = 0;
    const epochs: number[] = [];
    const out = await fineTune(input({ train: subset(digits, range(0, 300)), options: { epochs: 100 } }), {
      onProgress: (p) => {
        if (asked) reportsAfterAsking++;
        else if (p.phase === 'training') asked = true;
      },
      onEpoch: (e) => epochs.push(e.epoch),
      shouldStop: () => asked,
    });
    expect(out).toEqual({ status: 'cancelled' });
    // the stop is honoured right after the report that asked for it: no further batch is reported
    expect(reportsAfterAsking).toBe(0);
    expect(epochs.length).toBeLessThanOrEqual(1);
  });
});

describe('the training service', () => {
  async function setUp(name: string, inkCount: number) {
    const bundledDir = join(work, name, 'native-models');
    const reject = JSON.parse(await readFile(join(import.meta.dirname, '../../native-models/modern/reject.json'), 'utf8'));
    await writeModelFolder(join(bundledDir, 'modern'), { spec: MODERN_LENET5, weights: buildNetwork(MODERN_LENET5, { seed: 1 }).getWeights(), meta: { title: 'Modern' }, reject });
    const replayFile = join(bundledDir, 'replay-mnist.bin');
    await writeFile(replayFile, encodeReplay({ train: subset(digits, range(0, 300)), test: subset(digits, range(300, 400)) }));
    const versions = await ModelVersions.open({ bundledDir, dataDir: join(work, name, 'data') });
    const store = await SampleStore.open(join(work, name, 'data', 'samples'));
    const lines = (await readFile(join(UNIPEN, 'pri.jsonl'), 'utf8')).trim().split('\n').slice(0, inkCount);
    for (const l of lines) {
      const r = JSON.parse(l);
      await store.add({ label: r.label, ink: { strokes: r.strokes } });
    }
    const events: TrainingEvent[] = [];
    const service = new TrainingService({ versions, samples: () => store.list(), replay: replayFile, emit: (e) => events.push(e) });
    return { versions, store, service, events, dataDir: join(work, name, 'data') };
  }

  it('fine-tunes from the active model on the store\'s samples and saves a new version with its card', async () => {
    const { versions, store, service, events } = await setUp('svc', 40);
    const { jobId, result } = await service.start({ options: { epochs: 2 } });
    await expect(service.start()).rejects.toMatchObject({ code: 'busy' });
    const r = await result;
    if (r.status !== 'done') throw new Error('not done');
    expect(r.jobId).toBe(jobId);
    expect(service.busy).toBe(false);
    const heldOut = range(0, 10).reduce((n, d) => n + Math.round(0.2 * store.list({ label: d }).length), 0);
    expect(r.card.samples).toMatchObject({ train: 40 - heldOut, heldOut });
    expect(r.card.mnist.n).toBe(100);
    expect(r.version).toMatchObject({ bundled: false, parent: 'modern' });
    const meta = JSON.parse(await readFile(join(r.version.dir, 'meta.json'), 'utf8'));
    expect(meta.fineTune.heldOut).toEqual(r.card.heldOut);
    expect(meta.description).toMatch(/Fine-tuned from modern on \d+ of your samples/);
    // the base's not-a-digit reject head comes along, sealed in the new card
    const baseHead = await readFile(join(import.meta.dirname, '../../native-models/modern/reject.json'), 'utf8');
    expect(JSON.parse(await readFile(join(r.version.dir, 'reject.json'), 'utf8'))).toEqual(JSON.parse(baseHead));
    expect(meta.integrity['reject.json']).toMatch(/^[0-9a-f]{64}$/);
    expect((await versions.active()).id).toBe('modern'); // saved, not activated
    expect(events.filter((e) => e.name === 'trainingProgress').length).toBeGreaterThan(0);
    expect(events.at(-1)).toEqual({ name: 'trainingFinished', payload: r });
    // the result can be activated: its ONNX graph agrees with the engine
    expect((await versions.activate(r.version.id)).id).toBe(r.version.id);

    // a fine-tune of the personal model starts from the MNIST figure on its card, which is what ONNX Runtime measures
    const replay = await loadReplay(join(work, 'svc', 'native-models', 'replay-mnist.bin'));
    expect(r.card.mnist.after).toBeCloseTo(await ortAccuracy(r.version.dir, replay.test), 10);
    const again = await (await service.start({ options: { epochs: 1 } })).result;
    if (again.status !== 'done') throw new Error('not done');
    expect(again.card.baseModel).toBe(r.version.id);
    expect(again.card.mnist.before).toBe(r.card.mnist.after);
    expect(again.version.parent).toBe(r.version.id);
  });

  it('a cancelled fine-tune saves nothing', async () => {
    const { service, dataDir } = await setUp('cancel', 40);
    const { result } = await service.start({ options: { epochs: 200 } });
    await new Promise((r) => setTimeout(r, 300));
    await service.cancel();
    expect(await result).toMatchObject({ status: 'cancelled' });
    expect((await readdir(join(dataDir, 'models'))).sort()).toEqual(['.staging']);
    expect(await readdir(join(dataDir, 'models', '.staging'))).toEqual([]);
    await expect(service.cancel()).rejects.toMatchObject({ code: 'not-found' });
  });

  it('refuses to start with too few samples', async () => {
    const { service } = await setUp('few', 4);
    await expect(service.start()).rejects.toThrow(/at least 10 samples; there are 4/);
  });
});

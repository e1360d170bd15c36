import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScratchOptionsSchema } from '../../main/api/train-schemas.ts';
import { asImageDataset, loadMnist, mnistInput } from '../../main/data/mnist.ts';
import { subset } from '../../main/data/split.ts';
import type { ImageDataset, Tensor } from '../../main/engine/index.ts';
import { readModelFolder } from '../../main/model-folder/folder.ts';
import { ScratchService, type ScratchEvent } from '../../main/training/scratch-service.ts';
import { firstOf, ScratchGate, trainFromScratch, type ScratchInput, type ScratchProgress } from '../../main/training/scratch-train.ts';
import { verifyModel } from '../../main/versions/verify.ts';
import { ModelVersions } from '../../main/versions/versions.ts';

const BUNDLED = join(import.meta.dirname, '../../native-models');
let train: ImageDataset;
let test: ImageDataset;
beforeAll(async () => {
  train = asImageDataset(await loadMnist('train'));
  test = asImageDataset(await loadMnist('test'));
});

/** A tiny run: the first `n` training digits, a tenth held out, 1 epoch. */
function tiny(n: number, options: Partial<ScratchInput['options']> = {}): ScratchInput {
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const held = Math.round(n / 10);
  return {
    options: ScratchOptionsSchema.parse({ epochs: 1, batchSize: 32, ...options }),
    train: subset(train, idx.subarray(held)), validation: subset(train, idx.subarray(0, held)),
    epochTest: firstOf(test, 200), finalTest: firstOf(test, 500), threads: 1,
  };
}

function sameWeights(a: ReadonlyMap<string, Tensor>, b: ReadonlyMap<string, Tensor>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, t] of a) {
    const u = b.get(name);
    if (!u || u.data.length !== t.data.length || t.data.some((v, i) => v !== u.data[i])) return false;
  }
  return true;
}

describe('training from scratch (the loop)', () => {
  it('learns: on 1,000 digits in one epoch the loss falls and the test digits are read far above chance', async () => {
    const reports: ScratchProgress[] = [];
    const out = await trainFromScratch(tiny(1000), new ScratchGate(), { onProgress: (p) => reports.push(p) });
    expect(out.status).toBe('done');
    if (out.status !== 'done') return;
    const batches = reports.filter((r) => r.batch !== null);
    expect(batches.length).toBeGreaterThan(2);
    // ln 10 = 2.30 is the loss of a network that knows nothing
    expect(batches[0].batch!.loss).toBeGreaterThan(2.0);
    expect(out.history[0].trainLoss).toBeLessThan(batches[0].batch!.loss);
    expect(out.history[0].validationLoss).toBeLessThan(2.0);
    expect(out.test.accuracy).toBeGreaterThan(0.3);
    expect(out.test.n).toBe(500);
    expect(out.history[0].testDigits).toBe(200);
    // the kernels reported are C1's, as the network holds them
    const last = reports[reports.length - 1];
    expect(last.kernels.shape).toEqual([6, 1, 5, 5]);
    expect(Array.from(last.kernels.data)).toEqual(Array.from(out.weights.get('C1.weight')!.data));
    expect(last.done).toBe(last.total);
  });

  it('pauses, steps one batch at a time, resumes, and ends with the very weights of a run never paused (same seed)', async () => {
    const plain = await trainFromScratch(tiny(320, { batchSize: 16 }), new ScratchGate());
    const gate = new ScratchGate();
    gate.pause();
    const reports: ScratchProgress[] = [];
    let net: { paramData: Float32Array } | null = null;
    const run = trainFromScratch(tiny(320, { batchSize: 16 }), gate, { onProgress: (p) => reports.push(p), onNetwork: (n) => (net = n) });
    await new Promise((r) => setTimeout(r, 300));
    expect(reports).toHaveLength(0);
    const before = net!.paramData.slice();
    for (let k = 1; k <= 3; k++) {
      gate.step();
      await waitFor(() => reports.length === k);
      expect(reports[k - 1]).toMatchObject({ state: 'paused', done: k });
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(reports).toHaveLength(3);
    expect(net!.paramData.some((v, i) => v !== before[i])).toBe(true);
    gate.resume();
    const out = await run;
    expect(out.status).toBe('done');
    expect(plain.status).toBe('done');
    if (out.status === 'done' && plain.status === 'done') expect(sameWeights(out.weights, plain.weights)).toBe(true);
    // a different seed starts elsewhere
    const other = await trainFromScratch(tiny(320, { batchSize: 16, seed: 2 }), new ScratchGate());
    if (other.status === 'done' && plain.status === 'done') expect(sameWeights(other.weights, plain.weights)).toBe(false);
  });

  it('cancels between batches, also while paused', async () => {
    const gate = new ScratchGate();
    let seen = 0;
    const run = trainFromScratch(tiny(1000), gate, { onProgress: () => seen++ });
    await waitFor(() => seen > 0);
    gate.cancel();
    expect((await run).status).toBe('cancelled');
    const paused = new ScratchGate();
    paused.pause();
    const stuck = trainFromScratch(tiny(320), paused);
    await new Promise((r) => setTimeout(r, 200));
    paused.cancel();
    expect((await stuck).status).toBe('cancelled');
  });
});

describe('training from scratch in the app (worker, model version)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lenet-scratch-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('trains in a worker with its controls and probes, refuses a second job, and saves a version that passes parity, with its card', async () => {
    const versions = await ModelVersions.open({ bundledDir: BUNDLED, dataDir });
    const events: ScratchEvent[] = [];
    const finished = new Promise<ScratchEvent>((resolve) => {
      const service = new ScratchService({
        versions, mnistDir: BUNDLED, samples: () => [],
        emit: (e) => {
          events.push(e);
          if (e.name === 'scratchFinished') resolve(e);
        },
      });
      void run(service);
    });
    let started!: Awaited<ReturnType<ScratchService['start']>>;
    async function run(service: ScratchService) {
      started = await service.start({ trainDigits: 1000, epochs: 1, batchSize: 32, seed: 3 });
      expect(started).toMatchObject({ trainCount: 900, validationCount: 100, personalSamples: 0, stepsPerEpoch: 29 });
      await expect(service.start({})).rejects.toMatchObject({ code: 'busy', reason: { code: 'scratch.busy' } });
      await expect(new ScratchService({ versions, mnistDir: BUNDLED, samples: () => [] }).start({}, 'ft-other')).rejects.toMatchObject({ reason: { code: 'scratch.busy', params: { job: 'ft-other' } } });
      await waitFor(() => events.some((e) => e.name === 'scratchProgress'));
      expect(await service.control(started.jobId, 'pause')).toBe('paused');
      const at = progressCount();
      expect(await service.control(started.jobId, 'step')).toBe('paused');
      await waitFor(() => progressCount() > at);
      const stepped = lastProgress();
      expect(stepped.state).toBe('paused');
      // the drawing through the weights of the moment: a test digit, as the app would send it
      const image = mnistInput({ count: test.count, rows: 28, cols: 28, images: test.images, labels: test.labels }, 'modern', 0, 1);
      const probe = await service.probe(started.jobId, image);
      expect(probe).not.toBeNull();
      expect(probe!.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(probe!.activations.map((a) => [a.name, a.shape])).toEqual([['C1', [6, 28, 28]], ['S2', [6, 14, 14]], ['C3', [16, 10, 10]], ['S4', [16, 5, 5]]]);
      expect(await service.control(started.jobId, 'resume')).toBe('running');
      await expect(service.control('sc-none', 'pause')).rejects.toMatchObject({ reason: { code: 'scratch.notRunning' } });
    }
    const progressCount = () => events.filter((e) => e.name === 'scratchProgress').length;
    const lastProgress = () => (events.filter((e) => e.name === 'scratchProgress').pop() as Extract<ScratchEvent, { name: 'scratchProgress' }>).payload;
    const end = await finished;
    expect(end.name === 'scratchFinished' && end.payload.status).toBe('done');
    if (end.name !== 'scratchFinished' || end.payload.status !== 'done') return;
    const r = end.payload.result;
    expect(r.testCount).toBe(10_000);
    expect(r.testAccuracy).toBeGreaterThan(0.3);
    expect(r.parityMaxDiff).toBeLessThanOrEqual(1e-4);
    expect(r.history).toHaveLength(1);
    expect(r.history[0].testDigits).toBe(1000);
    // the reports never came faster than about ten a second
    const times = events.filter((e) => e.name === 'scratchProgress').length;
    expect(times).toBeLessThanOrEqual(29 + 2);
    const folder = await readModelFolder(join(dataDir, 'models', r.modelId));
    expect(folder.meta).toMatchObject({ personal: true, parent: null, epochs: 1, testAccuracy: r.testAccuracy, trainedOn: '900 MNIST training digits' });
    const card = folder.meta.scratch as Record<string, unknown>;
    expect(card).toMatchObject({ options: { arch: 'modern', trainDigits: 1000, seed: 3 }, history: r.history, test: { n: 10_000 } });
    expect(folder.meta.machine).toMatchObject({ threads: 1 });
    await expect(verifyModel(join(dataDir, 'models', r.modelId), { bundled: false })).resolves.toMatchObject({});
    // one new folder, nothing half-written beside it
    expect((await readdir(join(dataDir, 'models'))).filter((f) => !f.startsWith('.') && f !== 'active.json')).toEqual([r.modelId]);
  });
});

async function waitFor(ok: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

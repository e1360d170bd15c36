import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHANNELS, createHandlers, dispatch, DeleteSamplesResultSchema, ExportedFileSchema, ImportReportSchema, ModelListSchema, SampleChangeSchema,
  SampleConfusionSchema, SampleListSchema, TrainingOutcomeSchema, TrainingStartedSchema, TrainingStatusSchema, UndoDeleteResultSchema,
  type HandlerTable,
} from '../../main/api/index.ts';
import type { CoreEvent } from '../../main/api/core-port.ts';
import { createCore, type Core } from '../../main/core/core.ts';
import { asImageDataset, loadMnist } from '../../main/data/mnist.ts';
import { subset } from '../../main/data/split.ts';
import { buildNetwork, weightsFromFile } from '../../main/engine/index.ts';
import { preprocessInk } from '../../main/ink/preprocess.ts';
import { ModelVersions } from '../../main/versions/versions.ts';
import { ModelRuntime } from '../../main/runtime/model-runtime.ts';
import { SampleStore, samplesDir } from '../../main/samples/index.ts';
import type { ReplaySet } from '../../main/training/index.ts';
import { startWebServer } from '../../main/web/server.ts';
import { createWsClient } from '../../renderer/transport/ws-client.ts';
import { makeModelsDir, nodeSockets, unipenInks } from './api-fixtures.ts';

/**
 * The personal channels (samples, confusion, fine-tuning, model versions) through the handler table, as
 * both transports call it, against a real sample store, real model versions and a real training worker.
 */
let models: Awaited<ReturnType<typeof makeModelsDir>>;
let dataDir: string;
let replay: ReplaySet;
let core: Core;
let table: HandlerTable;
let events: CoreEvent[] = [];
const inks = await unipenInks(40, 'ced.jsonl');

async function open(dir: string): Promise<Core> {
  const store = await SampleStore.open(samplesDir(dir));
  const versions = await ModelVersions.open({ bundledDir: models.dir, dataDir: dir, defaultId: 'modern' });
  return createCore({
    roots: [{ dir: models.dir, bundled: true }, { dir: join(dir, 'models'), bundled: false }],
    loadModel: (d) => ModelRuntime.load(d),
    version: '1.0.0', transport: 'web',
    defaultModelId: 'modern',
    personal: { store, versions, replay },
  });
}

beforeAll(async () => {
  models = await makeModelsDir();
  dataDir = await mkdtemp(join(tmpdir(), 'lenet-personal-'));
  const mnist = asImageDataset(await loadMnist('test'));
  const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
  replay = { train: subset(mnist, range(0, 300)), test: subset(mnist, range(5000, 100)) };
  core = await open(dataDir);
  core.subscribe((e) => events.push(e));
  table = createHandlers(core);
});

afterAll(async () => {
  await core?.close();
  await rm(dataDir, { recursive: true, force: true });
  await models?.cleanup();
});

async function call(channel: string, payload: unknown, on: HandlerTable = table): Promise<unknown> {
  const result = await dispatch(on, channel, payload);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function refusal(channel: string, payload: unknown): Promise<{ code: string; message: string }> {
  const result = await dispatch(table, channel, payload);
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  return result.error;
}

type PayloadOf<N extends CoreEvent['name']> = Extract<CoreEvent, { name: N }>['payload'];
function eventsNamed<N extends CoreEvent['name']>(name: N): PayloadOf<N>[] {
  return events.filter((e) => e.name === name).map((e) => e.payload as PayloadOf<N>);
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('samples through the handler table', () => {
  const ids: string[] = [];

  it('saves a drawing with its label and returns the 28x28 image the ink pipeline makes of it', async () => {
    const ink = inks[0];
    const added = SampleChangeSchema.parse(await call(CHANNELS.addSample, { ink: { strokes: ink.strokes }, label: ink.label, how: 'saved' }));
    ids.push(added.sample.id);
    expect(added.sample).toMatchObject({ label: ink.label, how: 'saved' });
    const expected = Array.from(preprocessInk({ strokes: ink.strokes }).image28, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
    expect(Array.from(added.sample.thumbnail.data)).toEqual(expected);
    expect(added.total).toBe(1);
    expect(added.counts[ink.label]).toBe(1);
    expect(eventsNamed('samplesChanged').at(-1)).toEqual({ counts: added.counts, total: 1 });
  });

  it('saves a corrected sample with what the model had read', async () => {
    const ink = inks[1];
    const wrong = (ink.label + 1) % 10;
    const added = SampleChangeSchema.parse(await call(CHANNELS.addSample, { ink: { strokes: ink.strokes }, label: ink.label, how: 'corrected', predicted: wrong, modelId: 'modern' }));
    ids.push(added.sample.id);
    expect(added.sample).toMatchObject({ label: ink.label, how: 'corrected', predicted: wrong, modelId: 'modern' });
  });

  it('refuses an empty drawing, a label that is not a digit and an unknown way of collecting', async () => {
    expect(await refusal(CHANNELS.addSample, { ink: { strokes: [] }, label: 3, how: 'saved' })).toMatchObject({ code: 'bad-request', message: expect.stringMatching(/empty drawing/) });
    expect((await refusal(CHANNELS.addSample, { ink: { strokes: inks[0].strokes }, label: 10, how: 'saved' })).code).toBe('bad-request');
    expect((await refusal(CHANNELS.addSample, { ink: { strokes: inks[0].strokes }, label: 1, how: 'imported' })).code).toBe('bad-request');
  });

  it('lists the samples with counts per digit, filtered by digit, and relabels one', async () => {
    for (const ink of inks.slice(2, 30)) ids.push(SampleChangeSchema.parse(await call(CHANNELS.addSample, { ink: { strokes: ink.strokes }, label: ink.label, how: 'saved' })).sample.id);
    const all = SampleListSchema.parse(await call(CHANNELS.listSamples, {}));
    expect(all.total).toBe(30);
    const truth = new Array(10).fill(0);
    for (const ink of inks.slice(0, 30)) truth[ink.label]++;
    expect(all.counts).toEqual(truth);
    expect(all.samples.map((s) => s.id)).toEqual(ids);
    expect(all.enoughPerDigit).toBeGreaterThanOrEqual(5);

    const digit = inks[0].label;
    const only = SampleListSchema.parse(await call(CHANNELS.listSamples, { label: digit }));
    expect(only.samples.map((s) => s.id)).toEqual(ids.filter((_, i) => inks[i].label === digit));

    const other = (digit + 3) % 10;
    const relabelled = SampleChangeSchema.parse(await call(CHANNELS.relabelSample, { id: ids[0], label: other }));
    expect(relabelled.sample.label).toBe(other);
    expect(relabelled.counts[digit]).toBe(truth[digit] - 1);
    expect(relabelled.counts[other]).toBe(truth[other] + 1);
    await call(CHANNELS.relabelSample, { id: ids[0], label: digit });
    expect(await refusal(CHANNELS.relabelSample, { id: 'no-such-sample', label: 1 })).toMatchObject({ code: 'not-found' });
  });

  it('deletes samples and brings them back with the undo token', async () => {
    const before = SampleListSchema.parse(await call(CHANNELS.listSamples, {}));
    const gone = DeleteSamplesResultSchema.parse(await call(CHANNELS.deleteSamples, { ids: ids.slice(3, 5) }));
    expect(gone.deleted).toBe(2);
    expect(gone.total).toBe(before.total - 2);
    const listed = SampleListSchema.parse(await call(CHANNELS.listSamples, {}));
    expect(listed.samples.map((s) => s.id)).not.toContain(ids[3]);
    const back = UndoDeleteResultSchema.parse(await call(CHANNELS.undoDeleteSamples, { undoToken: gone.undoToken }));
    expect(back).toMatchObject({ restored: 2, total: before.total, counts: before.counts });
    expect((await refusal(CHANNELS.undoDeleteSamples, { undoToken: gone.undoToken })).code).toBe('not-found');
    expect((await refusal(CHANNELS.deleteSamples, { ids: ['../../etc/passwd'] })).code).toBe('bad-request');
    expect((await refusal(CHANNELS.deleteSamples, { ids: [] })).code).toBe('bad-request');
  });

  it('exports a zip of JSON Lines and PNGs that another data folder imports, and reports what it skipped', async () => {
    const exported = ExportedFileSchema.parse(await call(CHANNELS.exportSamples, { format: 'zip' }));
    expect(exported.fileName).toMatch(/^lenet-samples-\d{8}\.zip$/);
    const files = unzipSync(exported.bytes);
    const lines = strFromU8(files['samples.jsonl']).trim().split('\n').map((l) => JSON.parse(l) as { label: number; strokes: unknown });
    expect(lines).toHaveLength(30);
    expect(lines.map((l) => l.label)).toEqual(inks.slice(0, 30).map((i) => i.label));
    expect(Object.keys(files).filter((f) => f.endsWith('.png'))).toHaveLength(30);

    const otherDir = await mkdtemp(join(tmpdir(), 'lenet-personal-import-'));
    const other = await open(otherDir);
    try {
      const otherTable = createHandlers(other);
      const first = ImportReportSchema.parse(await call(CHANNELS.importSamples, { fileName: 'C:\\Users\\me\\mine.zip', bytes: exported.bytes }, otherTable));
      expect(first).toMatchObject({ imported: 30, skippedTotal: 0, total: 30 });
      const again = ImportReportSchema.parse(await call(CHANNELS.importSamples, { fileName: 'mine.zip', bytes: exported.bytes }, otherTable));
      expect(again.imported).toBe(0);
      expect(again.skippedTotal).toBe(30);
      expect(again.skipped[0].reason).toMatch(/already in the store/);

      const jsonl = [
        JSON.stringify({ label: 4, strokes: inks[35].strokes }),
        'not json',
        JSON.stringify({ label: 12, strokes: inks[36].strokes }),
        JSON.stringify({ label: 5, strokes: [] }),
      ].join('\n');
      const mixed = ImportReportSchema.parse(await call(CHANNELS.importSamples, { fileName: 'mixed.jsonl', bytes: new Uint8Array(Buffer.from(jsonl)) }, otherTable));
      expect(mixed.imported).toBe(1);
      expect(mixed.skipped.map((s) => s.where)).toEqual(['mixed.jsonl:2', 'mixed.jsonl:3', 'mixed.jsonl:4']);
      const garbage = await dispatch(otherTable, CHANNELS.importSamples, { fileName: 'x.bin', bytes: new Uint8Array([0xff, 0xfe, 0x00, 0x80]) });
      expect(garbage).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/neither a zip nor UTF-8/) } });
    } finally {
      await other.close();
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it('exports MNIST IDX files with one image and label per sample', async () => {
    const exported = ExportedFileSchema.parse(await call(CHANNELS.exportSamples, { format: 'idx' }));
    const files = unzipSync(exported.bytes);
    const labels = files['samples-labels-idx1-ubyte'];
    expect(new DataView(labels.buffer, labels.byteOffset).getUint32(0)).toBe(0x801);
    expect([...labels.subarray(8)]).toEqual(inks.slice(0, 30).map((i) => i.label));
    expect(files['samples-images-idx3-ubyte'].length).toBe(16 + 30 * 784);
  });

  it('places every sample in the confusion matrix by its label and what the active model reads', async () => {
    const confusion = SampleConfusionSchema.parse(await call(CHANNELS.sampleConfusion, {}));
    expect(confusion.modelId).toBe('modern');
    expect(confusion.total).toBe(30);
    // the engine, on the ink pipeline's image, is the independent judge of what the model reads
    const { spec, weights } = weightsFromFile(JSON.parse(await readFile(join(models.dir, 'modern', 'weights.json'), 'utf8')));
    const network = buildNetwork(spec);
    network.setWeights(weights);
    const { samples } = SampleListSchema.parse(await call(CHANNELS.listSamples, {}));
    let correct = 0;
    for (const [i, s] of samples.entries()) {
      const probabilities = network.forward(Float32Array.from(preprocessInk({ strokes: inks[i].strokes }).image28), 1).probabilities;
      const read = probabilities.indexOf(Math.max(...probabilities));
      expect(confusion.cells[s.label][read]).toContain(s.id);
      if (read === s.label) correct++;
    }
    expect(confusion.correct).toBe(correct);
    expect(confusion.matrix.flat().reduce((a, b) => a + b, 0)).toBe(30);
    expect(confusion.cells.map((row) => row.map((c) => c.length))).toEqual(confusion.matrix);
  });
});

describe('fine-tuning and model versions through the handler table', () => {
  let personalId = '';

  it('fine-tunes in a worker with progress events, then activates the result and rolls back', async () => {
    events = [];
    const status0 = TrainingStatusSchema.parse(await call(CHANNELS.trainingStatus, {}));
    expect(status0).toMatchObject({ running: null, last: null });
    const started = TrainingStartedSchema.parse(await call(CHANNELS.startTraining, { epochs: 2, layers: 'top' }));
    expect(started.baseModelId).toBe('modern');
    expect((await refusal(CHANNELS.startTraining, {})).message).toMatch(/already running/);
    const running = TrainingStatusSchema.parse(await call(CHANNELS.trainingStatus, {}));
    expect(running.running).toMatchObject({ jobId: started.jobId, epochs: 2, layers: 'top' });

    const outcome = TrainingOutcomeSchema.parse(await waitFor('the fine-tune to finish', () => eventsNamed('trainingFinished')[0]));
    expect(outcome.status).toBe('done');
    if (outcome.status !== 'done') return;
    const epochs = eventsNamed('trainingEpoch');
    expect(epochs.map((e) => e.epoch.epoch)).toEqual([0, 1]);
    expect(eventsNamed('trainingProgress').length).toBeGreaterThan(0);
    expect(eventsNamed('trainingProgress').every((p) => p.jobId === started.jobId && p.progress.epochs === 2)).toBe(true);
    const { result } = outcome;
    personalId = result.modelId;
    expect(result).toMatchObject({ baseModelId: 'modern', epochs: 2, layers: ['C5', 'F6', 'OUTPUT'] });
    expect(result.samples.train + result.samples.heldOut).toBe(30);
    expect(result.heldOut.n).toBe(result.samples.heldOut);
    // per digit, the held-out figures add up to the totals the card gives
    const perDigit = result.heldOut.perDigit!;
    expect(perDigit.map((r) => r.digit)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(perDigit.reduce((a, r) => a + r.n, 0)).toBe(result.heldOut.n);
    expect(perDigit.reduce((a, r) => a + r.correctBefore, 0) / result.heldOut.n).toBeCloseTo(result.heldOut.before!, 9);
    expect(perDigit.reduce((a, r) => a + r.correctAfter, 0) / result.heldOut.n).toBeCloseTo(result.heldOut.after!, 9);
    expect(result.mnist.n).toBe(100);
    expect(result.history).toHaveLength(2);

    const status = TrainingStatusSchema.parse(await call(CHANNELS.trainingStatus, {}));
    expect(status.running).toBeNull();
    expect(status.last).toEqual(outcome);
    const listed = ModelListSchema.parse(await call(CHANNELS.listModels, {}));
    const version = listed.models.find((m) => m.id === personalId);
    expect(version).toMatchObject({ bundled: false, result: { modelId: personalId, baseModelId: 'modern' } });
    expect(listed.activeId).toBe('modern');

    const activated = ModelListSchema.parse(await call(CHANNELS.finishTraining, { jobId: started.jobId, decision: 'activate' }));
    expect(activated.activeId).toBe(personalId);
    expect(eventsNamed('modelChanged').at(-1)?.activeId).toBe(personalId);
    expect(TrainingStatusSchema.parse(await call(CHANNELS.trainingStatus, {})).last).toBeNull();
    expect((await refusal(CHANNELS.finishTraining, { jobId: started.jobId, decision: 'keep' })).code).toBe('not-found');
    expect((await refusal(CHANNELS.removeModel, { id: personalId })).message).toMatch(/active model/);

    // remembered: a core opened on the same data folder starts with the personal model
    const reopened = await open(dataDir);
    expect((await reopened.listModels({})).activeId).toBe(personalId);
    await reopened.close();

    const back = ModelListSchema.parse(await call(CHANNELS.activateModel, { id: 'modern' }));
    expect(back.activeId).toBe('modern');
    const again = await open(dataDir);
    expect((await again.listModels({})).activeId).toBe('modern');
    await again.close();
  }, 60_000);

  it('falls back to the bundled model with a notice when the active personal model is damaged', async () => {
    await call(CHANNELS.activateModel, { id: personalId });
    await writeFile(join(dataDir, 'models', personalId, 'weights.json'), '{"truncated": ');
    const reopened = await open(dataDir);
    try {
      const list = await reopened.listModels({});
      expect(list.activeId).toBe('modern');
      expect(list.notice).toMatch(new RegExp(`${personalId} cannot be loaded`));
      // activating any model again clears the notice
      expect((await reopened.activateModel({ id: 'classic' })).notice).toBeNull();
      expect((await reopened.activateModel({ id: 'modern' })).notice).toBeNull();
    } finally {
      await reopened.close();
    }
    await call(CHANNELS.activateModel, { id: 'modern' });
  }, 30_000);

  it('cancels a running fine-tune before its natural end and saves nothing', async () => {
    events = [];
    const before = ModelListSchema.parse(await call(CHANNELS.listModels, {})).models.length;
    const started = TrainingStartedSchema.parse(await call(CHANNELS.startTraining, { epochs: 50 }));
    await waitFor('the first progress report', () => eventsNamed('trainingProgress')[0]);
    expect(await call(CHANNELS.cancelTraining, { jobId: started.jobId })).toEqual({ cancelled: true });
    // the cancel resolved after the job reported it cancelled, long before its fiftieth epoch
    expect(eventsNamed('trainingFinished')).toEqual([{ jobId: started.jobId, status: 'cancelled' }]);
    expect(eventsNamed('trainingEpoch').length).toBeLessThan(50);
    expect(ModelListSchema.parse(await call(CHANNELS.listModels, {})).models.length).toBe(before);
    expect(await call(CHANNELS.cancelTraining, {})).toEqual({ cancelled: false });
  }, 30_000);

  it('discards a result on request, and refuses to start with too few samples', async () => {
    events = [];
    const started = TrainingStartedSchema.parse(await call(CHANNELS.startTraining, { epochs: 1, layers: 'classifier' }));
    const outcome = TrainingOutcomeSchema.parse(await waitFor('the fine-tune to finish', () => eventsNamed('trainingFinished')[0]));
    if (outcome.status !== 'done') throw new Error(`fine-tune ${outcome.status}`);
    const list = ModelListSchema.parse(await call(CHANNELS.finishTraining, { jobId: started.jobId, decision: 'discard' }));
    expect(list.models.map((m) => m.id)).not.toContain(outcome.result.modelId);

    const { samples } = SampleListSchema.parse(await call(CHANNELS.listSamples, {}));
    const { undoToken } = DeleteSamplesResultSchema.parse(await call(CHANNELS.deleteSamples, { ids: samples.slice(5).map((s) => s.id) }));
    expect(await refusal(CHANNELS.startTraining, {})).toMatchObject({ code: 'bad-request', message: expect.stringMatching(/at least 10 samples/) });
    await call(CHANNELS.undoDeleteSamples, { undoToken });
  }, 30_000);
});

describe('events over the browser-mode WebSocket, through the renderer client', () => {
  it('streams sample changes and a fine-tune\'s progress, epochs and outcome, each valid under the contract\'s event schemas', async () => {
    const server = await startWebServer({ table, subscribe: (l) => core.subscribe(l), staticDir: models.dir });
    const origin = `http://127.0.0.1:${server.port}`;
    const a = createWsClient(server.wsUrl, nodeSockets(origin));
    const b = createWsClient(server.wsUrl, nodeSockets(origin));
    try {
      // the client drops an event that does not pass its schema, so what arrives here passed
      const seen: { name: string; payload: unknown }[] = [];
      for (const name of ['samplesChanged', 'trainingProgress', 'trainingEpoch', 'trainingFinished', 'modelChanged'] as const) {
        b.onEvent(name, (payload) => seen.push({ name, payload }));
      }
      await b.appInfo(); // b's socket is open before anything happens
      const added = await a.addSample({ ink: { strokes: inks[38].strokes }, label: inks[38].label, how: 'saved' });
      const started = await a.startTraining({ epochs: 1, layers: 'classifier' });
      const finished = await waitFor('trainingFinished over the socket', () => seen.find((e) => e.name === 'trainingFinished'));
      expect(finished.payload).toMatchObject({ jobId: started.jobId, status: 'done' });
      expect(seen[0]).toEqual({ name: 'samplesChanged', payload: { counts: added.counts, total: added.total } });
      expect(seen.filter((e) => e.name === 'trainingProgress').length).toBeGreaterThan(0);
      expect(seen.filter((e) => e.name === 'trainingEpoch')).toHaveLength(1);
      await waitFor('the new version announced', () => seen.find((e) => e.name === 'modelChanged'));
      await a.finishTraining({ jobId: started.jobId, decision: 'discard' });
      await a.deleteSamples({ ids: [added.sample.id] });
    } finally {
      a.close();
      b.close();
      await server.close();
    }
  }, 30_000);
});

describe('a core without a data folder', () => {
  it('answers the personal channels with a clear "unavailable"', async () => {
    const bare = await createCore({ roots: [{ dir: models.dir, bundled: true }], loadModel: (d) => ModelRuntime.load(d), version: '1', transport: 'web' });
    const bareTable = createHandlers(bare);
    try {
      for (const [channel, payload] of [[CHANNELS.listSamples, {}], [CHANNELS.startTraining, {}], [CHANNELS.removeModel, { id: 'modern' }]] as const) {
        const result = await dispatch(bareTable, channel, payload);
        expect(result).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/data folder/) } });
      }
    } finally {
      await bare.close();
    }
  });
});

import { basename } from 'node:path';
import { failure, type Ink, type ModelList, type SampleSummary, type TrainingOutcome, type TrainingStatus } from '../api/contract.ts';
import type { CoreEvent, LenetCore, LoadedModel } from '../api/core-port.ts';
import { DATA_FOLDER_METHODS, type DataFolderMethod } from '../api/methods.ts';
import { LIMITS } from '../api/schemas.ts';
import type { ModelVersions } from '../versions/versions.ts';
import { exportIdxZip, exportZip, type Sample, type SampleStore } from '../samples/index.ts';
import { fineTuneOptions, MIN_SAMPLES, TrainingService, type ReplaySet, type TrainingEvent } from '../training/index.ts';

import { reasonMessage, reasonOf, type Reason } from '../api/error-codes.ts';
import { asApiError } from './errors.ts';

/** A fine-tune that ended in failure: the English message for the record, the reason for the page. */
function failedOutcome(jobId: string, reason: Reason): TrainingOutcome {
  return { jobId, status: 'failed', message: reasonMessage(reason), reason };
}
import type { InkPipeline } from './ink-pipeline.ts';
import { toEpoch, toProgress, trainingResult } from './training-result.ts';
import { DrawingLog, personalInsight, topTwo } from './personal-insight.ts';
import { OwnSampleTops } from './top-activations-own.ts';
import { createScratch } from './scratch.ts';

/** Samples per digit the gallery calls enough for a fine-tune to learn a person's way of writing it. */
export const ENOUGH_PER_DIGIT = 10;
const DEFAULT_LAYERS = 'all' as const;
/** Images per ONNX Runtime call when the confusion view predicts every sample. */
const PREDICT_BATCH = 128;

/** What the app keeps in its data folder: the samples, the model versions, and the replay set to fine-tune with. */
export interface PersonalData {
  readonly store: SampleStore;
  readonly versions: ModelVersions;
  /** native-models/replay-mnist.bin, or the set already loaded (tests). */
  readonly replay: string | ReplaySet;
}

/** What the personal part needs of the rest of the core. */
export interface PersonalHost {
  readonly pipeline: InkPipeline;
  emit(event: CoreEvent): void;
  activeId(): string;
  /** Runs `use` with an ONNX Runtime session of the model (released after, unless it is the active one's). */
  withModel<R>(id: string, use: (model: LoadedModel) => Promise<R>): Promise<R>;
  listing(): Promise<ModelList>;
  activate(id: string): Promise<ModelList>;
  remove(id: string): Promise<ModelList>;
  /** Where the shipped MNIST digits are (training from scratch). */
  readonly mnistDir: string;
}

/** The methods the method table marks as needing the data folder, served by this part of the core. */
type Methods = Pick<LenetCore, DataFolderMethod> & {
  close(): Promise<void>;
  /** Told of every prediction of a drawing, for the personal insight (what the model is unsure about). */
  observe(modelId: string, ink: Ink, probabilities: ArrayLike<number>, flagged: boolean): void;
};

/** The answer of every personal method when the core was opened without a data folder. */
export function withoutDataFolder(): Methods {
  const refuse = async (): Promise<never> => {
    throw failure('dataFolder.missing', {});
  };
  const methods = Object.fromEntries(DATA_FOLDER_METHODS.map((m) => [m, refuse])) as unknown as Pick<LenetCore, DataFolderMethod>;
  return { ...methods, close: async () => undefined, observe: () => undefined };
}

/** The fine-tune in progress, as trainingStatus reports it (a page that reloads picks it up from here). */
type RunningJob = NonNullable<TrainingStatus['running']>;

/**
 * The person's samples and fine-tuning, served to the handler table: the sample store with the 28x28
 * image the core makes of each ink, the confusion of the samples under the active model, and one
 * fine-tune at a time in a worker thread whose progress is forwarded as events.
 */
export function createPersonal(data: PersonalData, host: PersonalHost): Methods {
  const { store, versions } = data;
  /** The 28x28 input image of each sample's ink (an ink never changes; relabelling keeps the id). */
  const images = new Map<string, Float32Array>();
  /** modelId -> sample id -> the ten probabilities that model gives it. A model folder never changes under its id. */
  const predictions = new Map<string, Map<string, Float32Array>>();
  const drawings = new DrawingLog();
  /** Each model's top-activating samples among the person's, rebuilt when the samples change. */
  const ownTops = new OwnSampleTops(host.pipeline);
  let running: RunningJob | null = null;
  let last: TrainingOutcome | null = null;

  const training = new TrainingService({
    versions,
    samples: () => store.list(),
    replay: data.replay,
    emit: (event) => void onTrainingEvent(event),
    // the images the gallery already made: a fine-tune start renders only the inks not seen yet
    image28: (sample) => image28(sample),
  });

  const scratch = createScratch({
    versions, mnistDir: host.mnistDir, pipeline: host.pipeline, samples: () => store.list(), image28: (s) => image28(s), emit: host.emit,
    fineTuneJob: () => running?.jobId ?? null, listing: host.listing, activate: host.activate, remove: host.remove,
  });

  function image28(sample: Pick<Sample, 'id' | 'ink'>): Float32Array {
    let img = images.get(sample.id);
    if (!img) {
      img = host.pipeline.prepare(sample.ink).image28;
      images.set(sample.id, img);
    }
    return img;
  }

  function summary(sample: Sample): SampleSummary {
    const img = image28(sample);
    const bytes = new Uint8Array(img.length);
    for (let i = 0; i < img.length; i++) bytes[i] = Math.round(Math.min(1, Math.max(0, img[i])) * 255);
    return {
      id: sample.id,
      label: sample.label,
      how: sample.how,
      collectedAt: sample.collectedAt,
      ...(sample.predicted !== undefined ? { predicted: sample.predicted } : {}),
      ...(sample.modelId !== undefined ? { modelId: sample.modelId } : {}),
      thumbnail: { width: 28, height: 28, data: bytes },
    };
  }

  function counts(): { counts: number[]; total: number } {
    return { counts: store.counts(), total: store.size };
  }

  /** Tells every page the store changed (another window may show the gallery); returns the counts. */
  function changed(): { counts: number[]; total: number } {
    const now = counts();
    host.emit({ name: 'samplesChanged', payload: now });
    return now;
  }

  async function onTrainingEvent(event: TrainingEvent): Promise<void> {
    switch (event.name) {
      case 'trainingProgress': {
        const progress = toProgress(event.payload.progress);
        if (running?.jobId === event.payload.jobId) running.progress = progress;
        host.emit({ name: 'trainingProgress', payload: { jobId: event.payload.jobId, progress } });
        return;
      }
      case 'trainingEpoch': {
        const epoch = toEpoch(event.payload.epoch);
        if (running?.jobId === event.payload.jobId) running.history.push(epoch);
        host.emit({ name: 'trainingEpoch', payload: { jobId: event.payload.jobId, epoch } });
        return;
      }
      case 'trainingFinished': {
        const r = event.payload;
        let outcome: TrainingOutcome;
        if (r.status === 'cancelled') outcome = { jobId: r.jobId, status: 'cancelled' };
        else {
          const result = trainingResult(r.version.id, r.card);
          outcome = result
            ? { jobId: r.jobId, status: 'done', result }
            : failedOutcome(r.jobId, reasonOf('training.resultUnreadable', { id: r.version.id }));
        }
        return finished(outcome, r.status === 'done');
      }
      case 'trainingFailed':
        return finished(failedOutcome(event.payload.jobId, reasonOf('training.failed', { detail: event.payload.message })), false);
    }
  }

  async function finished(outcome: TrainingOutcome, newVersion: boolean): Promise<void> {
    if (running?.jobId === outcome.jobId) running = null;
    last = outcome;
    host.emit({ name: 'trainingFinished', payload: outcome });
    // the new personal model is now among the versions: every page's list should show it
    if (newVersion) host.emit({ name: 'modelChanged', payload: await host.listing() });
  }

  async function predictAll(modelId: string, samples: readonly Sample[]): Promise<Map<string, Float32Array>> {
    let known = predictions.get(modelId);
    if (!known) predictions.set(modelId, (known = new Map()));
    const missing = samples.filter((s) => !known.has(s.id));
    if (missing.length === 0) return known;
    await host.withModel(modelId, async (model) => {
    for (let start = 0; start < missing.length; start += PREDICT_BATCH) {
      const chunk = missing.slice(start, start + PREDICT_BATCH);
      const inputs = chunk.map((s) => host.pipeline.toNetworkInput(image28(s), model.spec));
      const size = inputs[0].length;
      const batch = new Float32Array(chunk.length * size);
      inputs.forEach((input, k) => batch.set(input, k * size));
      const { probabilities } = await model.predict(batch, chunk.length);
      chunk.forEach((s, k) => known.set(s.id, Float32Array.from(probabilities.subarray(k * 10, k * 10 + 10))));
    }
    });
    return known;
  }

  const guard = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    try {
      return await fn(...args);
    } catch (err) {
      throw asApiError(err);
    }
  };

  return {
    addSample: guard(async (req) => {
      const sample = await store.add({
        ink: req.ink, label: req.label, how: req.how,
        ...(req.how === 'corrected' && req.predicted !== undefined ? { predicted: req.predicted } : {}),
        ...(req.how === 'corrected' && req.modelId !== undefined ? { modelId: req.modelId } : {}),
      });
      if (req.how === 'corrected' && req.modelId !== undefined && req.modelId === host.activeId()) drawings.correction(req.modelId, req.label);
      return { sample: summary(sample), ...changed() };
    }),

    topOwnSamples: guard(async (req) => {
      const id = req.modelId ?? host.activeId();
      const samples = store.list().map((s) => ({ id: s.id, label: s.label, image28: image28(s) }));
      return host.withModel(id, (model) => ownTops.unit(model, id, samples, req.layer, req.unit));
    }),

    listSamples: guard(async (req) => {
      const samples = store.list(req.label === undefined ? {} : { label: req.label });
      const setAside = await store.setAsideFiles();
      return { samples: samples.map(summary), ...counts(), enoughPerDigit: ENOUGH_PER_DIGIT, minToTrain: MIN_SAMPLES, setAside };
    }),

    relabelSample: guard(async (req) => {
      const sample = await store.relabel(req.id, req.label);
      return { sample: summary(sample), ...changed() };
    }),

    deleteSamples: guard(async (req) => {
      const { undoToken, deleted } = await store.delete(req.ids);
      return { undoToken, deleted, ...changed() };
    }),

    undoDeleteSamples: guard(async (req) => {
      const { restored, setAside } = await store.undoDelete(req.undoToken);
      return { restored: restored.length, setAside: setAside.map((s) => ({ file: s.file, reason: s.reason })), ...changed() };
    }),

    exportSamples: guard(async (req) => {
      const samples = store.list();
      if (samples.length === 0) throw failure('samples.noneToExport', {});
      const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
      const bytes = req.format === 'zip' ? exportZip(samples) : exportIdxZip(samples);
      return {
        fileName: req.format === 'zip' ? `lenet-samples-${day}.zip` : `lenet-samples-idx-${day}.zip`,
        mimeType: 'application/zip',
        bytes,
        count: samples.length,
      };
    }),

    importSamples: guard(async (req) => {
      const bytes = req.bytes;
      if (bytes.length > LIMITS.maxImportBytes) throw failure('import.tooLarge', { file: req.fileName, bytes: bytes.length, max: LIMITS.maxImportBytes });
      // The name is only a label for the report: nothing is read from or written to a path the page sent.
      const source = basename(req.fileName.replaceAll('\\', '/')).replace(/\p{Cc}/gu, '').slice(0, 120) || 'import';
      const report = await store.importFile(bytes, source);
      return {
        imported: report.imported.length,
        skipped: report.skipped.slice(0, LIMITS.maxReportedSkips).map((s) => ({ where: s.where, reason: s.reason, ...(s.code ? { code: s.code, params: s.params ?? {} } : {}) })),
        skippedTotal: report.skippedTotal,
        files: report.files.slice(0, 64).map((f) => ({ file: f.file, imported: f.taken, skipped: f.skipped, read: f.read, ...(f.code ? { code: f.code, params: f.params ?? {} } : {}) })),
        ...(report.imported.length > 0 ? changed() : counts()),
      };
    }),

    sampleConfusion: guard(async (req) => {
      const modelId = req.modelId ?? host.activeId();
      const samples = store.list();
      const read = await predictAll(modelId, samples);
      const matrix = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
      const cells = Array.from({ length: 10 }, () => Array.from({ length: 10 }, () => [] as string[]));
      let correct = 0;
      for (const s of samples) {
        const { top: p } = topTwo(read.get(s.id)!);
        matrix[s.label][p]++;
        cells[s.label][p].push(s.id);
        if (p === s.label) correct++;
      }
      return { modelId, total: samples.length, correct, matrix, cells };
    }),

    personalInsight: guard(async () => {
      const modelId = host.activeId();
      const samples = store.list();
      const read = await predictAll(modelId, samples);
      const readings = samples.map((s) => ({ label: s.label, probabilities: read.get(s.id)! }));
      return personalInsight(modelId, readings, drawings.snapshot(modelId));
    }),

    startTraining: guard(async (req) => {
      if (running) throw failure('training.busy', { job: running.jobId });
      const other = scratch.service.currentJobId;
      if (other) throw failure('scratch.busy', { job: other });
      const baseModelId = req.baseModelId ?? host.activeId();
      const layers = req.layers ?? DEFAULT_LAYERS;
      const epochs = req.epochs ?? fineTuneOptions().epochs;
      const { jobId } = await training.start({ baseModelId, options: { epochs, layers } });
      running = { jobId, baseModelId, epochs, layers, progress: null, history: [] };
      last = null;
      return { jobId, baseModelId };
    }),

    cancelTraining: guard(async (req) => {
      if (!running || (req.jobId !== undefined && req.jobId !== running.jobId)) return { cancelled: false };
      await training.cancel(running.jobId);
      return { cancelled: true };
    }),

    trainingStatus: guard(async () => ({
      running: running ? { ...running, history: [...running.history] } : null,
      last,
      minSamples: MIN_SAMPLES,
      enoughPerDigit: ENOUGH_PER_DIGIT,
      defaultEpochs: fineTuneOptions().epochs,
      defaultLayers: DEFAULT_LAYERS,
    })),

    finishTraining: guard(async (req) => {
      if (!last || last.jobId !== req.jobId) throw failure('training.noDecision', { job: req.jobId });
      const outcome = last;
      let list: ModelList;
      if (outcome.status !== 'done' || req.decision === 'keep') list = await host.listing();
      else if (req.decision === 'activate') list = await host.activate(outcome.result.modelId);
      else list = await host.remove(outcome.result.modelId);
      if (last === outcome) last = null;
      return list;
    }),

    observe(modelId, ink, probabilities, flagged) {
      if (modelId === host.activeId()) drawings.observe(modelId, ink, probabilities, flagged);
    },
    ...(Object.fromEntries(Object.entries(scratch.methods).map(([name, fn]) => [name, guard(fn as (...a: unknown[]) => Promise<unknown>)])) as typeof scratch.methods),

    async close() {
      if (running) await training.cancel(running.jobId).catch(() => undefined);
      await scratch.close().catch(() => undefined);
    },
  };
}

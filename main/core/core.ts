import { performance } from 'node:perf_hooks';
import { InkError } from '../ink/types.ts';
import { ApiError, failure, type AppInfo, type Image, type ModelInfo, type ModelList, type PredictResponse, type Requests, type Responses } from '../api/contract.ts';
import { reasonMessage, reasonOf, type Reason } from '../api/error-codes.ts';
import type { CoreEvent, LenetCore, LoadedModel, ModelDescription } from '../api/core-port.ts';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { META_FILE, MODEL_FILE, readModelFolder } from '../model-folder/folder.ts';
import { cardFacts } from './card.ts';
import { defaultInkPipeline, type InkPipeline } from './ink-pipeline.ts';
import { layerKernels } from './kernels.ts';
import { archOf, describeModel } from './model-info.ts';
import { asApiError } from './errors.ts';
import { createPersonal, withoutDataFolder, type PersonalData } from './personal.ts';
import { scanModels, type ModelEntry, type ModelRoot } from '../versions/registry.ts';
import { trainingResult } from './training-result.ts';
import { judgeNonDigit, scoresLayer } from '../nondigit/verdict.ts';
import { createLab } from './lab.ts';
import { explainDrawing, preActivationsOf } from './explain.ts';
import { TopActivations, unitExamples } from './top-activations.ts';
import { FeatureVisRunner } from './feature-vis.ts';
import { networkInfo } from '../engine/arithmetic.ts';

export type ModelLoader = (dir: string) => Promise<LoadedModel>;
export type ModelReader = (dir: string) => Promise<ModelDescription>;

export interface CoreOptions {
  /** Where model folders live, bundled first. */
  readonly roots: readonly ModelRoot[];
  /** Opens a model folder in an ONNX Runtime session (main/runtime's ModelRuntime.load). */
  readonly loadModel: ModelLoader;
  /** Reads a model folder's spec and weights without a session (default: the model-folder reader). */
  readonly readModel?: ModelReader;
  /** The shell serving this core, for appInfo. */
  readonly transport: AppInfo['transport'];
  readonly version: string;
  readonly name?: string;
  /** Versions to report in appInfo (node, electron, chrome...). */
  readonly versions?: Record<string, string>;
  /** The model active at start when it exists (default 'modern', DESIGN.md's default); otherwise the first one listed. */
  readonly defaultModelId?: string;
  readonly inkPipeline?: InkPipeline;
  /** Told about model folders that cannot be listed. */
  readonly warn?: (message: string) => void;
  /**
   * The person's data folder: samples, model versions (the active model is then remembered, and checked
   * before it is activated) and fine-tuning. Without it those channels answer 'unavailable'.
   */
  readonly personal?: PersonalData;
  /** Where the shipped MNIST test digits are (default: the first bundled root, native-models/). */
  readonly mnistDir?: string;
  /**
   * Where caches of bundled models go (<cacheDir>/<id>/), for a bundled folder that may be read-only;
   * absent = the bundled model's own folder. A personal model's cache is in its own folder.
   */
  readonly cacheDir?: string;
}

export interface Core extends LenetCore {
  /** Releases every loaded model. */
  close(): Promise<void>;
}

function image(width: number, height: number, data: Float32Array): Image {
  return { width, height, data: Float32Array.from(data) };
}

const defaultReader: ModelReader = async (dir) => {
  const { spec, weights } = await readModelFolder(dir);
  return { spec, weights };
};

/**
 * The app's core: the model folders on disk, the active model, and predict = ink pipeline + one ONNX
 * Runtime pass. Both shells (Electron, browser mode) serve this same object through the handler table.
 */
export async function createCore(options: CoreOptions): Promise<Core> {
  const pipeline = options.inkPipeline ?? defaultInkPipeline;
  const warn = options.warn ?? (() => undefined);
  const listeners = new Set<(event: CoreEvent) => void>();
  const readModel = options.readModel ?? defaultReader;
  /**
   * ONNX Runtime sessions: the active model's stays open; any other model's is opened for one request
   * and released after it. Describing a model or showing its kernels opens none (`described`). A session
   * is released only once no request is using it.
   */
  type Session = { readonly id: string; readonly model: Promise<LoadedModel>; users: number; retired: boolean };
  let session: Session | null = null;
  const described = new Map<string, Promise<ModelDescription>>();
  const versions = options.personal?.versions;
  let entries: ModelEntry[] = [];
  let activeId = '';
  /** Why the model the person chose is not the one serving (missing, damaged): shown until another is activated. */
  let notice: string | null = null;
  /** The same as reasons the page translates. */
  let noticeReasons: Reason[] = [];
  const setNotice = (reasons: readonly Reason[]) => {
    noticeReasons = [...reasons];
    notice = reasons.length > 0 ? reasons.map(reasonMessage).join(' ') : null;
  };

  async function rescan(): Promise<void> {
    const found = await scanModels(options.roots);
    for (const s of found.skipped) warn(`model folder ${s.dir} skipped: ${s.reason}`);
    entries = found.models;
    if (!entries.some((e) => e.id === activeId)) {
      const lost = activeId;
      activeId = (entries.find((e) => e.id === (options.defaultModelId ?? 'modern')) ?? entries[0])?.id ?? '';
      if (lost && activeId) setNotice([reasonOf('fallback.missing', { id: lost, fallback: activeId })]);
    }
  }

  function entry(id: string): ModelEntry {
    const found = entries.find((e) => e.id === id);
    if (!found) {
      throw failure('model.notFound', { id, known: entries.map((e) => e.id).join(', ') || 'none' });
    }
    return found;
  }

  function requireActive(): string {
    if (!activeId) {
      throw failure('model.noneFound', { dirs: options.roots.map((r) => r.dir).join(', ') });
    }
    return activeId;
  }

  function open(id: string): Promise<LoadedModel> {
    return options.loadModel(entry(id).dir).catch((err: unknown) => {
      throw failure('model.cannotLoad', { id, detail: (err as Error).message });
    });
  }

  function retire(old: Session | null): void {
    if (!old) return;
    old.retired = true;
    if (old.users === 0) void release(old.model);
  }

  /** Makes `model` the active model's session, retiring the one before. */
  function keep(id: string, model: Promise<LoadedModel>): Session {
    const previous = session;
    const next: Session = { id, model, users: 0, retired: false };
    session = next;
    model.catch(() => {
      if (session === next) session = null;
    });
    retire(previous);
    return next;
  }

  /** Runs `use` with a session of model `id`: the active one's, or one opened for this request only. */
  async function withModel<R>(id: string, use: (model: LoadedModel) => Promise<R>): Promise<R> {
    const s = id === activeId ? (session?.id === id ? session : keep(id, open(id))) : { id, model: open(id), users: 0, retired: true };
    s.users++;
    try {
      return await use(await s.model);
    } finally {
      s.users--;
      if (s.retired && s.users === 0) await release(s.model);
    }
  }

  async function release(model: Promise<LoadedModel>): Promise<void> {
    await model.then((m) => m.release(), () => undefined);
  }

  function describe(id: string): Promise<ModelDescription> {
    const e = entry(id);
    let found = described.get(id);
    if (!found) {
      found = readModel(e.dir).catch((err: unknown) => {
        described.delete(id);
        throw failure('model.cannotLoad', { id, detail: (err as Error).message });
      });
      described.set(id, found);
    }
    return found;
  }

  function listing(): ModelList {
    return {
      activeId: requireActive(),
      models: entries.map((e) => {
        const facts = cardFacts(e.id, e.arch, e.card);
        const result = e.bundled ? undefined : trainingResult(e.id, e.card.fineTune);
        return { id: e.id, arch: e.arch as ModelInfo['arch'], title: facts.title, bundled: e.bundled, facts, card: e.card, ...(result ? { result } : {}) };
      }),
      notice,
      noticeReasons,
    };
  }

  async function activate(id: string): Promise<ModelList> {
    await rescan();
    entry(id);
    // With model versions, the model is loaded by ONNX Runtime and checked against the engine before the
    // pointer that remembers it changes; a model that fails stays inactive.
    if (versions) {
      try {
        await versions.activate(id);
      } catch (err) {
        throw asApiError(err);
      }
    }
    const model = session?.id === id ? session.model : open(id);
    await model; // a model that cannot be loaded never becomes the active one
    if (session?.model !== model) keep(id, model);
    activeId = id;
    setNotice([]);
    const list = listing();
    emit({ name: 'modelChanged', payload: list });
    return list;
  }

  async function remove(id: string): Promise<ModelList> {
    if (!versions) throw failure('dataFolder.missing', {});
    try {
      await versions.remove(id);
    } catch (err) {
      throw asApiError(err);
    }
    described.delete(id);
    await rescan();
    const list = listing();
    emit({ name: 'modelChanged', payload: list });
    return list;
  }

  async function exportModel(id: string): Promise<Responses['exportModel']> {
    const dir = entry(id).dir;
    let onnx: Uint8Array;
    let card: Uint8Array;
    try {
      onnx = new Uint8Array(await readFile(join(dir, MODEL_FILE)));
      card = new Uint8Array(await readFile(join(dir, META_FILE)));
    } catch (err) {
      throw failure('model.cannotLoad', { id, detail: (err as Error).message });
    }
    return {
      onnx: { fileName: `${id}.onnx`, mimeType: 'application/octet-stream', bytes: onnx, count: 1 },
      card: { fileName: `${id}.card.json`, mimeType: 'application/json', bytes: card, count: 1 },
    };
  }

  async function importModel(req: Requests['importModel']): Promise<Responses['importModel']> {
    if (!versions) throw failure('dataFolder.missing', {});
    const clean = (name: string) => basename(name.replaceAll('\\', '/')).replace(/\p{Cc}/gu, '').slice(0, 120) || 'model.onnx';
    let imported;
    try {
      imported = await versions.importOnnx(req.bytes, clean(req.fileName), req.card ? { bytes: req.card.bytes, file: clean(req.card.fileName) } : undefined);
    } catch (err) {
      throw asApiError(err);
    }
    await rescan();
    const list = listing();
    emit({ name: 'modelChanged', payload: list });
    return { id: imported.version.id, list, cardTaken: imported.cardTaken.slice(0, 64), cardIgnored: imported.cardIgnored.slice(0, 64) };
  }

  function emit(event: CoreEvent): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        warn(`an event listener failed: ${(err as Error).message}`);
      }
    }
  }

  const tops = new TopActivations(
    options.mnistDir ?? options.roots.find((r) => r.bundled)?.dir ?? options.roots[0]?.dir ?? '.',
    (modelId, state) => emit({
      name: 'topActivationsProgress',
      payload: { modelId, state: state.state, done: state.state === 'building' ? state.done : 0, total: state.state === 'building' ? state.total : 0 },
    }),
    warn,
  );

  const featureVis = new FeatureVisRunner();
  /** Bumped by every feature-visualization request and cancel: a request that is no longer the latest gives up. */
  let featureVisGeneration = 0;
  let featureVisWaiting = false;

  await rescan();
  if (versions) {
    // The model the person last activated, or a bundled one with a notice when it is missing or damaged.
    try {
      const active = await versions.active({ verify: true });
      if (entries.some((e) => e.id === active.id)) activeId = active.id;
      setNotice(active.noticeReasons);
    } catch (err) {
      setNotice([reasonOf('fallback.undetermined', { fallback: activeId, detail: (err as Error).message })]);
    }
    if (notice) warn(notice);
  }

  const personal = options.personal
    ? createPersonal(options.personal, {
        pipeline,
        emit,
        activeId: requireActive,
        withModel,
        listing: async () => {
          await rescan();
          return listing();
        },
        activate,
        remove,
        mnistDir: options.mnistDir ?? options.roots.find((r) => r.bundled)?.dir ?? options.roots[0]?.dir ?? '.',
      })
    : withoutDataFolder();

  const { observe, ...personalMethods } = personal;

  return {
    ...personalMethods,
    ...createLab({ describe, requireActive, pipeline }),

    predict: (request) => {
      const id = request.modelId ?? requireActive();
      return withModel(id, async (model): Promise<PredictResponse> => {
      const t0 = performance.now();
      let prepared;
      try {
        prepared = pipeline.prepare(request.ink);
      } catch (err) {
        if (err instanceof InkError) throw new ApiError('bad-request', `predict: ${err.message}`);
        throw err;
      }
      const input = pipeline.toNetworkInput(prepared.image28, model.spec);
      const t1 = performance.now();
      const result = await model.predict(input, 1);
      const t2 = performance.now();
      const probabilities = Array.from(result.probabilities);
      let top = 0;
      for (let i = 1; i < probabilities.length; i++) if (probabilities[i] > probabilities[top]) top = i;
      const { height, width } = model.spec.input;
      const layers = Object.fromEntries(result.activations.map((a) => [a.name, a.data]));
      const nonDigit = judgeNonDigit({ ink: request.ink, empty: prepared.empty, spec: model.spec, layers, scores: layers[scoresLayer(model.spec)] ?? [] }, model.reject ?? null);
      if (!prepared.empty) observe(id, request.ink, result.probabilities, nonDigit.flagged);
      const response: PredictResponse = {
        modelId: id,
        arch: archOf(model.spec),
        empty: prepared.empty,
        probabilities,
        top,
        nonDigit,
        input: image(28, 28, prepared.image28),
        networkInput: image(width, height, input),
        activations: result.activations.map((a) => ({ name: a.name, shape: [...a.shape], data: new Float32Array(a.data) })),
        timing: { preprocessMs: t1 - t0, inferenceMs: t2 - t1 },
      };
      if (request.withPreActivations) response.preActivations = preActivationsOf(model, input).map((a) => ({ name: a.name, shape: [...a.shape], data: a.data }));
      if (request.withSteps) {
        const { cropped, fitted, centred } = prepared.steps;
        response.steps = {
          cropped: image(cropped.width, cropped.height, cropped.data),
          fitted: image(fitted.width, fitted.height, fitted.data),
          centred: image(centred.width, centred.height, centred.data),
        };
      }
      return response;
      });
    },

    explainDrawing: (request) => {
      const id = request.modelId ?? requireActive();
      return withModel(id, (model) => explainDrawing(model, id, pipeline, request));
    },

    async topActivations({ modelId, layer, unit }) {
      const id = modelId ?? requireActive();
      const e = entry(id);
      const { spec } = await describe(id);
      const info = networkInfo(spec).find((l) => l.name === layer);
      if (!info) throw new ApiError('not-found', `model ${id} has no layer ${layer}`);
      let state;
      let digits;
      try {
        digits = await tops.digits();
        state = await tops.state({ id, dir: e.dir, cacheDir: e.bundled && options.cacheDir ? join(options.cacheDir, id) : e.dir });
      } catch (err) {
        throw new ApiError('unavailable', `top activations: ${(err as Error).message}`);
      }
      if (state.state === 'building') return { state: 'building', modelId: id, done: state.done, total: state.total };
      if (state.state === 'failed') return { state: 'failed', modelId: id, message: state.message };
      let examples;
      try {
        examples = unitExamples(state.result, info, spec.input.height, unit, digits.labels);
      } catch (err) {
        throw new ApiError('bad-request', `topActivations: ${(err as Error).message}`);
      }
      const images = new Float32Array(examples.length * 784);
      examples.forEach((x, i) => {
        for (let j = 0; j < 784; j++) images[i * 784 + j] = digits.images[x.index * 784 + j] / 255;
      });
      return { state: 'ready', modelId: id, layer, unit, lowIsStrong: info.role === 'distance', searched: state.result.count, examples, images };
    },

    async featureVisualization({ modelId, layer, unit }) {
      const generation = ++featureVisGeneration;
      featureVis.cancel();
      const id = modelId ?? requireActive();
      featureVisWaiting = true;
      const e = entry(id);
      const { spec, weights } = await describe(id);
      const layers = networkInfo(spec);
      const layerIndex = layers.findIndex((l) => l.name === layer);
      if (layerIndex < 0) throw new ApiError('not-found', `model ${id} has no layer ${layer}`);
      const info = layers[layerIndex];
      const channels = info.outputShape[0];
      if (unit >= channels) throw new ApiError('bad-request', `featureVisualization: layer ${layer} has units 0..${channels - 1}, not ${unit}`);
      const positions = info.outputShape.length === 3 ? info.outputShape[1] * info.outputShape[2] : 1;
      const lowIsStrong = info.role === 'distance';
      if (generation !== featureVisGeneration) return { state: 'cancelled', modelId: id };
      featureVisWaiting = false;
      const outcome = await featureVis.run(spec, weights, layerIndex, unit, positions, lowIsStrong);
      if (outcome.state === 'cancelled') return { state: 'cancelled', modelId: id };
      // the best test digit, when the top activations of this model are already known (never built for this)
      let bestTestValue: number | null = null;
      try {
        const s = await tops.known({ id, dir: e.dir });
        const l = s?.layers.find((x) => x.name === layer);
        if (l && l.index[unit * l.k] >= 0) bestTestValue = l.value[unit * l.k];
      } catch {
        bestTestValue = null;
      }
      return { state: 'done', modelId: id, layer, unit, image: { width: 28, height: 28, data: outcome.image }, value: outcome.value, bestTestValue, lowIsStrong, steps: outcome.steps, ms: outcome.ms };
    },

    async cancelFeatureVisualization() {
      const waiting = featureVisWaiting;
      featureVisWaiting = false;
      featureVisGeneration++;
      return { cancelled: featureVis.cancel() || waiting };
    },

    async listModels(): Promise<ModelList> {
      await rescan();
      return listing();
    },

    async modelInfo({ id }): Promise<ModelInfo> {
      const e = entry(id);
      const { spec } = await describe(id);
      return describeModel(id, spec, cardFacts(id, e.arch, e.card), e.card);
    },

    activateModel: ({ id }) => activate(id),
    removeModel: ({ id }) => remove(id),
    exportModel: ({ id }) => exportModel(id),
    importModel: (req) => importModel(req),

    async layerKernels({ modelId, layer }) {
      const id = modelId ?? requireActive();
      const { spec, weights } = await describe(id);
      return layerKernels(id, spec, weights, layer);
    },

    async setViewState(request) {
      emit({ name: 'viewStateChanged', payload: { presenting: request.presenting } });
      return {};
    },

    async appInfo() {
      return { name: options.name ?? 'LeNet Studio', version: options.version, transport: options.transport, versions: { ...options.versions } };
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close() {
      featureVis.cancel();
      await personalMethods.close();
      const last = session;
      session = null;
      if (last) await release(last.model);
    },
  };
}

import { performance } from 'node:perf_hooks';
import type { NetworkSpec } from '../engine/spec.ts';
import type { Weights } from '../engine/weights.ts';
import { InkError } from '../ink/types.ts';
import { ApiError, type Image, type ModelInfo, type ModelList, type PredictRequest, type PredictResponse } from '../api/contract.ts';
import type { CoreEvent, LenetCore } from '../api/core-port.ts';
import { cardFacts } from './card.ts';
import { defaultInkPipeline, type InkPipeline } from './ink-pipeline.ts';
import { layerKernels } from './kernels.ts';
import { archOf, describeModel } from './model-info.ts';
import { asApiError } from './errors.ts';
import { createPersonal, withoutDataFolder, type PersonalData } from './personal.ts';
import { scanModels, type ModelEntry, type ModelRoot } from './registry.ts';
import { trainingResult } from './training-result.ts';

/** A model ready to predict: main/runtime's ModelRuntime, or in tests anything with the same shape. */
export interface LoadedModel {
  readonly spec: NetworkSpec;
  readonly weights: Weights;
  predict(input: Float32Array, batch: number): Promise<{
    readonly probabilities: Float32Array;
    readonly activations: readonly { readonly name: string; readonly shape: readonly number[]; readonly data: Float32Array }[];
  }>;
  release(): Promise<void>;
}

export type ModelLoader = (dir: string) => Promise<LoadedModel>;

export interface CoreOptions {
  /** Where model folders live, bundled first. */
  readonly roots: readonly ModelRoot[];
  readonly loadModel: ModelLoader;
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
}

export interface Core extends LenetCore {
  /** Releases every loaded model. */
  close(): Promise<void>;
}

function image(width: number, height: number, data: Float32Array): Image {
  return { width, height, data: Array.from(data) };
}

/**
 * The app's core: the model folders on disk, the active model, and predict = ink pipeline + one ONNX
 * Runtime pass. Both shells (Electron, browser mode) serve this same object through the handler table.
 */
export async function createCore(options: CoreOptions): Promise<Core> {
  const pipeline = options.inkPipeline ?? defaultInkPipeline;
  const warn = options.warn ?? (() => undefined);
  const listeners = new Set<(event: CoreEvent) => void>();
  const loaded = new Map<string, Promise<LoadedModel>>();
  const versions = options.personal?.versions;
  let entries: ModelEntry[] = [];
  let activeId = '';
  /** Why the model the person chose is not the one serving (missing, damaged): shown until another is activated. */
  let notice: string | null = null;

  async function rescan(): Promise<void> {
    const found = await scanModels(options.roots);
    for (const s of found.skipped) warn(`model folder ${s.dir} skipped: ${s.reason}`);
    entries = found.models;
    if (!entries.some((e) => e.id === activeId)) {
      const lost = activeId;
      activeId = (entries.find((e) => e.id === (options.defaultModelId ?? 'modern')) ?? entries[0])?.id ?? '';
      if (lost && activeId) notice = `The active model ${lost} is missing; using the ${activeId} model.`;
    }
  }

  function entry(id: string): ModelEntry {
    const found = entries.find((e) => e.id === id);
    if (!found) {
      const known = entries.map((e) => e.id).join(', ') || 'none';
      throw new ApiError('not-found', `no model called ${id} (models: ${known})`);
    }
    return found;
  }

  function requireActive(): string {
    if (!activeId) {
      throw new ApiError('unavailable', `no model found in ${options.roots.map((r) => r.dir).join(', ')}: train one with \`npm run train\``);
    }
    return activeId;
  }

  function load(id: string): Promise<LoadedModel> {
    const e = entry(id);
    let model = loaded.get(id);
    if (!model) {
      model = options.loadModel(e.dir).catch((err: unknown) => {
        loaded.delete(id);
        throw new ApiError('unavailable', `model ${id} cannot be loaded: ${(err as Error).message}`);
      });
      loaded.set(id, model);
    }
    return model;
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
    await load(id); // a model that cannot be loaded never becomes the active one
    activeId = id;
    notice = null;
    const list = listing();
    emit({ name: 'modelChanged', payload: list });
    return list;
  }

  async function remove(id: string): Promise<ModelList> {
    if (!versions) throw new ApiError('unavailable', 'personal models need a data folder');
    try {
      await versions.remove(id);
    } catch (err) {
      throw asApiError(err);
    }
    const model = loaded.get(id);
    loaded.delete(id);
    await model?.then((m) => m.release(), () => undefined);
    await rescan();
    const list = listing();
    emit({ name: 'modelChanged', payload: list });
    return list;
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

  await rescan();
  if (versions) {
    // The model the person last activated, or a bundled one with a notice when it is missing or damaged.
    try {
      const active = await versions.active();
      if (entries.some((e) => e.id === active.id)) activeId = active.id;
      notice = active.notice;
    } catch (err) {
      notice = `The active model cannot be determined (${(err as Error).message}); using the ${activeId} model.`;
    }
    if (notice) warn(notice);
  }

  const personal = options.personal
    ? createPersonal(options.personal, {
        pipeline,
        emit,
        activeId: requireActive,
        load,
        listing: async () => {
          await rescan();
          return listing();
        },
        activate,
        remove,
      })
    : withoutDataFolder();

  return {
    ...personal,

    async predict(request: PredictRequest): Promise<PredictResponse> {
      const id = request.modelId ?? requireActive();
      const model = await load(id);
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
      const response: PredictResponse = {
        modelId: id,
        arch: archOf(model.spec),
        empty: prepared.empty,
        probabilities,
        top,
        input: image(28, 28, prepared.image28),
        networkInput: image(width, height, input),
        activations: result.activations.map((a) => ({ name: a.name, shape: [...a.shape], data: Array.from(a.data) })),
        timing: { preprocessMs: t1 - t0, inferenceMs: t2 - t1 },
      };
      if (request.withSteps) {
        const { cropped, fitted, centred } = prepared.steps;
        response.steps = {
          cropped: image(cropped.width, cropped.height, cropped.data),
          fitted: image(fitted.width, fitted.height, fitted.data),
          centred: image(centred.width, centred.height, centred.data),
        };
      }
      return response;
    },

    async listModels(): Promise<ModelList> {
      await rescan();
      return listing();
    },

    async modelInfo(id: string): Promise<ModelInfo> {
      const e = entry(id);
      const model = await load(id);
      return describeModel(id, model.spec, cardFacts(id, e.arch, e.card), e.card);
    },

    activateModel: activate,
    removeModel: remove,

    async layerKernels(modelId: string | undefined, layer: string) {
      const id = modelId ?? requireActive();
      const model = await load(id);
      return layerKernels(id, model.spec, model.weights, layer);
    },

    appInfo() {
      return { name: options.name ?? 'LeNet Studio', version: options.version, versions: { ...options.versions } };
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close() {
      await personal.close();
      const all = [...loaded.values()];
      loaded.clear();
      await Promise.all(all.map((m) => m.then((x) => x.release(), () => undefined)));
    },
  };
}

import { ApiError, type Responses } from '../api/contract.ts';
import type { LoadedModel } from '../api/core-port.ts';
import { networkInfo, type LayerInfo } from '../engine/index.ts';
import { accumulateTops, emptyTops, fieldInDigit, type LayerTops } from '../explain/index.ts';
import type { InkPipeline } from './ink-pipeline.ts';
import { sha256Hex, TOP_K } from './top-activations-build.ts';

const SIDE = 28;
const PX = SIDE * SIDE;
/** Samples per ONNX Runtime pass: every layer's output for a batch stays small (the modern C1 is 4,704 values a digit). */
export const OWN_BATCH = 128;

/** One of the person's samples as the core already has it: the 28x28 image the ink pipeline made of its ink. */
export interface OwnSample {
  readonly id: string;
  readonly label: number;
  readonly image28: Float32Array;
}

/**
 * The samples' identity: an ink never changes under its id, so ids and labels (a relabel changes what
 * the list says) name the set; adding, deleting or relabelling a sample changes it.
 */
export function sampleSetFingerprint(samples: readonly Pick<OwnSample, 'id' | 'label'>[]): string {
  return sha256Hex(new TextEncoder().encode(samples.map((s) => `${s.id}\t${s.label}`).join('\n')));
}

interface Built {
  readonly fingerprint: string;
  readonly samples: readonly OwnSample[];
  readonly tops: LayerTops[];
}

/**
 * Every unit's top-k among the samples: each sample's image made the network's input as predict makes
 * it, then ONNX Runtime in batches (every layer's output in one pass), folded into running lists.
 */
export async function buildOwnTops(model: LoadedModel, pipeline: Pick<InkPipeline, 'toNetworkInput'>, samples: readonly OwnSample[], k = TOP_K, batch = OWN_BATCH): Promise<LayerTops[]> {
  const spec = model.spec;
  const tops = emptyTops(networkInfo(spec), k);
  const size = spec.input.channels * spec.input.height * spec.input.width;
  for (let first = 0; first < samples.length; first += batch) {
    const n = Math.min(batch, samples.length - first);
    const input = new Float32Array(n * size);
    for (let b = 0; b < n; b++) input.set(pipeline.toNetworkInput(samples[first + b].image28, spec), b * size);
    const { activations } = await model.predict(input, n);
    accumulateTops(tops, activations, n, first);
  }
  return tops;
}

/**
 * The person's own samples that excite each unit most, per model and sample set: built on the first
 * request (all units at once, a few ONNX Runtime passes), kept in memory, and rebuilt when the samples
 * change (their fingerprint differs) — the list is never older than the gallery.
 */
export class OwnSampleTops {
  private readonly built = new Map<string, Promise<Built>>();

  constructor(private readonly pipeline: Pick<InkPipeline, 'toNetworkInput'>) {}

  private listsFor(model: LoadedModel, modelId: string, samples: readonly OwnSample[]): Promise<Built> {
    const fingerprint = sampleSetFingerprint(samples);
    const known = this.built.get(modelId);
    if (known) {
      const checked = known.then((b) => (b.fingerprint === fingerprint ? b : null), () => null);
      return checked.then((b) => b ?? this.start(model, modelId, samples, fingerprint));
    }
    return this.start(model, modelId, samples, fingerprint);
  }

  private start(model: LoadedModel, modelId: string, samples: readonly OwnSample[], fingerprint: string): Promise<Built> {
    const copy = samples.slice();
    const promise = buildOwnTops(model, this.pipeline, copy).then((tops) => ({ fingerprint, samples: copy, tops }));
    this.built.set(modelId, promise);
    // a failed build is not kept: the next request tries again
    promise.catch(() => {
      if (this.built.get(modelId) === promise) this.built.delete(modelId);
    });
    return promise;
  }

  /** Forgets a model's lists (a model folder removed). */
  forget(modelId: string): void {
    this.built.delete(modelId);
  }

  async unit(model: LoadedModel, modelId: string, samples: readonly OwnSample[], layer: string, unit: number): Promise<Responses['topOwnSamples']> {
    const infos = networkInfo(model.spec);
    const info: LayerInfo | undefined = infos.find((l) => l.name === layer);
    if (!info) throw new ApiError('not-found', `model ${modelId} has no layer ${layer}`);
    const channels = info.outputShape[0];
    if (!Number.isInteger(unit) || unit < 0 || unit >= channels) throw new ApiError('bad-request', `topOwnSamples: layer ${layer} has units 0..${channels - 1}, not ${unit}`);
    const lowIsStrong = info.role === 'distance';
    if (samples.length === 0) return { modelId, layer, unit, lowIsStrong, searched: 0, examples: [], images: new Float32Array(0) };
    const built = await this.listsFor(model, modelId, samples);
    const tops = built.tops.find((t) => t.name === layer)!;
    const examples = [];
    const images = [];
    for (let i = unit * tops.k; i < (unit + 1) * tops.k; i++) {
      const at = tops.index[i];
      if (at < 0) continue;
      const s = built.samples[at];
      examples.push({ sampleId: s.id, label: s.label, value: tops.value[i], field: fieldInDigit(info, tops.position[i], model.spec.input.height, SIDE) });
      images.push(s.image28);
    }
    const out = new Float32Array(images.length * PX);
    images.forEach((img, i) => out.set(img.subarray(0, PX), i * PX));
    return { modelId, layer, unit, lowIsStrong, searched: built.samples.length, examples, images: out };
  }
}

import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { networkInfo, totalMacs, totalParams, type Head, type LayerInfo, type NetworkSpec, type Weights } from '../engine/index.ts';
import { INPUT_NAME, PROBABILITIES_NAME } from '../onnx/export.ts';
import type { RejectHead } from '../nondigit/head.ts';
import { MODEL_FILE, ModelLoadError, readModelFolder, type ModelCard, type ModelFolder } from '../model-folder/folder.ts';
import { loadEngineKernels } from '../wasm/load-kernels.ts';

export { ModelLoadError } from '../model-folder/folder.ts';

/** One layer's output for a batch: `shape` is per sample (as in the engine), `data` holds batch * size values. */
export interface LayerActivation {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** The same structure as the engine's ForwardResult, so the two can be compared value for value. */
export interface Prediction {
  readonly batch: number;
  /** batch x classes, row after row. */
  readonly probabilities: Float32Array;
  /** One entry per layer, in network order. */
  readonly activations: LayerActivation[];
}

export interface ModelInfo {
  readonly dir: string | null;
  readonly arch: string;
  readonly head: Head;
  /** Per-sample input shape [C, H, W]; predict takes batch x C x H x W values. */
  readonly inputShape: readonly [number, number, number];
  readonly classes: number;
  readonly layers: readonly LayerInfo[];
  readonly totalParams: number;
  readonly totalMacs: number;
  readonly card: ModelCard;
}

/**
 * A model folder loaded into an ONNX Runtime session. Tuned for the app's case, one image at a time
 * while the pen moves: one intra-op thread (a LeNet-sized graph gains nothing from splitting, and the
 * other core stays free for the UI and training), sequential execution, every graph optimisation.
 */
const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  executionProviders: ['cpu'],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  enableCpuMemArena: true,
  enableMemPattern: true,
  logSeverityLevel: 3,
};

export class ModelRuntime {
  readonly info: ModelInfo;
  /** The spec and engine weights the ONNX graph was exported from (for parity checks and fine-tuning). */
  readonly spec: NetworkSpec;
  readonly weights: Weights;
  /** The folder's not-a-digit reject head (reject.json), null when it has none. */
  readonly reject: RejectHead | null;
  private readonly session: ort.InferenceSession;
  private readonly layerNames: readonly string[];
  private readonly sampleSize: number;
  private released = false;

  private constructor(session: ort.InferenceSession, folder: ModelFolder, dir: string | null) {
    const layers = networkInfo(folder.spec);
    const { channels, height, width } = folder.spec.input;
    const lastShape = layers[layers.length - 1].outputShape;
    this.session = session;
    this.spec = folder.spec;
    this.weights = folder.weights;
    this.reject = folder.reject;
    this.layerNames = layers.map((l) => l.name);
    this.sampleSize = channels * height * width;
    this.info = {
      dir,
      arch: folder.spec.arch,
      head: folder.spec.head,
      inputShape: [channels, height, width],
      classes: lastShape.reduce((a, b) => a * b, 1),
      layers,
      totalParams: totalParams(layers),
      totalMacs: totalMacs(layers),
      card: folder.meta,
    };
  }

  /** Loads `dir`/model.onnx, weights.json and meta.json; any unusable file is a ModelLoadError naming it. */
  static async load(dir: string): Promise<ModelRuntime> {
    return ModelRuntime.fromFolder(await readModelFolder(dir), dir);
  }

  static async fromFolder(folder: ModelFolder, dir: string | null = null): Promise<ModelRuntime> {
    // the engine's parity checks and explanations run in this thread: give them the SIMD kernels
    await loadEngineKernels();
    const modelPath = dir === null ? MODEL_FILE : join(dir, MODEL_FILE);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(folder.onnx, SESSION_OPTIONS);
    } catch (err) {
      throw new ModelLoadError(modelPath, `ONNX Runtime cannot load it: ${firstLine((err as Error).message)}`, { cause: err });
    }
    const problem = graphProblem(session, folder.spec);
    if (problem) {
      await session.release();
      throw new ModelLoadError(modelPath, problem);
    }
    return new ModelRuntime(session, folder, dir);
  }

  /** Probabilities and every layer's activations for `batch` images (batch x C x H x W values), in one run. */
  async predict(input: Float32Array, batch = 1): Promise<Prediction> {
    const results = await this.run(input, batch, [PROBABILITIES_NAME, ...this.layerNames]);
    return {
      batch,
      probabilities: outputData(results, PROBABILITIES_NAME),
      activations: this.info.layers.map((l) => ({ name: l.name, shape: l.outputShape, data: outputData(results, l.name) })),
    };
  }

  /** Only the probabilities (batch x classes): cheaper when no feature map is wanted, as in evaluation. */
  async classify(input: Float32Array, batch = 1): Promise<Float32Array> {
    const results = await this.run(input, batch, [PROBABILITIES_NAME]);
    return outputData(results, PROBABILITIES_NAME);
  }

  /** Frees the ONNX Runtime session; later predictions are refused. Safe to call twice. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }

  /** Same as release(). */
  dispose(): Promise<void> {
    return this.release();
  }

  private async run(input: Float32Array, batch: number, fetches: string[]): Promise<ort.InferenceSession.ReturnType> {
    if (this.released) throw new Error('ModelRuntime: the model was released');
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`ModelRuntime: batch must be a positive integer, got ${batch}`);
    if (!(input instanceof Float32Array)) throw new TypeError('ModelRuntime: input must be a Float32Array');
    const [c, h, w] = this.info.inputShape;
    if (input.length !== batch * this.sampleSize) {
      throw new RangeError(`ModelRuntime: input holds ${input.length} values, expected ${batch} x ${c} x ${h} x ${w} = ${batch * this.sampleSize}`);
    }
    const feed = new ort.Tensor('float32', input, [batch, c, h, w]);
    return this.session.run({ [INPUT_NAME]: feed }, fetches);
  }
}

function outputData(results: ort.InferenceSession.ReturnType, name: string): Float32Array {
  const data = results[name].data;
  if (!(data instanceof Float32Array)) throw new Error(`ModelRuntime: output ${name} is not float32`);
  return data;
}

/** Says what, if anything, keeps an ONNX graph from serving the network described in weights.json. */
function graphProblem(session: ort.InferenceSession, spec: NetworkSpec): string | null {
  if (!session.inputNames.includes(INPUT_NAME)) {
    return `the graph's inputs are [${session.inputNames.join(', ')}], expected one named ${INPUT_NAME}`;
  }
  const meta = session.inputMetadata.find((m) => m.name === INPUT_NAME);
  if (meta?.isTensor) {
    const expected = [spec.input.channels, spec.input.height, spec.input.width];
    const dims = meta.shape.slice(1);
    if (meta.type !== 'float32') return `the graph's input is ${meta.type}, expected float32`;
    if (meta.shape.length !== 4 || dims.some((d, i) => typeof d === 'number' && d !== expected[i])) {
      return `the graph's input has shape [${meta.shape.join(', ')}], but weights.json describes a [N, ${expected.join(', ')}] input`;
    }
  }
  const missing = [PROBABILITIES_NAME, ...spec.layers.map((l) => l.name)].filter((n) => !session.outputNames.includes(n));
  if (missing.length > 0) {
    return `the graph lacks the output${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of the ${spec.arch} network in weights.json`;
  }
  return null;
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

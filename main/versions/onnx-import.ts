import { networkInfo, tensor, type NetworkSpec, type Tensor, type Weights } from '../engine/index.ts';
import { decodeModel, DataType, parameterShapes } from '../onnx/index.ts';
import { ModelRuntime } from '../runtime/index.ts';
import { reasonMessage, type Reason, type ReasonCode, type ReasonParams } from '../api/error-codes.ts';
import { parityInputs } from './parity-inputs.ts';

/** The largest ONNX file an import reads (the shipped models are about 0.25 MB). */
export const MAX_ONNX_IMPORT_BYTES = 8 * 1024 * 1024;
/** The largest card JSON read beside it. */
export const MAX_CARD_IMPORT_BYTES = 1024 * 1024;

/** Why an ONNX file was refused: a code of error-codes.ts with its parameters. */
export class OnnxImportError extends Error {
  readonly reason: Reason;
  constructor(reason: Reason, options?: { cause?: unknown }) {
    super(reasonMessage(reason), options);
    this.name = 'OnnxImportError';
    this.reason = reason;
  }
}

function refuse<C extends ReasonCode>(code: C, params: ReasonParams<C>, cause?: unknown): OnnxImportError {
  return new OnnxImportError({ code, params } as Reason, cause === undefined ? undefined : { cause });
}

export interface CheckedOnnx {
  readonly spec: NetworkSpec;
  /** The engine's weights, read from the graph's initializers (the names and layouts the app's export writes). */
  readonly weights: Weights;
  /** The file as it was given: it is stored as model.onnx unchanged. */
  readonly onnx: Uint8Array;
  /** What the checks found, for the card. */
  readonly checks: { readonly inputs: number; readonly maxProbabilitySumError: number };
}

const shapeText = (dims: readonly (number | string)[]) => `[${dims.join(', ')}]`;

/**
 * Checks an ONNX file someone wants to use as a model, against nothing but itself and the app's network
 * description: it decodes as ONNX; its one input is a float tensor [N, C, H, W] of one of the app's
 * architectures (`specs`, from the bundled models); it has the outputs the app reads (probabilities and
 * every layer, by name) with the right sizes; on the app's check digits it runs, gives the same answer
 * twice, every output is finite, its probabilities are probabilities, agree with its own scores (the
 * softmax of the logits, the nearest RBF bitmap), and its parameters can be read as the engine's.
 * Whether the graph computes what those parameters mean is checked when it is activated (verify.ts:
 * ONNX Runtime against the engine). Throws OnnxImportError with the first problem found.
 */
export async function checkOnnx(bytes: Uint8Array, file: string, specs: readonly NetworkSpec[]): Promise<CheckedOnnx> {
  if (bytes.length > MAX_ONNX_IMPORT_BYTES) throw refuse('onnxImport.tooLarge', { file, bytes: bytes.length, max: MAX_ONNX_IMPORT_BYTES });
  if (bytes.length === 0) throw refuse('onnxImport.notOnnx', { file, detail: 'the file is empty' });
  let model;
  try {
    model = decodeModel(bytes);
  } catch (err) {
    throw refuse('onnxImport.notOnnx', { file, detail: (err as Error).message.slice(0, 200) }, err);
  }
  const graph = model.graph;
  if (!graph || !Array.isArray(graph.node) || graph.node.length === 0 || graph.output.length === 0) {
    throw refuse('onnxImport.notOnnx', { file, detail: 'it holds no graph' });
  }

  // the input: one float tensor whose [C, H, W] is an architecture's
  const inputs = graph.input.filter((i) => !graph.initializer.some((t) => t.name === i.name));
  const input = inputs[0];
  const dims = input?.type?.tensorType?.shape?.dim?.map((d) => (d.dimValue ? d.dimValue : d.dimParam || '?')) ?? [];
  const expectedInputs = specs.map((s) => shapeText(['N', s.input.channels, s.input.height, s.input.width])).join(' or ');
  const spec = inputs.length === 1 && input.type?.tensorType?.elemType === DataType.FLOAT && dims.length === 4
    ? specs.find((s) => dims[1] === s.input.channels && dims[2] === s.input.height && dims[3] === s.input.width)
    : undefined;
  if (!spec) {
    const got = inputs.length === 1 ? `${input.name} ${shapeText(dims)}` : `${inputs.length} inputs`;
    throw refuse('onnxImport.wrongInput', { file, expected: `input ${expectedInputs}`, got });
  }
  if (input.name !== 'input') throw refuse('onnxImport.wrongInput', { file, expected: `input ${expectedInputs}`, got: `${input.name} ${shapeText(dims)}` });

  const layers = networkInfo(spec);
  const outputNames = new Set(graph.output.map((o) => o.name));
  for (const name of ['probabilities', ...layers.map((l) => l.name)]) {
    if (!outputNames.has(name)) throw refuse('onnxImport.missingOutput', { file, output: name });
  }

  const weights = weightsOf(graph.initializer, spec, file);
  let runtime: ModelRuntime;
  try {
    runtime = await ModelRuntime.fromFolder({ spec, weights, meta: { arch: spec.arch }, onnx: bytes, reject: null });
  } catch (err) {
    throw refuse('onnxImport.cannotRun', { file, detail: (err as Error).message.slice(0, 300) }, err);
  }
  try {
    const { input: images, batch } = parityInputs(spec);
    let first, second;
    try {
      first = await runtime.predict(images, batch);
      second = await runtime.predict(images, batch);
    } catch (err) {
      throw refuse('onnxImport.cannotRun', { file, detail: (err as Error).message.slice(0, 300) }, err);
    }
    const outputs = [{ name: 'probabilities', shape: layers.at(-1)!.outputShape, data: first.probabilities }, ...first.activations];
    for (const out of outputs) {
      const per = out.shape.reduce((a, b) => a * b, 1);
      if (out.data.length !== per * batch) {
        throw refuse('onnxImport.wrongOutput', { file, output: out.name, expected: shapeText(['N', ...out.shape]), got: `${out.data.length / batch} values per image` });
      }
      if (!out.data.every(Number.isFinite)) throw refuse('onnxImport.notFinite', { file, output: out.name });
    }
    const again = [second.probabilities, ...second.activations.map((a) => a.data)];
    if (outputs.some((o, k) => o.data.some((v, i) => !Object.is(v, again[k][i])))) throw refuse('onnxImport.notDeterministic', { file });

    const classes = first.probabilities.length / batch;
    const scores = first.activations.at(-1)!.data;
    let worstSum = 0;
    for (let b = 0; b < batch; b++) {
      const p = first.probabilities.subarray(b * classes, (b + 1) * classes);
      const s = scores.subarray(b * classes, (b + 1) * classes);
      if (p.some((v) => v < 0 || v > 1)) throw refuse('onnxImport.notProbabilities', { file, detail: `image ${b}: a probability outside 0..1` });
      const sum = p.reduce((a, v) => a + v, 0);
      worstSum = Math.max(worstSum, Math.abs(sum - 1));
      if (Math.abs(sum - 1) > 1e-4) throw refuse('onnxImport.notProbabilities', { file, detail: `image ${b}: they sum to ${sum}` });
      // the same model, read two ways: softmax of the logits, or of -scale x the RBF distances
      const logits = spec.head === 'rbf' ? Array.from(s, (d) => -(spec.rbfScale ?? 1) * d) : Array.from(s);
      const max = Math.max(...logits);
      const exp = logits.map((v) => Math.exp(v - max));
      const total = exp.reduce((a, v) => a + v, 0);
      const worst = Math.max(...exp.map((e, i) => Math.abs(e / total - p[i])));
      if (worst > 1e-4) throw refuse('onnxImport.inconsistent', { file, detail: `image ${b}: the probabilities differ from the softmax of the ${spec.head === 'rbf' ? 'RBF distances' : 'scores'} by ${worst.toExponential(2)}` });
    }
    return { spec, weights, onnx: bytes, checks: { inputs: batch, maxProbabilitySumError: worstSum } };
  } finally {
    await runtime.release();
  }
}

/**
 * The engine's parameters from the graph's initializers, under the names the app's ONNX export gives
 * them: conv and dense tensors as they are, a trainable subsampling's coefficient as the first entry of
 * each channel's kernel (`<name>_kernel`, every entry of a channel the same).
 */
function weightsOf(initializers: readonly { name: string; dims: number[]; dataType: number; rawData: Uint8Array }[], spec: NetworkSpec, file: string): Weights {
  const byName = new Map(initializers.map((t) => [t.name, t]));
  const floats = (name: string, count: number): Float32Array | null => {
    const t = byName.get(name);
    if (!t || t.dataType !== DataType.FLOAT || !t.rawData || t.rawData.length !== count * 4) return null;
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    return Float32Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true));
  };
  const weights = new Map<string, Tensor>();
  for (const [name, shape] of parameterShapes(spec)) {
    const count = shape.reduce((a, b) => a * b, 1);
    let data = floats(name, count);
    if (!data) {
      const kernel = byName.get(`${name}_kernel`);
      const per = kernel && kernel.dims.length === 4 ? kernel.dims[2] * kernel.dims[3] : 0;
      const all = per > 0 ? floats(`${name}_kernel`, count * per) : null;
      if (all) data = Float32Array.from({ length: count }, (_, c) => all[c * per]);
    }
    if (!data) throw refuse('onnxImport.noWeights', { file, detail: `its parameters cannot be read as the app's ${spec.arch} LeNet-5: no initializer ${name} of shape ${shapeText(shape)}` });
    weights.set(name, tensor(shape, data));
  }
  return weights;
}

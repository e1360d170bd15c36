import { formatShape, networkInfo, type Activation, type LayerInfo, type LayerSpec, type NetworkSpec, type Tensor, type Weights } from '../engine/index.ts';
import { floatValueInfo, GraphBuilder } from './graph-builder.ts';
import { encodeModel, type Model } from './proto.ts';

/**
 * Engine network -> ONNX. The graph reads `input` [N, C, H, W] and has one output per layer, named
 * exactly as the layer and holding its output after its activation, plus `probabilities` [N, classes],
 * so that one ONNX Runtime run yields the prediction and every feature map.
 *
 * Only standard-domain operators are used. The classic network's pieces map as follows:
 *  - lecun-tanh: Mul(Tanh(Mul(x, 2/3)), 1.7159);
 *  - trainable subsampling: a depthwise Conv whose kernel is the map's coefficient everywhere
 *    (window sum times coef) and whose bias is the map's bias;
 *  - C3's connection table: a full Conv whose unconnected kernels are zero;
 *  - RBF: distances as ReduceSum((x - c)^2) over the features, computed as a difference (not
 *    |x|^2 - 2xc + |c|^2) so that no precision is lost to cancellation; probabilities Softmax(Neg(d)).
 */
export const OPSET_VERSION = 17;
/** IR version 8 is the one that goes with opset 17. */
export const IR_VERSION = 8;
export const PRODUCER_NAME = 'LeNet Studio';
export const PRODUCER_VERSION = '1';
export const INPUT_NAME = 'input';
export const PROBABILITIES_NAME = 'probabilities';
export const BATCH_DIM = 'N';

const LECUN_A = 1.7159;
const LECUN_S = 2 / 3;

export interface ExportOptions {
  /** Free text stored as the model's doc string. */
  readonly description?: string;
  /** Extra key/value metadata stored in the model (e.g. the model card's headline numbers). */
  readonly metadata?: Readonly<Record<string, string>>;
}

export function exportOnnx(spec: NetworkSpec, weights: Weights, options: ExportOptions = {}): Uint8Array {
  return encodeModel(buildOnnxModel(spec, weights, options));
}

export function buildOnnxModel(spec: NetworkSpec, weights: Weights, options: ExportOptions = {}): Model {
  const infos = networkInfo(spec);
  if (infos.length === 0) throw new Error('ONNX export: the network has no layers');
  const g = new GraphBuilder();
  g.reserve(INPUT_NAME);
  g.reserve(PROBABILITIES_NAME);
  for (const layer of spec.layers) g.reserve(layer.name);

  let current = INPUT_NAME;
  spec.layers.forEach((layer, i) => {
    const nodesBefore = g.nodes.length;
    const out = emitLayer(g, layer, infos[i], current, weights);
    current = nameLayerOutput(g, out, layer.name, nodesBefore);
  });

  const last = infos[infos.length - 1];
  let scores = last.outputShape.length > 1 ? g.op('Flatten', [current], { axis: 1 }) : current;
  if (spec.head === 'rbf') {
    const scale = spec.rbfScale ?? 1;
    scores = scale === 1 ? g.op('Neg', [scores]) : g.op('Mul', [scores, g.scalar('rbf_neg_scale', -scale)]);
  }
  else if (spec.head !== 'softmax') throw new Error(`ONNX export: unknown head ${JSON.stringify(spec.head)}`);
  g.op('Softmax', [scores], { axis: -1 }, PROBABILITIES_NAME);

  const classes = last.outputShape.reduce((a, b) => a * b, 1);
  const outputs = [
    floatValueInfo(PROBABILITIES_NAME, [BATCH_DIM, classes], spec.head === 'rbf' ? 'softmax of the negative RBF distances' : 'softmax of the logits'),
    ...infos.map((info) => floatValueInfo(info.name, [BATCH_DIM, ...info.outputShape], describe(info))),
  ];
  const { channels, height, width } = spec.input;
  return {
    irVersion: IR_VERSION,
    producerName: PRODUCER_NAME,
    producerVersion: PRODUCER_VERSION,
    domain: 'lenet-studio',
    modelVersion: 1,
    docString: options.description ?? `LeNet-5 (${spec.arch})`,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    metadataProps: Object.entries({
      ...options.metadata,
      arch: spec.arch,
      head: spec.head,
      layers: spec.layers.map((l) => l.name).join(','),
    }).map(([key, value]) => ({ key, value })),
    graph: {
      name: `lenet5_${spec.arch}`,
      node: g.nodes,
      initializer: g.initializers,
      input: [floatValueInfo(INPUT_NAME, [BATCH_DIM, channels, height, width])],
      output: outputs,
    },
  };
}

function describe(info: LayerInfo): string {
  return `${info.kind} ${info.name}${info.activation ? ` (${info.activation})` : ''}, per-sample shape ${formatShape(info.outputShape)}`;
}

/** Makes the layer's final value carry the layer's name, so it can be a graph output of that name. */
function nameLayerOutput(g: GraphBuilder, value: string, layerName: string, nodesBefore: number): string {
  const last = g.nodes[g.nodes.length - 1];
  if (g.nodes.length > nodesBefore && last.output[0] === value) {
    // The value was made by this layer's last node, so nothing reads it yet: rename it in place.
    last.output[0] = layerName;
    return layerName;
  }
  return g.op('Identity', [value], {}, layerName);
}

/**
 * The ONNX nodes of one layer. Geometry, tensor names and shapes come from the engine's layer
 * description; what remains per kind is only which operators implement it.
 */
function emitLayer(g: GraphBuilder, layer: LayerSpec, info: LayerInfo, x: string, weights: Weights): string {
  const n = layer.name;
  const tensors = info.tensors.map((t) => param(weights, t.name, t.shape));
  const flatten = () => (info.inputShape.length > 1 ? g.op('Flatten', [x], { axis: 1 }) : x);
  switch (layer.kind) {
    case 'conv': {
      const [kh, kw] = info.kernel!;
      const [sh, sw] = info.stride!;
      const [ph, pw] = info.padding!;
      const [w, b] = tensors;
      const [wInfo, bInfo] = info.tensors;
      const inChannels = info.inputShape[0];
      let kernel = w.data;
      if (info.connections) {
        // Unconnected kernels are zero in the engine's weights; zero them here too so the graph computes
        // the partial connection even if a weights file was edited by hand.
        kernel = new Float32Array(w.data);
        const size = kh * kw;
        info.connections.forEach((reads, o) => {
          const connected = new Set(reads);
          for (let c = 0; c < inChannels; c++) {
            if (!connected.has(c)) kernel.fill(0, (o * inChannels + c) * size, (o * inChannels + c + 1) * size);
          }
        });
      }
      const y = g.op('Conv', [x, g.floatTensor(wInfo.name, w.shape, kernel), g.floatTensor(bInfo.name, b.shape, b.data)], {
        kernel_shape: [kh, kw],
        strides: [sh, sw],
        pads: [ph, pw, ph, pw],
      });
      return activate(g, y, info.activation);
    }
    case 'maxpool':
    case 'avgpool':
      return g.op(layer.kind === 'maxpool' ? 'MaxPool' : 'AveragePool', [x], { kernel_shape: info.kernel!, strides: info.stride! });
    case 'subsample': {
      const [kh, kw] = info.kernel!;
      const channels = info.inputShape[0];
      const [coef, bias] = tensors;
      const [coefInfo, biasInfo] = info.tensors;
      const kernel = new Float32Array(channels * kh * kw);
      for (let c = 0; c < channels; c++) kernel.fill(coef.data[c], c * kh * kw, (c + 1) * kh * kw);
      const y = g.op('Conv', [x, g.floatTensor(`${coefInfo.name}_kernel`, [channels, 1, kh, kw], kernel), g.floatTensor(biasInfo.name, [channels], bias.data)], {
        kernel_shape: [kh, kw],
        strides: info.stride!,
        group: channels,
      });
      return activate(g, y, info.activation);
    }
    case 'dense': {
      const [w, b] = tensors;
      const [wInfo, bInfo] = info.tensors;
      const y = g.op('Gemm', [flatten(), g.floatTensor(wInfo.name, w.shape, w.data), g.floatTensor(bInfo.name, b.shape, b.data)], { transB: 1 });
      return activate(g, y, info.activation);
    }
    case 'activation':
      return activate(g, x, info.activation);
    case 'flatten':
      return g.op('Flatten', [x], { axis: 1 });
    case 'rbf': {
      const features = info.inputShape.reduce((a, b) => a * b, 1);
      const units = info.outputShape[0];
      const flat = flatten();
      const centres = g.floatTensor(`${n}.centres`, [units, features], layer.centres.flat());
      const column = g.op('Unsqueeze', [flat, g.int64Tensor(`${n}.unit_axis`, [1], [1])]); // [N, 1, F]
      const diff = g.op('Sub', [column, centres]); // broadcast to [N, units, F]
      const squared = g.op('Mul', [diff, diff]);
      return g.op('ReduceSum', [squared, g.int64Tensor(`${n}.feature_axis`, [1], [2])], { keepdims: 0 });
    }
  }
}

function activate(g: GraphBuilder, x: string, fn: Activation | null): string {
  switch (fn ?? 'identity') {
    case 'identity':
      return x;
    case 'relu':
      return g.op('Relu', [x]);
    case 'sigmoid':
      return g.op('Sigmoid', [x]);
    case 'tanh':
      return g.op('Tanh', [x]);
    case 'lecun-tanh': {
      const scaled = g.op('Mul', [x, g.scalar('lecun_s', LECUN_S)]);
      return g.op('Mul', [g.op('Tanh', [scaled]), g.scalar('lecun_a', LECUN_A)]);
    }
    default:
      throw new Error(`ONNX export: unknown activation ${JSON.stringify(fn)}`);
  }
}

function param(weights: Weights, name: string, shape: readonly number[]): Tensor {
  const t = weights.get(name);
  if (!t) throw new Error(`ONNX export: parameter ${name} is missing from the weights`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`ONNX export: parameter ${name} has shape ${formatShape(t.shape)}, expected ${formatShape(shape)}`);
  }
  return t;
}

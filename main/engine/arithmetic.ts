import { formatShape, ShapeError } from './tensor.ts';
import { pair, type Activation, type LayerKind, type LayerSpec, type NetworkSpec } from './spec.ts';

/**
 * The one description of a layer: everything the rest of the app asks of it (resolved window geometry,
 * shapes, parameter tensors, multiply-accumulates, receptive field, which tensor the kernel viewer shows),
 * derived here from the spec so that export, runtime, core and views never switch on the kind again.
 *
 * Arithmetic for one input image. Max pooling counts no MACs (it only compares); summing pools count one
 * accumulate per window element; activations count none; an RBF unit counts one per squared difference.
 */

/**
 * What a layer does to its input, coarsely, for code that must decide by property:
 * 'windowed'        — slides a kernel over C x H x W maps (convolutions, pooling, subsampling);
 * 'pointwise'       — each output reads one input value (activations, flatten);
 * 'fully-connected' — each output reads every input value through a weight (dense);
 * 'distance'        — each output is a distance from the input vector to a fixed centre (RBF).
 */
export const LAYER_ROLES = ['windowed', 'pointwise', 'fully-connected', 'distance'] as const;
export type LayerRole = (typeof LAYER_ROLES)[number];

/** [height, width]. */
export type HW = [number, number];

/**
 * One parameter tensor, named as the weights file names it (`<layer>.<suffix>`); conv and dense tensors
 * are ONNX initializers of the same name and shape.
 */
export interface ParamTensorInfo {
  readonly name: string;
  readonly suffix: string;
  readonly shape: readonly number[];
  /** Entries stored. */
  readonly size: number;
  /** Entries that train (fewer than size where a connection table keeps kernels at zero). */
  readonly trainable: number;
  /** Weight decay applies (weights and kernels; never biases or subsampling coefficients). */
  readonly decays: boolean;
}

/**
 * How the kernel viewer reads a layer's main tensor:
 * 'kernels' — [outMaps, inMaps, kh, kw], one kernel per output map and input map;
 * 'per-map' — [maps], one coefficient per map (LeNet-1998 subsampling);
 * 'matrix'  — [units, inFeatures], one weight vector per unit.
 */
export const WEIGHT_LAYOUTS = ['kernels', 'per-map', 'matrix'] as const;
export type WeightLayout = (typeof WEIGHT_LAYOUTS)[number];

/** The tensors the kernel viewer (layerKernels) shows for a layer. */
export interface LayerWeights {
  readonly main: string;
  readonly bias: string;
  readonly layout: WeightLayout;
}

/**
 * Where a unit of a layer looks in the network input: unit (i, j) covers rows start[0] + i*jump[0] ..
 * + size[0]-1 (and likewise columns). A layer whose output is no longer C x H x W maps, and every layer
 * after it, sees the whole input: size = the input's H x W, jump 0, start 0.
 */
export interface ReceptiveField {
  readonly size: HW;
  readonly jump: HW;
  readonly start: HW;
}

export interface LayerInfo {
  readonly name: string;
  readonly kind: LayerKind;
  readonly role: LayerRole;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /** Resolved window of a windowed layer (a pool's stride defaults to its size, padding to 0); else null. */
  readonly kernel: HW | null;
  readonly stride: HW | null;
  readonly padding: HW | null;
  /** Trainable parameters: the sum of the tensors' trainable entries. */
  readonly params: number;
  readonly tensors: readonly ParamTensorInfo[];
  /** What layerKernels shows; null for layers without trained weights (pooling, activations, the fixed RBF). */
  readonly weights: LayerWeights | null;
  readonly macs: number;
  /** The activation applied after the layer's op (an activation layer's own function); null for none. */
  readonly activation: Activation | null;
  /** connections[o] = the input maps output map o reads; null = every map reads every input map. */
  readonly connections: readonly (readonly number[])[] | null;
  readonly receptiveField: ReceptiveField;
}

export function convOutputSize(input: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((input + 2 * padding - kernel) / stride) + 1;
}

function spatial(op: string, inputShape: readonly number[]): [number, number, number] {
  if (inputShape.length !== 3) {
    throw new ShapeError(op, `expects a C x H x W input, got ${formatShape(inputShape)}`);
  }
  return [inputShape[0], inputShape[1], inputShape[2]];
}

interface Window { readonly kernel: HW; readonly stride: HW; readonly padding: HW }

/** The one place window defaults are resolved: conv stride 1, pool stride = its size, padding 0. */
function resolveWindow(layer: LayerSpec): Window | null {
  switch (layer.kind) {
    case 'conv':
      return { kernel: pair(layer.kernel, 1), stride: pair(layer.stride, 1), padding: pair(layer.padding, 0) };
    case 'maxpool':
    case 'avgpool':
    case 'subsample':
      return { kernel: pair(layer.size, 1), stride: pair(layer.stride ?? layer.size, 1), padding: [0, 0] };
    default:
      return null;
  }
}

function windowOutput(op: string, h: number, w: number, { kernel: k, stride: s, padding: p }: Window): [number, number] {
  if (k.some((v) => !Number.isInteger(v) || v < 1) || s.some((v) => !Number.isInteger(v) || v < 1) || p.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new ShapeError(op, `invalid window: kernel ${formatShape(k)}, stride ${formatShape(s)}, padding ${formatShape(p)}`);
  }
  const oh = convOutputSize(h, k[0], s[0], p[0]);
  const ow = convOutputSize(w, k[1], s[1], p[1]);
  if (oh < 1 || ow < 1) {
    throw new ShapeError(op, `kernel ${formatShape(k)} with padding ${formatShape(p)} does not fit a ${h}x${w} input`);
  }
  return [oh, ow];
}

export function validateConnections(op: string, connections: readonly (readonly number[])[], filters: number, inChannels: number): void {
  if (connections.length !== filters) {
    throw new ShapeError(op, `connection table has ${connections.length} rows for ${filters} filters`);
  }
  connections.forEach((row, o) => {
    if (row.length === 0) throw new ShapeError(op, `filter ${o} reads no input channel`);
    const seen = new Set<number>();
    for (const c of row) {
      if (!Number.isInteger(c) || c < 0 || c >= inChannels) {
        throw new ShapeError(op, `filter ${o} reads channel ${c}, but the input has ${inChannels} channels`);
      }
      if (seen.has(c)) throw new ShapeError(op, `filter ${o} lists channel ${c} twice`);
      seen.add(c);
    }
  });
}

function paramTensor(layer: string, suffix: string, shape: number[], decays: boolean, trainable?: number): ParamTensorInfo {
  const size = shape.reduce((a, b) => a * b, 1);
  return { name: `${layer}.${suffix}`, suffix, shape, size, trainable: trainable ?? size, decays };
}

/** The layer arithmetic without the receptive field (which depends on the layers before). */
type Core = Omit<LayerInfo, 'name' | 'kind' | 'inputShape' | 'kernel' | 'stride' | 'padding' | 'params' | 'receptiveField'>;

function kindArithmetic(layer: LayerSpec, op: string, inputShape: readonly number[], window: Window | null): Core {
  const features = inputShape.reduce((a, b) => a * b, 1);
  switch (layer.kind) {
    case 'conv': {
      const [c, h, w] = spatial(op, inputShape);
      const [oh, ow] = windowOutput(op, h, w, window!);
      const [kh, kw] = window!.kernel;
      if (!Number.isInteger(layer.filters) || layer.filters < 1) throw new ShapeError(op, `invalid filter count ${layer.filters}`);
      let connected = layer.filters * c;
      if (layer.connections) {
        validateConnections(op, layer.connections, layer.filters, c);
        connected = layer.connections.reduce((s, row) => s + row.length, 0);
      }
      const weights = connected * kh * kw;
      return {
        role: 'windowed',
        outputShape: [layer.filters, oh, ow],
        tensors: [paramTensor(layer.name, 'weight', [layer.filters, c, kh, kw], true, weights), paramTensor(layer.name, 'bias', [layer.filters], false)],
        weights: { main: `${layer.name}.weight`, bias: `${layer.name}.bias`, layout: 'kernels' },
        macs: weights * oh * ow,
        activation: layer.activation ?? null,
        connections: layer.connections ? layer.connections.map((row) => [...row]) : null,
      };
    }
    case 'maxpool':
    case 'avgpool':
    case 'subsample': {
      const [c, h, w] = spatial(op, inputShape);
      const [oh, ow] = windowOutput(op, h, w, window!);
      const [kh, kw] = window!.kernel;
      const trained = layer.kind === 'subsample';
      return {
        role: 'windowed',
        outputShape: [c, oh, ow],
        tensors: trained ? [paramTensor(layer.name, 'coef', [c], false), paramTensor(layer.name, 'bias', [c], false)] : [],
        weights: trained ? { main: `${layer.name}.coef`, bias: `${layer.name}.bias`, layout: 'per-map' } : null,
        macs: layer.kind === 'maxpool' ? 0 : c * oh * ow * kh * kw,
        activation: layer.kind === 'subsample' ? (layer.activation ?? null) : null,
        connections: null,
      };
    }
    case 'dense': {
      if (!Number.isInteger(layer.units) || layer.units < 1) throw new ShapeError(op, `invalid unit count ${layer.units}`);
      return {
        role: 'fully-connected',
        outputShape: [layer.units],
        tensors: [paramTensor(layer.name, 'weight', [layer.units, features], true), paramTensor(layer.name, 'bias', [layer.units], false)],
        weights: { main: `${layer.name}.weight`, bias: `${layer.name}.bias`, layout: 'matrix' },
        macs: features * layer.units,
        activation: layer.activation ?? null,
        connections: null,
      };
    }
    case 'activation':
      return { role: 'pointwise', outputShape: [...inputShape], tensors: [], weights: null, macs: 0, activation: layer.fn, connections: null };
    case 'flatten':
      return { role: 'pointwise', outputShape: [features], tensors: [], weights: null, macs: 0, activation: null, connections: null };
    case 'rbf': {
      if (layer.centres.length < 1) throw new ShapeError(op, 'needs at least one centre');
      layer.centres.forEach((c, i) => {
        if (c.length !== features) throw new ShapeError(op, `centre ${i} has ${c.length} values for an input of ${features} features ${formatShape(inputShape)}`);
      });
      return { role: 'distance', outputShape: [layer.centres.length], tensors: [], weights: null, macs: features * layer.centres.length, activation: null, connections: null };
    }
  }
}

/** The receptive field of the network input's own pixels. */
export function inputField(): ReceptiveField {
  return { size: [1, 1], jump: [1, 1], start: [0, 0] };
}

/**
 * The receptive-field recurrence: a window of k units spaced `jump` apart widens the field by
 * (k-1)*jump, padding moves its start back by padding*jump, and the stride multiplies the spacing.
 * Once a layer's output is not C x H x W maps (flatten, dense, rbf) its units see the whole input
 * (`whole`, the network input's H x W), and so does every layer after it (a field with jump 0).
 */
export function nextReceptiveField(field: ReceptiveField, window: Pick<LayerInfo, 'kernel' | 'stride' | 'padding' | 'outputShape'>, whole: HW): ReceptiveField {
  const flattened = field.jump[0] === 0 && field.jump[1] === 0;
  if (flattened || window.outputShape.length !== 3) return { size: [...whole], jump: [0, 0], start: [0, 0] };
  const { kernel: k, stride: s, padding: p } = window;
  if (!k || !s || !p) return { size: [...field.size], jump: [...field.jump], start: [...field.start] };
  return {
    size: [field.size[0] + (k[0] - 1) * field.jump[0], field.size[1] + (k[1] - 1) * field.jump[1]],
    jump: [field.jump[0] * s[0], field.jump[1] * s[1]],
    start: [field.start[0] - p[0] * field.jump[0], field.start[1] - p[1] * field.jump[1]],
  };
}

export interface FieldContext {
  /** The receptive field of the layer's input units (default: the input is the network input). */
  readonly field: ReceptiveField;
  /** The network input's H x W, the field of a flattened layer. */
  readonly whole: HW;
}

/** Describes one layer given its input shape (and, inside a network, the field of its input units). */
export function layerInfo(layer: LayerSpec, inputShape: readonly number[], context?: FieldContext): LayerInfo {
  const op = `${layer.kind} ${layer.name}`;
  const window = resolveWindow(layer);
  const core = kindArithmetic(layer, op, inputShape, window);
  const geometry = {
    kernel: window ? [...window.kernel] as HW : null,
    stride: window ? [...window.stride] as HW : null,
    padding: window ? [...window.padding] as HW : null,
  };
  const whole: HW = context?.whole ?? (inputShape.length === 3 ? [inputShape[1], inputShape[2]] : [1, 1]);
  return {
    name: layer.name,
    kind: layer.kind,
    role: core.role,
    inputShape: [...inputShape],
    outputShape: core.outputShape,
    ...geometry,
    params: core.tensors.reduce((s, t) => s + t.trainable, 0),
    tensors: core.tensors,
    weights: core.weights,
    macs: core.macs,
    activation: core.activation,
    connections: core.connections,
    receptiveField: nextReceptiveField(context?.field ?? inputField(), { ...geometry, outputShape: core.outputShape }, whole),
  };
}

/** Describes and checks every layer; throws a ShapeError naming the first layer that does not fit. */
export function networkInfo(spec: NetworkSpec): LayerInfo[] {
  const names = new Set<string>();
  let shape: readonly number[] = [spec.input.channels, spec.input.height, spec.input.width];
  let field = inputField();
  const whole: HW = [spec.input.height, spec.input.width];
  const infos: LayerInfo[] = [];
  for (const layer of spec.layers) {
    if (names.has(layer.name)) throw new ShapeError('network', `two layers are named ${layer.name}`);
    names.add(layer.name);
    const info = layerInfo(layer, shape, { field, whole });
    infos.push(info);
    shape = info.outputShape;
    field = info.receptiveField;
  }
  return infos;
}

/** Every parameter tensor of a network, in the order of the flat parameter array. */
export function parameterTensors(infos: readonly LayerInfo[]): ParamTensorInfo[] {
  return infos.flatMap((l) => l.tensors);
}

export function totalParams(infos: readonly LayerInfo[]): number {
  return infos.reduce((s, l) => s + l.params, 0);
}

export function totalMacs(infos: readonly LayerInfo[]): number {
  return infos.reduce((s, l) => s + l.macs, 0);
}

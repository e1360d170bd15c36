import { formatShape, ShapeError } from './tensor.ts';
import { pair, type LayerSpec, type NetworkSpec } from './spec.ts';

/**
 * Layer arithmetic for any configuration: output shape, trainable parameters and multiply-accumulates
 * for one input image. Max pooling counts no MACs (it only compares); summing pools count one
 * accumulate per window element; activations count none.
 */
export interface LayerInfo {
  readonly name: string;
  readonly kind: LayerSpec['kind'];
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly params: number;
  readonly macs: number;
  readonly activation: string | null;
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

function windowOutput(op: string, h: number, w: number, k: [number, number], s: [number, number], p: [number, number]): [number, number] {
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

export function layerInfo(layer: LayerSpec, inputShape: readonly number[]): LayerInfo {
  const op = `${layer.kind} ${layer.name}`;
  const base = { name: layer.name, kind: layer.kind, inputShape: [...inputShape] };
  switch (layer.kind) {
    case 'conv': {
      const [c, h, w] = spatial(op, inputShape);
      const k = pair(layer.kernel, 1);
      const [oh, ow] = windowOutput(op, h, w, k, pair(layer.stride, 1), pair(layer.padding, 0));
      if (!Number.isInteger(layer.filters) || layer.filters < 1) throw new ShapeError(op, `invalid filter count ${layer.filters}`);
      let connected = layer.filters * c;
      if (layer.connections) {
        validateConnections(op, layer.connections, layer.filters, c);
        connected = layer.connections.reduce((s, row) => s + row.length, 0);
      }
      const weights = connected * k[0] * k[1];
      return { ...base, outputShape: [layer.filters, oh, ow], params: weights + layer.filters, macs: weights * oh * ow, activation: layer.activation ?? null };
    }
    case 'maxpool':
    case 'avgpool':
    case 'subsample': {
      const [c, h, w] = spatial(op, inputShape);
      const k = pair(layer.size, 1);
      const [oh, ow] = windowOutput(op, h, w, k, pair(layer.stride ?? layer.size, 1), [0, 0]);
      const macs = layer.kind === 'maxpool' ? 0 : c * oh * ow * k[0] * k[1];
      const params = layer.kind === 'subsample' ? 2 * c : 0;
      const activation = layer.kind === 'subsample' ? (layer.activation ?? null) : null;
      return { ...base, outputShape: [c, oh, ow], params, macs, activation };
    }
    case 'dense': {
      const n = inputShape.reduce((a, b) => a * b, 1);
      if (!Number.isInteger(layer.units) || layer.units < 1) throw new ShapeError(op, `invalid unit count ${layer.units}`);
      return { ...base, outputShape: [layer.units], params: n * layer.units + layer.units, macs: n * layer.units, activation: layer.activation ?? null };
    }
    case 'activation':
      return { ...base, outputShape: [...inputShape], params: 0, macs: 0, activation: layer.fn };
    case 'flatten':
      return { ...base, outputShape: [inputShape.reduce((a, b) => a * b, 1)], params: 0, macs: 0, activation: null };
    case 'rbf': {
      const n = inputShape.reduce((a, b) => a * b, 1);
      if (layer.centres.length < 1) throw new ShapeError(op, 'needs at least one centre');
      layer.centres.forEach((c, i) => {
        if (c.length !== n) throw new ShapeError(op, `centre ${i} has ${c.length} values for an input of ${n} features ${formatShape(inputShape)}`);
      });
      return { ...base, outputShape: [layer.centres.length], params: 0, macs: n * layer.centres.length, activation: null };
    }
  }
}

/** Infers and checks every layer's shapes; throws a ShapeError naming the first layer that does not fit. */
export function networkInfo(spec: NetworkSpec): LayerInfo[] {
  const names = new Set<string>();
  let shape: readonly number[] = [spec.input.channels, spec.input.height, spec.input.width];
  const infos: LayerInfo[] = [];
  for (const layer of spec.layers) {
    if (names.has(layer.name)) throw new ShapeError('network', `two layers are named ${layer.name}`);
    names.add(layer.name);
    const info = layerInfo(layer, shape);
    infos.push(info);
    shape = info.outputShape;
  }
  return infos;
}

export function totalParams(infos: readonly LayerInfo[]): number {
  return infos.reduce((s, l) => s + l.params, 0);
}

export function totalMacs(infos: readonly LayerInfo[]): number {
  return infos.reduce((s, l) => s + l.macs, 0);
}

import { ShapeError } from '../engine/tensor.ts';
import { activateOne, type LabActivation } from './activation.ts';

/**
 * The worked sum of one output unit, written out term by term: what a student checks by hand. The same
 * shape serves the lab's small matrices and a unit of a real layer of the shipped models.
 */

/** C x H x W maps, row-major. */
export interface Maps {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly data: Float32Array;
}

/** Rows top .. top+height-1 and columns left .. left+width-1 of the input; may reach past its border (padding). */
export interface UnitWindow {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

/** One input map's share: its window's values, the kernel, their products and the partial sum. */
export interface TermGroup {
  readonly channel: number;
  /** The window's values, row-major (zero where the window lies in the padding). */
  readonly inputs: Float32Array;
  /** The kernel, the dense weights, or an RBF unit's centre. */
  readonly weights: Float32Array | null;
  /** input × weight, or for an RBF unit (input − centre)². */
  readonly products: Float32Array | null;
  readonly partial: number;
}

export type WorkedOp = 'conv' | 'maxpool' | 'avgpool' | 'subsample' | 'dense' | 'rbf';

export interface WorkedSum {
  readonly op: WorkedOp;
  readonly map: number;
  readonly row: number;
  readonly col: number;
  /** The shape of what the unit reads: [C, H, W] maps, or [features]. */
  readonly inputShape: number[];
  readonly window: UnitWindow | null;
  readonly groups: TermGroup[];
  /** Max pooling: the index (in the window, row-major) of the value that won; else null. */
  readonly chosen: number | null;
  /** The partial sums added up (max pooling: the largest value; an RBF unit: the squared distance). */
  readonly sum: number;
  /** Subsampling: the trainable coefficient the window sum is multiplied by. */
  readonly coef: number | null;
  readonly bias: number | null;
  /** What goes into the activation. */
  readonly preActivation: number;
  /** null: no activation, the value is the pre-activation. */
  readonly activation: LabActivation | null;
  readonly slope: number | null;
  readonly value: number;
  /** f'(preActivation), when there is an activation. */
  readonly derivative: number | null;
}

export interface ActivationStep {
  readonly fn: LabActivation | null;
  readonly slope?: number;
}

function finish(pre: number, step: ActivationStep): Pick<WorkedSum, 'activation' | 'slope' | 'value' | 'derivative' | 'preActivation'> {
  if (!step.fn || step.fn === 'identity') return { preActivation: pre, activation: step.fn ?? null, slope: null, value: pre, derivative: step.fn ? 1 : null };
  const { value, derivative } = activateOne({ fn: step.fn, slope: step.slope }, pre);
  return { preActivation: pre, activation: step.fn, slope: step.fn === 'leaky-relu' ? (step.slope ?? 0.01) : null, value, derivative };
}

function checkUnit(op: string, map: number, row: number, col: number, shape: readonly [number, number, number]): void {
  const [c, h, w] = shape;
  if (!Number.isInteger(map) || map < 0 || map >= c || !Number.isInteger(row) || row < 0 || row >= h || !Number.isInteger(col) || col < 0 || col >= w) {
    throw new ShapeError(op, `unit (map ${map}, row ${row}, column ${col}) is outside the output of ${c} maps of ${h}x${w}`);
  }
}

/** Reads the window of map `channel` at (top, left), zero outside the map (the padding). */
function windowOf(x: Maps, channel: number, top: number, left: number, kh: number, kw: number): Float32Array {
  const out = new Float32Array(kh * kw);
  const base = channel * x.height * x.width;
  for (let i = 0; i < kh; i++) {
    const iy = top + i;
    if (iy < 0 || iy >= x.height) continue;
    for (let j = 0; j < kw; j++) {
      const ix = left + j;
      if (ix >= 0 && ix < x.width) out[i * kw + j] = x.data[base + iy * x.width + ix];
    }
  }
  return out;
}

function dot(inputs: Float32Array, weights: Float32Array): { products: Float32Array; partial: number } {
  const products = new Float32Array(inputs.length);
  let partial = 0;
  for (let i = 0; i < inputs.length; i++) {
    const p = inputs[i] * weights[i];
    products[i] = p;
    partial += p;
  }
  return { products, partial };
}

export interface ConvUnitArgs {
  readonly input: Maps;
  /** [outMaps, input.channels, kh, kw]. */
  readonly weights: Float32Array;
  readonly outMaps: number;
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly bias: Float32Array | null;
  /** The input maps each output map reads; null = all. */
  readonly connections: readonly (readonly number[])[] | null;
  readonly activation: ActivationStep;
  readonly outShape: readonly [number, number];
}

/** One unit of a convolution: every connected input map's window times its kernel, summed, plus the bias. */
export function convUnitSum(a: ConvUnitArgs, map: number, row: number, col: number): WorkedSum {
  checkUnit('conv worked sum', map, row, col, [a.outMaps, a.outShape[0], a.outShape[1]]);
  const [kh, kw] = a.kernel;
  const top = row * a.stride[0] - a.padding[0];
  const left = col * a.stride[1] - a.padding[1];
  const reads = a.connections?.[map] ?? Array.from({ length: a.input.channels }, (_, c) => c);
  const size = kh * kw;
  const groups = reads.map((c): TermGroup => {
    const inputs = windowOf(a.input, c, top, left, kh, kw);
    const off = (map * a.input.channels + c) * size;
    const weights = a.weights.slice(off, off + size);
    return { channel: c, inputs, weights, ...dot(inputs, weights) };
  });
  const sum = groups.reduce((s, g) => s + g.partial, 0);
  const bias = a.bias ? a.bias[map] : null;
  return {
    op: 'conv', map, row, col,
    inputShape: [a.input.channels, a.input.height, a.input.width],
    window: { top, left, height: kh, width: kw },
    groups, chosen: null, sum, coef: null, bias,
    ...finish(sum + (bias ?? 0), a.activation),
  };
}

export interface PoolUnitArgs {
  readonly input: Maps;
  readonly op: 'maxpool' | 'avgpool' | 'subsample';
  readonly size: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly outShape: readonly [number, number];
  /** Subsampling's per-map coefficient and bias. */
  readonly coef?: Float32Array;
  readonly bias?: Float32Array;
  readonly activation: ActivationStep;
}

/** One unit of pooling or subsampling: its window, and the largest value, the average, or coef·sum + bias. */
export function poolUnitSum(a: PoolUnitArgs, map: number, row: number, col: number): WorkedSum {
  checkUnit(`${a.op} worked sum`, map, row, col, [a.input.channels, a.outShape[0], a.outShape[1]]);
  const [kh, kw] = a.size;
  const top = row * a.stride[0];
  const left = col * a.stride[1];
  const inputs = windowOf(a.input, map, top, left, kh, kw);
  let chosen: number | null = null;
  let sum = 0;
  if (a.op === 'maxpool') {
    // the first largest value wins, as in the engine's forward pass
    chosen = 0;
    for (let i = 1; i < inputs.length; i++) if (inputs[i] > inputs[chosen]) chosen = i;
    sum = inputs[chosen];
  } else {
    for (const v of inputs) sum += v;
  }
  const coef = a.op === 'subsample' ? (a.coef?.[map] ?? 1) : null;
  const bias = a.op === 'subsample' ? (a.bias?.[map] ?? 0) : null;
  const pre = a.op === 'maxpool' ? sum : a.op === 'avgpool' ? sum / inputs.length : coef! * sum + bias!;
  return {
    op: a.op, map, row, col,
    inputShape: [a.input.channels, a.input.height, a.input.width],
    window: { top, left, height: kh, width: kw },
    groups: [{ channel: map, inputs, weights: null, products: null, partial: sum }],
    chosen, sum, coef, bias,
    ...finish(pre, a.activation),
  };
}

/** One unit of a fully connected layer: every input times its weight, plus the bias. */
export function denseUnitSum(input: Float32Array, weights: Float32Array, bias: Float32Array, unit: number, activation: ActivationStep): WorkedSum {
  const n = input.length;
  const units = bias.length;
  if (!Number.isInteger(unit) || unit < 0 || unit >= units) throw new ShapeError('dense worked sum', `unit ${unit} is outside the layer's ${units} units`);
  const w = weights.slice(unit * n, (unit + 1) * n);
  const inputs = Float32Array.from(input);
  const { products, partial } = dot(inputs, w);
  return {
    op: 'dense', map: unit, row: 0, col: 0,
    inputShape: [n], window: null,
    groups: [{ channel: 0, inputs, weights: w, products, partial }],
    chosen: null, sum: partial, coef: null, bias: bias[unit],
    ...finish(partial + bias[unit], activation),
  };
}

/**
 * One Euclidean RBF output unit: the squared distance of the input vector from the unit's fixed centre
 * (the classic model's code bitmap of one digit, entries ±1), term by term; no bias, no activation.
 */
export function rbfUnitSum(input: Float32Array, centres: readonly (readonly number[])[], unit: number): WorkedSum {
  if (!Number.isInteger(unit) || unit < 0 || unit >= centres.length) throw new ShapeError('rbf worked sum', `unit ${unit} is outside the layer's ${centres.length} units`);
  const n = input.length;
  const centre = Float32Array.from(centres[unit]);
  if (centre.length !== n) throw new ShapeError('rbf worked sum', `centre ${unit} has ${centre.length} values for ${n} inputs`);
  const inputs = Float32Array.from(input);
  const products = new Float32Array(n);
  let distance = 0;
  for (let i = 0; i < n; i++) {
    const d = inputs[i] - centre[i];
    products[i] = d * d;
    distance += products[i];
  }
  return {
    op: 'rbf', map: unit, row: 0, col: 0,
    inputShape: [n], window: null,
    groups: [{ channel: 0, inputs, weights: centre, products, partial: distance }],
    chosen: null, sum: distance, coef: null, bias: null,
    ...finish(distance, { fn: null }),
  };
}

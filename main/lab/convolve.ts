import { conv2d } from '../engine/ops/conv2d.ts';
import { avgPool, maxPool } from '../engine/ops/pool.ts';
import { ShapeError, tensor } from '../engine/tensor.ts';
import { activate, activationCurve, type ActivationChoice } from './activation.ts';
import { axisFormula, type AxisFormula } from './formula.ts';
import { convUnitSum, poolUnitSum, type Maps, type WorkedSum } from './unit-sum.ts';

type HW = readonly [number, number];

export interface PoolChoice {
  readonly kind: 'max' | 'avg';
  readonly size: HW;
  readonly stride: HW;
}

export interface UnitRef {
  readonly map: number;
  readonly row: number;
  readonly col: number;
}

export interface LabConvolveArgs {
  readonly input: Maps;
  /** [outMaps, input.channels, kh, kw]. */
  readonly kernels: { readonly outMaps: number; readonly height: number; readonly width: number; readonly data: Float32Array };
  /** One per output map. */
  readonly bias: Float32Array;
  readonly stride: HW;
  readonly padding: HW;
  readonly activation: ActivationChoice;
  readonly pool: PoolChoice | null;
  /** A unit of the convolution's output to work out (moved inside the output if it lies past it). */
  readonly unit: UnitRef | null;
  /** A unit of the pooled output to work out. */
  readonly poolUnit: UnitRef | null;
}

export interface LabConvolveResult {
  /** conv + bias, before the activation. */
  readonly conv: Maps;
  /** After the activation (the same numbers for identity). */
  readonly activated: Maps;
  readonly pooled: Maps | null;
  readonly formula: { readonly height: AxisFormula; readonly width: AxisFormula };
  readonly poolFormula: { readonly height: AxisFormula; readonly width: AxisFormula } | null;
  /** (kh·kw·c_in + 1)·c_out. */
  readonly params: number;
  /** kh·kw·c_in·c_out·out_h·out_w. */
  readonly macs: number;
  readonly worked: WorkedSum | null;
  readonly poolWorked: WorkedSum | null;
  /** The activation over a range that covers every pre-activation of the output. */
  readonly curve: { readonly x: Float32Array; readonly y: Float32Array; readonly dy: Float32Array };
}

function maps(channels: number, height: number, width: number, data: Float32Array): Maps {
  return { channels, height, width, data };
}

/**
 * The lab's whole pipeline on small matrices or the drawing: the engine's convolution, the activation,
 * then optional pooling (the order of the modern LeNet-5), with the output-size formula's terms, the
 * parameter and multiply-accumulate counts and the worked sum of the units asked for.
 */
export function labConvolve(a: LabConvolveArgs): LabConvolveResult {
  const { input, kernels } = a;
  if (input.data.length !== input.channels * input.height * input.width) {
    throw new ShapeError('labConvolve', `input holds ${input.data.length} values, ${input.channels} maps of ${input.height}x${input.width} need ${input.channels * input.height * input.width}`);
  }
  const kSize = kernels.outMaps * input.channels * kernels.height * kernels.width;
  if (kernels.data.length !== kSize) {
    throw new ShapeError('labConvolve', `kernels hold ${kernels.data.length} values, ${kernels.outMaps} output maps of ${input.channels} kernels of ${kernels.height}x${kernels.width} need ${kSize}`);
  }
  if (a.bias.length !== kernels.outMaps) throw new ShapeError('labConvolve', `${a.bias.length} biases for ${kernels.outMaps} output maps`);
  const height = axisFormula(input.height, kernels.height, a.padding[0], a.stride[0]);
  const width = axisFormula(input.width, kernels.width, a.padding[1], a.stride[1]);
  if (height.out < 1 || width.out < 1) {
    throw new ShapeError('labConvolve', `a ${kernels.height}x${kernels.width} kernel with padding ${a.padding[0]}x${a.padding[1]} does not fit a ${input.height}x${input.width} input`);
  }
  const x = tensor([1, input.channels, input.height, input.width], input.data);
  const w = tensor([kernels.outMaps, input.channels, kernels.height, kernels.width], kernels.data);
  const z = conv2d(x, w, tensor([kernels.outMaps], a.bias), { stride: [a.stride[0], a.stride[1]], padding: [a.padding[0], a.padding[1]] });
  const [oh, ow] = [height.out, width.out];
  const { value } = activate(a.activation, z.data);
  const activated = maps(kernels.outMaps, oh, ow, value);

  let pooled: Maps | null = null;
  let poolFormula: LabConvolveResult['poolFormula'] = null;
  if (a.pool) {
    const ph = axisFormula(oh, a.pool.size[0], 0, a.pool.stride[0]);
    const pw = axisFormula(ow, a.pool.size[1], 0, a.pool.stride[1]);
    if (ph.out < 1 || pw.out < 1) throw new ShapeError('labConvolve', `a ${a.pool.size[0]}x${a.pool.size[1]} pooling window does not fit the ${oh}x${ow} output`);
    const t = tensor([1, kernels.outMaps, oh, ow], value);
    const size: [number, number] = [a.pool.size[0], a.pool.size[1]];
    const stride: [number, number] = [a.pool.stride[0], a.pool.stride[1]];
    const y = a.pool.kind === 'max' ? maxPool(t, size, stride).y : avgPool(t, size, stride);
    pooled = maps(kernels.outMaps, ph.out, pw.out, y.data);
    poolFormula = { height: ph, width: pw };
  }

  // a unit asked for before the output shrank (a larger stride, less padding) moves inside it
  const inside = (u: UnitRef, c: number, h: number, w: number): UnitRef => ({ map: Math.min(u.map, c - 1), row: Math.min(u.row, h - 1), col: Math.min(u.col, w - 1) });
  const unit = a.unit ? inside(a.unit, kernels.outMaps, oh, ow) : null;
  const poolUnit = a.poolUnit && pooled ? inside(a.poolUnit, pooled.channels, pooled.height, pooled.width) : null;
  const worked = unit
    ? convUnitSum({
        input, weights: kernels.data, outMaps: kernels.outMaps, kernel: [kernels.height, kernels.width],
        stride: a.stride, padding: a.padding, bias: a.bias, connections: null,
        activation: { fn: a.activation.fn, slope: a.activation.slope }, outShape: [oh, ow],
      }, unit.map, unit.row, unit.col)
    : null;
  const poolWorked = a.pool && poolUnit && pooled
    ? poolUnitSum({ input: activated, op: a.pool.kind === 'max' ? 'maxpool' : 'avgpool', size: a.pool.size, stride: a.pool.stride, outShape: [pooled.height, pooled.width], activation: { fn: null } }, poolUnit.map, poolUnit.row, poolUnit.col)
    : null;

  let largest = 0;
  for (const v of z.data) largest = Math.max(largest, Math.abs(v));
  const range = Math.max(4, Math.min(1e4, Math.ceil(largest * 1.1)));
  const perOutput = kernels.height * kernels.width * input.channels;
  return {
    conv: maps(kernels.outMaps, oh, ow, z.data),
    activated,
    pooled,
    formula: { height, width },
    poolFormula,
    params: (perOutput + 1) * kernels.outMaps,
    macs: perOutput * kernels.outMaps * oh * ow,
    worked,
    poolWorked,
    curve: activationCurve(a.activation, range),
  };
}

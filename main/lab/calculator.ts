import { layerInfo, networkInfo } from '../engine/arithmetic.ts';
import { ARCHITECTURES } from '../engine/lenet5.ts';
import type { LayerSpec } from '../engine/spec.ts';
import { ShapeError } from '../engine/tensor.ts';
import { axisFormula, type AxisFormula } from './formula.ts';

type HW = [number, number];

/** A layer of the calculator: what a person types in, or a preset's layer. */
export type CalcLayer =
  | { readonly kind: 'conv'; readonly name: string; readonly filters: number; readonly kernel: HW; readonly stride: HW; readonly padding: HW; readonly connections?: number[][] }
  | { readonly kind: 'maxpool' | 'avgpool' | 'subsample'; readonly name: string; readonly size: HW; readonly stride: HW }
  | { readonly kind: 'dense' | 'rbf'; readonly name: string; readonly units: number };

export interface CalcChain {
  /** [channels, height, width]. */
  readonly input: [number, number, number];
  readonly layers: readonly CalcLayer[];
}

export interface CalcRow {
  readonly name: string;
  readonly kind: CalcLayer['kind'];
  readonly inputShape: number[];
  readonly outputShape: number[];
  readonly neurons: number;
  readonly params: number;
  readonly macs: number;
  /** The output-size formula's terms per axis, for windowed layers. */
  readonly formula: { readonly height: AxisFormula; readonly width: AxisFormula } | null;
}

export interface CalcResult {
  readonly chain: CalcChain;
  readonly rows: CalcRow[];
  readonly totalParams: number;
  readonly totalMacs: number;
  readonly totalNeurons: number;
}

export const CALC_PRESETS = ['lenet5-modern', 'lenet5-classic', 'alexnet-conv1', 'bottleneck-direct', 'bottleneck-1x1'] as const;
export type CalcPreset = (typeof CALC_PRESETS)[number];

/** A LeNet-5 as the calculator's chain, read from the engine's own layer description. */
function fromArchitecture(arch: keyof typeof ARCHITECTURES): CalcChain {
  const spec = ARCHITECTURES[arch];
  const layers: CalcLayer[] = [];
  for (const info of networkInfo(spec)) {
    if (info.kind === 'conv') {
      layers.push({ kind: 'conv', name: info.name, filters: info.outputShape[0], kernel: [...info.kernel!], stride: [...info.stride!], padding: [...info.padding!], ...(info.connections ? { connections: info.connections.map((r) => [...r]) } : {}) });
    } else if (info.kind === 'maxpool' || info.kind === 'avgpool' || info.kind === 'subsample') {
      layers.push({ kind: info.kind, name: info.name, size: [...info.kernel!], stride: [...info.stride!] });
    } else if (info.kind === 'dense' || info.kind === 'rbf') {
      layers.push({ kind: info.kind, name: info.name, units: info.outputShape[0] });
    }
  }
  return { input: [spec.input.channels, spec.input.height, spec.input.width], layers };
}

export function presetChain(preset: CalcPreset): CalcChain {
  switch (preset) {
    case 'lenet5-modern':
      return fromArchitecture('modern');
    case 'lenet5-classic':
      return fromArchitecture('classic');
    case 'alexnet-conv1':
      return { input: [3, 227, 227], layers: [{ kind: 'conv', name: 'conv1', filters: 96, kernel: [11, 11], stride: [4, 4], padding: [0, 0] }] };
    case 'bottleneck-direct':
      return { input: [192, 28, 28], layers: [{ kind: 'conv', name: 'conv5x5', filters: 32, kernel: [5, 5], stride: [1, 1], padding: [2, 2] }] };
    case 'bottleneck-1x1':
      return {
        input: [192, 28, 28],
        layers: [
          { kind: 'conv', name: 'conv1x1', filters: 16, kernel: [1, 1], stride: [1, 1], padding: [0, 0] },
          { kind: 'conv', name: 'conv5x5', filters: 32, kernel: [5, 5], stride: [1, 1], padding: [2, 2] },
        ],
      };
  }
}

/** The calculator builds an RBF layer's (zero) centres to count them: a bound on their size. */
const MAX_RBF_ENTRIES = 4_000_000;

function engineLayer(layer: CalcLayer, features: number): LayerSpec {
  switch (layer.kind) {
    case 'conv':
      return { kind: 'conv', name: layer.name, filters: layer.filters, kernel: layer.kernel, stride: layer.stride, padding: layer.padding, ...(layer.connections ? { connections: layer.connections } : {}) };
    case 'maxpool':
    case 'avgpool':
    case 'subsample':
      return { kind: layer.kind, name: layer.name, size: layer.size, stride: layer.stride };
    case 'dense':
      return { kind: 'dense', name: layer.name, units: layer.units };
    case 'rbf':
      if (layer.units * features > MAX_RBF_ENTRIES) throw new ShapeError(`rbf ${layer.name}`, `${layer.units} centres of ${features} values are more than the calculator builds`);
      // fixed centres hold no parameters; only their count and length matter to the arithmetic
      return { kind: 'rbf', name: layer.name, centres: Array.from({ length: layer.units }, () => new Array<number>(features).fill(0)) };
  }
}

/** Shapes, neurons, parameters and multiply-accumulates of every layer of a chain: the engine's own arithmetic. */
export function calculate(chain: CalcChain): CalcResult {
  let shape: readonly number[] = chain.input;
  const rows: CalcRow[] = [];
  for (const layer of chain.layers) {
    const features = shape.reduce((a, b) => a * b, 1);
    const info = layerInfo(engineLayer(layer, features), shape);
    const windowed = info.kernel && info.stride && info.padding && shape.length === 3;
    rows.push({
      name: info.name,
      kind: layer.kind,
      inputShape: [...shape],
      outputShape: [...info.outputShape],
      neurons: info.outputShape.reduce((a, b) => a * b, 1),
      params: info.params,
      macs: info.macs,
      formula: windowed
        ? { height: axisFormula(shape[1], info.kernel![0], info.padding![0], info.stride![0]), width: axisFormula(shape[2], info.kernel![1], info.padding![1], info.stride![1]) }
        : null,
    });
    shape = info.outputShape;
  }
  return {
    chain,
    rows,
    totalParams: rows.reduce((s, r) => s + r.params, 0),
    totalMacs: rows.reduce((s, r) => s + r.macs, 0),
    totalNeurons: rows.reduce((s, r) => s + r.neurons, 0),
  };
}

import { networkInfo, totalMacs, totalParams, type LayerInfo as EngineLayerInfo } from '../engine/arithmetic.ts';
import { RBF_BITMAP_HEIGHT, RBF_BITMAP_WIDTH } from '../engine/lenet5.ts';
import type { NetworkSpec } from '../engine/spec.ts';
import type { Arch, CardFacts, LayerInfo, ModelInfo } from '../api/contract.ts';
import { ApiError } from '../api/contract.ts';

export function archOf(spec: NetworkSpec): Arch {
  if (spec.arch === 'modern' || spec.arch === 'classic') return spec.arch;
  throw new ApiError('unavailable', `architecture ${JSON.stringify(spec.arch)} is not one the app can show (modern, classic)`);
}

/** A layer as the views get it: the engine's own description, copied into the contract's shape. */
export function layerOf(info: EngineLayerInfo): LayerInfo {
  const hw = (v: readonly [number, number] | null): [number, number] | null => (v ? [v[0], v[1]] : null);
  return {
    name: info.name,
    kind: info.kind,
    role: info.role,
    inputShape: [...info.inputShape],
    outputShape: [...info.outputShape],
    params: info.params,
    tensors: info.tensors.map((t) => ({ name: t.name, shape: [...t.shape], trainable: t.trainable })),
    macs: info.macs,
    activation: info.activation,
    kernel: hw(info.kernel),
    stride: hw(info.stride),
    padding: hw(info.padding),
    connections: info.connections ? info.connections.map((row) => [...row]) : null,
    receptiveField: { size: [...info.receptiveField.size], jump: [...info.receptiveField.jump], start: [...info.receptiveField.start] },
    hasWeights: info.weights !== null,
    weights: info.weights ? { ...info.weights } : null,
  };
}

/** Everything the layer panels show about a model, from the engine's own layer description. */
export function describeModel(id: string, spec: NetworkSpec, facts: CardFacts, card: Record<string, unknown>): ModelInfo {
  const infos = networkInfo(spec);
  const layers = infos.map(layerOf);
  const output = spec.layers[spec.layers.length - 1];
  const info: ModelInfo = {
    id,
    arch: archOf(spec),
    title: facts.title,
    head: spec.head,
    inputShape: [spec.input.channels, spec.input.height, spec.input.width],
    layers,
    totalParams: totalParams(infos),
    totalMacs: totalMacs(infos),
    facts,
    card,
  };
  if (output?.kind === 'rbf' && output.centres.every((c) => c.length === RBF_BITMAP_WIDTH * RBF_BITMAP_HEIGHT)) {
    info.rbfBitmaps = { width: RBF_BITMAP_WIDTH, height: RBF_BITMAP_HEIGHT, data: output.centres.map((c) => [...c]) };
  }
  return info;
}

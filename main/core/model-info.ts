import { networkInfo, totalMacs, totalParams } from '../engine/arithmetic.ts';
import { RBF_BITMAP_HEIGHT, RBF_BITMAP_WIDTH } from '../engine/lenet5.ts';
import type { NetworkSpec } from '../engine/spec.ts';
import type { Arch, CardFacts, LayerInfo, ModelInfo } from '../api/contract.ts';
import { ApiError } from '../api/contract.ts';
import { receptiveFields, windowOf } from './receptive-field.ts';

export function archOf(spec: NetworkSpec): Arch {
  if (spec.arch === 'modern' || spec.arch === 'classic') return spec.arch;
  throw new ApiError('unavailable', `architecture ${JSON.stringify(spec.arch)} is not one the app can show (modern, classic)`);
}

/** Layers whose parameters layerKernels can return. */
export function hasWeights(kind: LayerInfo['kind']): boolean {
  return kind === 'conv' || kind === 'subsample' || kind === 'dense';
}

/** Everything the layer panels show about a model, from the engine's own layer arithmetic. */
export function describeModel(id: string, spec: NetworkSpec, facts: CardFacts, card: Record<string, unknown>): ModelInfo {
  const infos = networkInfo(spec);
  const fields = receptiveFields(spec);
  const layers: LayerInfo[] = infos.map((info, i) => {
    const layer = spec.layers[i];
    const window = windowOf(layer);
    const described: LayerInfo = {
      name: info.name,
      kind: info.kind,
      inputShape: [...info.inputShape],
      outputShape: [...info.outputShape],
      params: info.params,
      macs: info.macs,
      activation: info.activation,
      receptiveField: fields[i],
      hasWeights: hasWeights(info.kind),
    };
    if (window !== null && window !== 'whole') {
      described.kernel = window.kernel;
      described.stride = window.stride;
      described.padding = window.padding;
    }
    if (layer.kind === 'conv' && layer.connections) described.connections = layer.connections.map((row) => [...row]);
    return described;
  });
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

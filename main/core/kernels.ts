import { networkInfo } from '../engine/arithmetic.ts';
import type { NetworkSpec } from '../engine/spec.ts';
import type { Weights } from '../engine/weights.ts';
import { ApiError, failure, type LayerKernels } from '../api/contract.ts';

/** A layer's trained parameters as the kernel viewer shows them, read from the model's weights file. */
export function layerKernels(modelId: string, spec: NetworkSpec, weights: Weights, layerName: string): LayerKernels {
  const infos = networkInfo(spec);
  const layer = infos.find((l) => l.name === layerName);
  if (!layer) {
    throw failure('model.noLayer', { id: modelId, layer: layerName });
  }
  if (!layer.weights) {
    throw failure('model.layerNoWeights', { id: modelId, layer: layerName, kind: layer.kind });
  }
  const main = weights.get(layer.weights.main);
  const bias = weights.get(layer.weights.bias);
  if (!main || !bias) throw new ApiError('unavailable', `the weights file of model ${modelId} lacks the parameters of layer ${layerName}`);
  const result: LayerKernels = {
    modelId,
    layer: layerName,
    kind: layer.kind,
    layout: layer.weights.layout,
    shape: [...main.shape],
    data: Float32Array.from(main.data),
    bias: Float32Array.from(bias.data),
  };
  if (layer.connections) result.connections = layer.connections.map((row) => [...row]);
  return result;
}

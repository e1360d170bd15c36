import { buildNetwork, type Network } from '../engine/index.ts';
import type { Activation, LayerSpec, NetworkSpec } from '../engine/spec.ts';
import type { Weights } from '../engine/weights.ts';

/**
 * Every layer's value before its activation function: a convolution's or dense layer's weighted sum
 * plus bias, classic subsampling's coefficient times the window sum plus bias. The engine fuses the
 * activation into its layers (ONNX's graph outputs are after it), so the network is rebuilt with each
 * activation split off into a layer of its own: the same weights (tensors are named after their
 * layer), the same ops, and the value between the two is the pre-activation.
 */
export interface PreActivationNetwork {
  readonly network: Network;
  /** For each layer of the original spec: its index in the split network's layers (its pre-activation). */
  readonly preIndex: readonly number[];
  readonly names: readonly string[];
}

/** The layer kinds that carry an activation of their own. */
function activationOf(layer: LayerSpec): Activation | null {
  if (layer.kind === 'conv' || layer.kind === 'dense' || layer.kind === 'subsample') return layer.activation && layer.activation !== 'identity' ? layer.activation : null;
  return null;
}

/** The spec with every fused activation made a separate layer (named `<layer>.activation`). */
export function splitActivations(spec: NetworkSpec): { spec: NetworkSpec; preIndex: number[] } {
  const layers: LayerSpec[] = [];
  const preIndex: number[] = [];
  for (const layer of spec.layers) {
    const fn = activationOf(layer);
    if (fn === null) {
      preIndex.push(layers.length);
      layers.push(layer);
      continue;
    }
    preIndex.push(layers.length);
    layers.push({ ...layer, activation: 'identity' } as LayerSpec);
    layers.push({ kind: 'activation', name: `${layer.name}.activation`, fn });
  }
  return { spec: { ...spec, layers }, preIndex };
}

export function preActivationNetwork(spec: NetworkSpec, weights: Weights): PreActivationNetwork {
  const split = splitActivations(spec);
  const network = buildNetwork(split.spec, { seed: 0 });
  network.setWeights(weights);
  return { network, preIndex: split.preIndex, names: spec.layers.map((l) => l.name) };
}

export interface LayerValues {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** One input's pre-activation values of every layer (a layer without an activation: its output). */
export function preActivations(pre: PreActivationNetwork, input: Float32Array): LayerValues[] {
  const { activations } = pre.network.forward(input, 1);
  return pre.names.map((name, i) => {
    const a = activations[pre.preIndex[i]];
    return { name, shape: a.shape, data: a.data };
  });
}

import { networkInfo } from '../engine/arithmetic.ts';
import { Network } from '../engine/network.ts';
import type { NetworkSpec } from '../engine/spec.ts';
import { ShapeError } from '../engine/tensor.ts';
import type { Weights } from '../engine/weights.ts';
import { convUnitSum, denseUnitSum, poolUnitSum, rbfUnitSum, type Maps, type WorkedSum } from './unit-sum.ts';

export interface NetworkUnit {
  readonly layer: string;
  readonly map: number;
  readonly row: number;
  readonly col: number;
}

export interface NetworkWorkedSum {
  readonly layer: string;
  /** The layer the unit reads, or null for the network input. */
  readonly from: string | null;
  readonly worked: WorkedSum;
  /** For a unit of the output layer: the class probability the prediction shows, from every unit's score. */
  readonly probability: OutputProbability | null;
}

export interface OutputProbability {
  /** logits = logitScale × scores: 1 for a dense output, −rbfScale for RBF distances (the nearest wins). */
  readonly logitScale: number;
  /** Every output unit's score: the logits, or the RBF distances. */
  readonly scores: Float32Array;
  /** softmax(logitScale × scores) of this unit, as the engine computes the prediction. */
  readonly value: number;
}

/** An engine network holding a model's weights, to rerun a layer's inputs for worked sums. */
export function engineNetwork(spec: NetworkSpec, weights: Weights): Network {
  const network = new Network(spec, { seed: 0 });
  network.setWeights(weights);
  return network;
}

function tensorOf(weights: Weights, name: string): Float32Array {
  const t = weights.get(name);
  if (!t) throw new ShapeError('worked sum', `the weights lack ${name}`);
  return t.data;
}

/**
 * The worked sum of one unit of a real layer: the engine reruns the network on the input to get what
 * the layer reads, then the unit's arithmetic is written out with the layer's own weights, geometry,
 * connection table and activation (from the engine's layer description).
 */
export function networkWorkedSum(network: Network, weights: Weights, input: Float32Array, unit: NetworkUnit): NetworkWorkedSum {
  const infos = networkInfo(network.spec);
  const index = infos.findIndex((l) => l.name === unit.layer);
  if (index < 0) throw new ShapeError('worked sum', `no layer ${unit.layer} (layers: ${infos.map((l) => l.name).join(', ')})`);
  const info = infos[index];
  const { activations, scores, probabilities } = network.forward(input, 1);
  const x = index === 0 ? input : activations[index - 1].data;
  const shape = info.inputShape;
  const asMaps = (): Maps => {
    if (shape.length !== 3) throw new ShapeError('worked sum', `layer ${info.name} reads ${shape.length}-d values, not maps`);
    return { channels: shape[0], height: shape[1], width: shape[2], data: x };
  };
  const out = info.outputShape;
  const step = { fn: info.activation };
  let worked: WorkedSum;
  switch (info.kind) {
    case 'conv':
      worked = convUnitSum({
        input: asMaps(), weights: tensorOf(weights, `${info.name}.weight`), outMaps: out[0], kernel: info.kernel!, stride: info.stride!, padding: info.padding!,
        bias: tensorOf(weights, `${info.name}.bias`), connections: info.connections, activation: step, outShape: [out[1], out[2]],
      }, unit.map, unit.row, unit.col);
      break;
    case 'maxpool':
    case 'avgpool':
    case 'subsample':
      worked = poolUnitSum({
        input: asMaps(), op: info.kind, size: info.kernel!, stride: info.stride!, outShape: [out[1], out[2]], activation: step,
        ...(info.kind === 'subsample' ? { coef: tensorOf(weights, `${info.name}.coef`), bias: tensorOf(weights, `${info.name}.bias`) } : {}),
      }, unit.map, unit.row, unit.col);
      break;
    case 'dense':
      worked = denseUnitSum(x, tensorOf(weights, `${info.name}.weight`), tensorOf(weights, `${info.name}.bias`), unit.map, step);
      break;
    case 'rbf': {
      const layer = network.spec.layers[index];
      if (layer.kind !== 'rbf') throw new ShapeError('worked sum', `layer ${info.name} is described as rbf but specified as ${layer.kind}`);
      worked = rbfUnitSum(x, layer.centres, unit.map);
      break;
    }
    default:
      throw new ShapeError('worked sum', `layer ${info.name} is a ${info.kind} layer; worked sums are written for convolutions, pooling, subsampling, dense and RBF layers`);
  }
  const last = index === infos.length - 1;
  const probability = last ? { logitScale: network.logitScale, scores: scores.slice(), value: probabilities[unit.map] } : null;
  return { layer: info.name, from: index === 0 ? null : infos[index - 1].name, worked, probability };
}

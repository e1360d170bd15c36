import { buildNetwork, imageAsFloats, imageToNetworkInput, type ImageDataset, type Network, type NetworkSpec, type Weights } from '../engine/index.ts';

/**
 * An anchor toward the base model's weights w0, added to each batch's gradient while fine-tuning:
 * penalty = strength * sum_i f_i (w_i - w0_i)^2, gradient 2 * strength * f_i (w_i - w0_i).
 * L2-SP (Li et al. 2018) weighs every parameter alike (f_i = 1); EWC (Kirkpatrick et al. 2017) weighs
 * each by the diagonal Fisher information of the base model on MNIST digits, so the parameters MNIST
 * depends on most are held hardest. The Fisher weights are scaled to a mean of 1 over the trained
 * parameters, so one strength means about the same pull for both.
 */
export interface Anchor {
  /** w0 in the network's flat parameter layout. */
  readonly base: Float32Array;
  /** f_i per parameter (0 where a parameter is not trained). */
  readonly weight: Float32Array;
  readonly strength: number;
}

/** grads += 2 * strength * f * (params - w0), in place. */
export function addAnchorGradient(anchor: Anchor, params: Float32Array, grads: Float32Array): void {
  const { base, weight, strength } = anchor;
  const k = 2 * strength;
  for (let i = 0; i < grads.length; i++) {
    const f = weight[i];
    if (f !== 0) grads[i] += k * f * (params[i] - base[i]);
  }
}

/** The penalty itself (for tests and reports): strength * sum f (w - w0)^2. */
export function anchorPenalty(anchor: Anchor, params: Float32Array): number {
  let s = 0;
  for (let i = 0; i < params.length; i++) {
    const d = params[i] - anchor.base[i];
    s += anchor.weight[i] * d * d;
  }
  return anchor.strength * s;
}

/** A network holding `weights`, and which of its flat parameters belong to `layers` (null = all). */
function flatLayout(spec: NetworkSpec, weights: Weights, layers: readonly string[] | null): { net: Network; trained: Uint8Array } {
  const net = buildNetwork(spec);
  net.setWeights(weights);
  const trained = new Uint8Array(net.paramData.length);
  for (const p of net.params) if (!layers || layers.includes(p.layer)) trained.fill(1, p.offset, p.offset + p.size);
  return { net, trained };
}

export function l2spAnchor(spec: NetworkSpec, weights: Weights, layers: readonly string[] | null, strength: number): Anchor {
  const { net, trained } = flatLayout(spec, weights, layers);
  return { base: net.paramData.slice(), weight: Float32Array.from(trained), strength };
}

/**
 * The empirical diagonal Fisher information of the base model: the mean over `digits` of each
 * parameter's squared gradient of -log p(label | image), one digit at a time.
 */
export function fisherDiagonal(net: Network, digits: ImageDataset): Float64Array {
  const img = new Float32Array(digits.width * digits.height);
  const input = new Float32Array(net.inputSize);
  const label = new Uint8Array(1);
  const fisher = new Float64Array(net.paramData.length);
  for (let k = 0; k < digits.count; k++) {
    imageAsFloats(digits, k, img);
    imageToNetworkInput(net.spec, img, digits.width, digits.height, input, 0);
    label[0] = digits.labels[k];
    net.gradData.fill(0);
    net.accumulateGradients(input, label, 0, 1, 1);
    for (let i = 0; i < fisher.length; i++) fisher[i] += net.gradData[i] * net.gradData[i];
  }
  net.gradData.fill(0);
  for (let i = 0; i < fisher.length; i++) fisher[i] /= Math.max(1, digits.count);
  return fisher;
}

export function ewcAnchor(spec: NetworkSpec, weights: Weights, layers: readonly string[] | null, strength: number, digits: ImageDataset): Anchor {
  const { net, trained } = flatLayout(spec, weights, layers);
  const base = net.paramData.slice();
  const fisher = fisherDiagonal(net, digits);
  let sum = 0, n = 0;
  for (let i = 0; i < fisher.length; i++) if (trained[i]) { sum += fisher[i]; n++; }
  const mean = sum / Math.max(1, n);
  const weight = new Float32Array(fisher.length);
  if (mean > 0) for (let i = 0; i < fisher.length; i++) if (trained[i]) weight[i] = fisher[i] / mean;
  return { base, weight, strength };
}

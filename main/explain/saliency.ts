import { imageToNetworkInput, networkInputGradientToImage, type Network } from '../engine/index.ts';
import { checkTarget, logitMargin, logitSeed, type ExplainTarget } from './target.ts';

/** Attributions over the side x side [0, 1] image the ink pipeline made (the image the person sees). */
export interface GradientAttribution {
  /** d(logit margin)/d(pixel): saliency, signed (its magnitude is the classic saliency map). */
  readonly gradient: Float32Array;
  /** gradient x pixel: each pixel's first-order share of the margin relative to a blank image. */
  readonly gradientTimesInput: Float32Array;
  /** The explained logit margin at this image. */
  readonly score: number;
}

/** Images (side x side each) as one batch of the network's input. */
export function networkBatch(net: Network, images: Float32Array, side: number, batch: number): Float32Array {
  const n = side * side;
  const out = new Float32Array(batch * net.inputSize);
  for (let b = 0; b < batch; b++) imageToNetworkInput(net.spec, images.subarray(b * n, (b + 1) * n), side, side, out, b * net.inputSize);
  return out;
}

/** Input gradients of the margin for a batch of images, in image coordinates (batch x side x side). */
export function imageGradients(net: Network, images: Float32Array, side: number, batch: number, t: ExplainTarget): { gradients: Float32Array; scores: Float32Array } {
  checkTarget(t, net.classes);
  const input = networkBatch(net, images, side, batch);
  const g = net.inputGradientInto(input, batch, logitSeed(net.classes, net.logitScale, t, batch), new Float32Array(batch * net.inputSize));
  const scores = net.lastScores(batch).slice();
  const n = side * side;
  const gradients = new Float32Array(batch * n);
  for (let b = 0; b < batch; b++) networkInputGradientToImage(net.spec, g, b * net.inputSize, side, side, gradients.subarray(b * n, (b + 1) * n));
  return { gradients, scores };
}

/** Saliency and gradient x input of one image (Simonyan et al. 2014; Shrikumar et al. 2016). */
export function saliency(net: Network, image: Float32Array, side: number, t: ExplainTarget): GradientAttribution {
  const { gradients, scores } = imageGradients(net, image, side, 1, t);
  const gradientTimesInput = new Float32Array(gradients.length);
  for (let i = 0; i < gradients.length; i++) gradientTimesInput[i] = gradients[i] * image[i];
  return { gradient: gradients, gradientTimesInput, score: logitMargin(scores, 0, net.logitScale, t) };
}

import type { Network } from '../engine/index.ts';
import { imageGradients } from './saliency.ts';
import { logitMargin, type ExplainTarget } from './target.ts';

export interface IntegratedGradients {
  /** Per pixel: pixel x the mean gradient along the straight path from a blank image. */
  readonly attribution: Float32Array;
  readonly steps: number;
  /** Sum of the attribution; completeness says it approaches `expected` as steps grow. */
  readonly sum: number;
  /** margin(image) - margin(blank image). */
  readonly expected: number;
}

/**
 * Integrated gradients (Sundararajan et al. 2017) from the blank image (no ink), with the midpoint rule
 * over `steps` points, all of them one batch through the engine's backward pass.
 */
export function integratedGradients(net: Network, image: Float32Array, side: number, t: ExplainTarget, steps = 16): IntegratedGradients {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`integrated gradients: steps must be a positive integer, got ${steps}`);
  const n = side * side;
  // the path's points, then the two ends (whose gradients are not used) for the completeness check
  const batch = steps + 2;
  const images = new Float32Array(batch * n);
  for (let k = 0; k < steps; k++) {
    const alpha = (k + 0.5) / steps;
    for (let i = 0; i < n; i++) images[k * n + i] = alpha * image[i];
  }
  images.set(image.subarray(0, n), steps * n);
  const { gradients, scores } = imageGradients(net, images, side, batch, t);
  const attribution = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let g = 0;
    for (let k = 0; k < steps; k++) g += gradients[k * n + i];
    attribution[i] = (image[i] * g) / steps;
    sum += attribution[i];
  }
  const c = net.classes;
  const expected = logitMargin(scores, steps * c, net.logitScale, t) - logitMargin(scores, (steps + 1) * c, net.logitScale, t);
  return { attribution, steps, sum, expected };
}

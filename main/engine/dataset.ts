import { CLASSIC_BACKGROUND, CLASSIC_INK } from './lenet5.ts';
import type { NetworkSpec } from './spec.ts';

/**
 * A labelled set of grey images as bytes (0 = background, 255 = ink), MNIST's own representation:
 * compact enough to share between worker threads and to ship as a replay set.
 */
export interface ImageDataset {
  readonly count: number;
  readonly width: number;
  readonly height: number;
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
}

export function checkDataset(d: ImageDataset): void {
  const n = d.width * d.height;
  if (d.images.length !== d.count * n) throw new Error(`dataset: ${d.images.length} pixel bytes for ${d.count} images of ${d.width}x${d.height}`);
  if (d.labels.length !== d.count) throw new Error(`dataset: ${d.labels.length} labels for ${d.count} images`);
}

/** Image i as floats in [0, 1]. */
export function imageAsFloats(d: ImageDataset, i: number, out: Float32Array): void {
  const n = d.width * d.height;
  const off = i * n;
  for (let j = 0; j < n; j++) out[j] = d.images[off + j] / 255;
}

/**
 * Writes one [0, 1] image (ink = 1) as a network's input: as it is when the sizes match (modern), or
 * centred in the larger field and mapped to the classic -0.1 (background) .. 1.175 (ink) range.
 */
export function imageToNetworkInput(spec: NetworkSpec, img: Float32Array, w: number, h: number, out: Float32Array, outOffset: number): void {
  const { height: H, width: W } = spec.input;
  if (spec.arch !== 'classic' && H === h && W === w) {
    out.set(img.subarray(0, w * h), outOffset);
    return;
  }
  const classic = spec.arch === 'classic';
  const lo = classic ? CLASSIC_BACKGROUND : 0;
  const span = classic ? CLASSIC_INK - CLASSIC_BACKGROUND : 1;
  const top = Math.floor((H - h) / 2), left = Math.floor((W - w) / 2);
  if (top < 0 || left < 0) throw new Error(`input: a ${w}x${h} image does not fit the network's ${W}x${H} input`);
  out.fill(lo, outOffset, outOffset + W * H);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) out[outOffset + (y + top) * W + x + left] = lo + span * img[y * w + x];
  }
}

/**
 * The adjoint of imageToNetworkInput: turns a gradient with respect to the network's input into the
 * gradient with respect to the w x h [0, 1] image it was made from (the border the classic field adds
 * is constant and gets none; the -0.1..1.175 mapping scales every pixel's gradient by its span).
 */
export function networkInputGradientToImage(spec: NetworkSpec, grad: Float32Array, gradOffset: number, w: number, h: number, out: Float32Array): void {
  const { height: H, width: W } = spec.input;
  if (spec.arch !== 'classic' && H === h && W === w) {
    out.set(grad.subarray(gradOffset, gradOffset + w * h));
    return;
  }
  const span = spec.arch === 'classic' ? CLASSIC_INK - CLASSIC_BACKGROUND : 1;
  const top = Math.floor((H - h) / 2), left = Math.floor((W - w) / 2);
  if (top < 0 || left < 0) throw new Error(`input: a ${w}x${h} image does not fit the network's ${W}x${H} input`);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) out[y * w + x] = span * grad[gradOffset + (y + top) * W + x + left];
  }
}

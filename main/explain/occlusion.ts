import { probabilityMargin, type ExplainTarget } from './target.ts';

/** Probabilities (batch x classes) of a batch of side x side images, through the app's predict path. */
export type ClassifyImages = (images: Float32Array, batch: number) => Promise<Float32Array>;

export interface OcclusionOptions {
  /** Side of the square patch, in image pixels. */
  readonly patch: number;
  readonly stride: number;
}

export const DEFAULT_OCCLUSION: OcclusionOptions = { patch: 6, stride: 2 };

export interface Occlusion {
  readonly patch: number;
  readonly stride: number;
  /** Patch positions per side: the patch's top-left corners are 0, stride, 2 stride... */
  readonly positions: number;
  /** The watched probability (margin) of the image as it is. */
  readonly base: number;
  /** Per patch position (positions x positions): base minus the margin with that patch blanked. */
  readonly drops: Float32Array;
  /** Per pixel (side x side): the mean drop over the patches that cover it (Zeiler & Fergus 2014). */
  readonly map: Float32Array;
}

/** Corner positions along one side so that the patches reach the far edge. */
function corners(side: number, patch: number, stride: number): number[] {
  const last = side - patch;
  const out: number[] = [];
  for (let c = 0; c <= last; c += stride) out.push(c);
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}

/**
 * Occlusion sensitivity: the image with each patch set to the background (0, no ink), all positions
 * in one batch behind the image itself, classified by `classify`.
 */
export async function occlusion(image: Float32Array, side: number, t: ExplainTarget, classify: ClassifyImages, options: OcclusionOptions = DEFAULT_OCCLUSION): Promise<Occlusion> {
  const { patch, stride } = options;
  if (!Number.isInteger(patch) || patch < 1 || patch > side) throw new RangeError(`occlusion: patch ${patch} must be 1..${side}`);
  if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`occlusion: stride ${stride} must be a positive integer`);
  const at = corners(side, patch, stride);
  const count = at.length * at.length;
  const n = side * side;
  const images = new Float32Array((count + 1) * n);
  images.set(image.subarray(0, n), 0);
  let k = 1;
  for (const top of at) {
    for (const left of at) {
      const img = images.subarray(k * n, (k + 1) * n);
      img.set(image.subarray(0, n));
      for (let y = top; y < top + patch; y++) img.fill(0, y * side + left, y * side + left + patch);
      k++;
    }
  }
  const p = await classify(images, count + 1);
  const classes = p.length / (count + 1);
  const base = probabilityMargin(p, 0, t);
  const drops = new Float32Array(count);
  const sum = new Float32Array(n);
  const covered = new Float32Array(n);
  k = 0;
  for (const top of at) {
    for (const left of at) {
      const drop = base - probabilityMargin(p, (k + 1) * classes, t);
      drops[k++] = drop;
      for (let y = top; y < top + patch; y++) {
        for (let x = left; x < left + patch; x++) {
          sum[y * side + x] += drop;
          covered[y * side + x]++;
        }
      }
    }
  }
  const map = new Float32Array(n);
  for (let i = 0; i < n; i++) map[i] = covered[i] > 0 ? sum[i] / covered[i] : 0;
  return { patch, stride, positions: at.length, base, drops, map };
}

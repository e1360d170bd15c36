import type { Rng } from './rng.ts';

/**
 * On-the-fly distortions of a grey image (ink = 1), as in LeCun 1998 and Simard 2003: a random affine
 * map (rotation, scale, aspect, shear, shift), optional elastic displacement, and stroke thickness
 * changes (grey dilation or erosion). Every draw comes from the caller's seeded Rng.
 */
export interface AugmentConfig {
  /** Maximum rotation either way, degrees. */
  readonly rotationDeg: number;
  /** Range of the overall scale factor. */
  readonly scale: readonly [number, number];
  /** Maximum |log| of the width/height ratio change. */
  readonly aspect: number;
  /** Maximum horizontal shear (x += shear * y). */
  readonly shear: number;
  /** Maximum shift either way, pixels. */
  readonly shift: number;
  /** Probability of a thickness change, half thicker and half thinner. */
  readonly thicknessProbability: number;
  /** Probability of an elastic distortion, its strength (pixels) and smoothness (sigma, pixels). */
  readonly elasticProbability: number;
  readonly elasticAlpha: number;
  readonly elasticSigma: number;
}

export const DEFAULT_AUGMENT: AugmentConfig = {
  rotationDeg: 10,
  scale: [0.87, 1.1],
  aspect: 0.12,
  shear: 0.2,
  shift: 2,
  thicknessProbability: 0.3,
  elasticProbability: 0.2,
  elasticAlpha: 1.5,
  elasticSigma: 3,
};

/** Reusable buffers for one image size. */
export class AugmentScratch {
  readonly a: Float32Array;
  readonly b: Float32Array;
  readonly dx: Float32Array;
  readonly dy: Float32Array;
  readonly tmp: Float32Array;
  constructor(readonly width: number, readonly height: number) {
    const n = width * height;
    this.a = new Float32Array(n);
    this.b = new Float32Array(n);
    this.dx = new Float32Array(n);
    this.dy = new Float32Array(n);
    this.tmp = new Float32Array(n);
  }
}

/** Grey morphology with a 3x3 cross, blended: t > 0 thickens (towards the dilation), t < 0 thins. */
export function changeThickness(src: Float32Array, w: number, h: number, t: number, out: Float32Array): void {
  const grow = t > 0;
  const f = Math.abs(t);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      // the cross's neighbours in a fixed order (left, right, up, down), outside the image 0
      const l = x > 0 ? src[i - 1] : 0, r = x < w - 1 ? src[i + 1] : 0;
      const u = y > 0 ? src[i - w] : 0, d = y < h - 1 ? src[i + w] : 0;
      const v = grow
        ? Math.max(Math.max(Math.max(Math.max(src[i], l), r), u), d)
        : Math.min(Math.min(Math.min(Math.min(src[i], l), r), u), d);
      out[i] = src[i] + f * (v - src[i]);
    }
  }
}

function gaussianSmoothInPlace(field: Float32Array, w: number, h: number, sigma: number, tmp: Float32Array): void {
  const r = Math.max(1, Math.ceil(2.5 * sigma));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += (k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma)));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  // each row (then column) copied once with its edge values repeated r times either side: the same
  // sums in the same order as clamping every tap's index, without the clamping
  const pad = new Float32Array(Math.max(w, h) + 2 * r);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let j = 0; j < w + 2 * r; j++) pad[j] = field[row + Math.min(w - 1, Math.max(0, j - r))];
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = 0; i <= 2 * r; i++) s += k[i] * pad[x + i];
      tmp[row + x] = s;
    }
  }
  for (let x = 0; x < w; x++) {
    for (let j = 0; j < h + 2 * r; j++) pad[j] = tmp[Math.min(h - 1, Math.max(0, j - r)) * w + x];
    for (let y = 0; y < h; y++) {
      let s = 0;
      for (let i = 0; i <= 2 * r; i++) s += k[i] * pad[y + i];
      field[y * w + x] = s;
    }
  }
}

/** Bilinear sample with zero outside the image. */
function sample(src: Float32Array, w: number, h: number, x: number, y: number): number {
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const fx = x - x0, fy = y - y0;
  let v = 0;
  if (y0 >= 0 && y0 < h) {
    if (x0 >= 0 && x0 < w) v += (1 - fx) * (1 - fy) * src[y0 * w + x0];
    if (x0 + 1 >= 0 && x0 + 1 < w) v += fx * (1 - fy) * src[y0 * w + x0 + 1];
  }
  if (y0 + 1 >= 0 && y0 + 1 < h) {
    if (x0 >= 0 && x0 < w) v += (1 - fx) * fy * src[(y0 + 1) * w + x0];
    if (x0 + 1 >= 0 && x0 + 1 < w) v += fx * fy * src[(y0 + 1) * w + x0 + 1];
  }
  return v;
}

/** Writes a randomly distorted copy of src (w x h, values in [0, 1]) into out. */
export function augmentInto(src: Float32Array, w: number, h: number, cfg: AugmentConfig, rng: Rng, out: Float32Array, s: AugmentScratch): void {
  let img = src;
  if (rng.next() < cfg.thicknessProbability) {
    const thicker = rng.next() < 0.5;
    changeThickness(img, w, h, thicker ? rng.uniform(0.3, 0.9) : -rng.uniform(0.2, 0.5), s.a);
    img = s.a;
  }
  const angle = (rng.uniform(-cfg.rotationDeg, cfg.rotationDeg) * Math.PI) / 180;
  const scale = rng.uniform(cfg.scale[0], cfg.scale[1]);
  const aspect = Math.exp(rng.uniform(-cfg.aspect, cfg.aspect));
  const shear = rng.uniform(-cfg.shear, cfg.shear);
  const tx = rng.uniform(-cfg.shift, cfg.shift);
  const ty = rng.uniform(-cfg.shift, cfg.shift);
  // forward map M = R * Sh * S (about the centre); we need its inverse to pull source pixels
  const sx = scale * Math.sqrt(aspect), sy = scale / Math.sqrt(aspect);
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const m00 = cos * sx, m01 = cos * shear * sy - sin * sy;
  const m10 = sin * sx, m11 = sin * shear * sy + cos * sy;
  const det = m00 * m11 - m01 * m10;
  const i00 = m11 / det, i01 = -m01 / det, i10 = -m10 / det, i11 = m00 / det;
  const cx = (w - 1) / 2, cy = (h - 1) / 2;
  const elastic = rng.next() < cfg.elasticProbability;
  if (elastic) {
    for (let i = 0; i < w * h; i++) {
      s.dx[i] = rng.uniform(-1, 1);
      s.dy[i] = rng.uniform(-1, 1);
    }
    gaussianSmoothInPlace(s.dx, w, h, cfg.elasticSigma, s.tmp);
    gaussianSmoothInPlace(s.dy, w, h, cfg.elasticSigma, s.tmp);
    // normalise so alpha is the typical displacement in pixels whatever sigma is
    let rms = 0;
    for (let i = 0; i < w * h; i++) rms += s.dx[i] * s.dx[i] + s.dy[i] * s.dy[i];
    const k = cfg.elasticAlpha / Math.sqrt(rms / (w * h) + 1e-12);
    for (let i = 0; i < w * h; i++) {
      s.dx[i] *= k;
      s.dy[i] *= k;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let px = x - cx - tx, py = y - cy - ty;
      if (elastic) {
        px += s.dx[y * w + x];
        py += s.dy[y * w + x];
      }
      const srcX = i00 * px + i01 * py + cx;
      const srcY = i10 * px + i11 * py + cy;
      const x0 = Math.floor(srcX), y0 = Math.floor(srcY);
      let v: number;
      if (x0 >= 0 && x0 + 1 < w && y0 >= 0 && y0 + 1 < h) {
        // all four neighbours inside: sample()'s sum without its bounds checks, in its order
        const fx = srcX - x0, fy = srcY - y0;
        const at = y0 * w + x0;
        v = (1 - fx) * (1 - fy) * img[at] + fx * (1 - fy) * img[at + 1] + (1 - fx) * fy * img[at + w] + fx * fy * img[at + w + 1];
      } else {
        v = sample(img, w, h, srcX, srcY);
      }
      out[y * w + x] = v > 1 ? 1 : v;
    }
  }
}

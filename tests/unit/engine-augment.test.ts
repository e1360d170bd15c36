import { describe, expect, it } from 'vitest';
import { augmentInto, AugmentScratch, DEFAULT_AUGMENT, Rng, type AugmentConfig } from '../../main/engine/index.ts';

/**
 * The distortions' fast paths (edge-padded smoothing, bilinear sampling without bounds checks inside
 * the image) against the plain loops they replace, written here with every index clamped or checked:
 * they must give the very same floats, since training results depend on them bit for bit.
 */
function referenceAugment(src: Float32Array, w: number, h: number, cfg: AugmentConfig, rng: Rng, out: Float32Array): void {
  const a = new Float32Array(w * h), dx = new Float32Array(w * h), dy = new Float32Array(w * h), tmp = new Float32Array(w * h);
  let img = src;
  if (rng.next() < cfg.thicknessProbability) {
    const t = rng.next() < 0.5 ? rng.uniform(0.3, 0.9) : -rng.uniform(0.2, 0.5);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        let v = src[i];
        for (const u of [x > 0 ? src[i - 1] : 0, x < w - 1 ? src[i + 1] : 0, y > 0 ? src[i - w] : 0, y < h - 1 ? src[i + w] : 0]) v = t > 0 ? Math.max(v, u) : Math.min(v, u);
        a[i] = src[i] + Math.abs(t) * (v - src[i]);
      }
    }
    img = a;
  }
  const angle = (rng.uniform(-cfg.rotationDeg, cfg.rotationDeg) * Math.PI) / 180;
  const scale = rng.uniform(cfg.scale[0], cfg.scale[1]);
  const aspect = Math.exp(rng.uniform(-cfg.aspect, cfg.aspect));
  const shear = rng.uniform(-cfg.shear, cfg.shear);
  const tx = rng.uniform(-cfg.shift, cfg.shift), ty = rng.uniform(-cfg.shift, cfg.shift);
  const sx = scale * Math.sqrt(aspect), sy = scale / Math.sqrt(aspect);
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const m00 = cos * sx, m01 = cos * shear * sy - sin * sy, m10 = sin * sx, m11 = sin * shear * sy + cos * sy;
  const det = m00 * m11 - m01 * m10;
  const cx = (w - 1) / 2, cy = (h - 1) / 2;
  const elastic = rng.next() < cfg.elasticProbability;
  const smooth = (f: Float32Array) => {
    const r = Math.max(1, Math.ceil(2.5 * cfg.elasticSigma));
    const k = new Float32Array(2 * r + 1);
    let sum = 0;
    for (let i = -r; i <= r; i++) sum += (k[i + r] = Math.exp(-(i * i) / (2 * cfg.elasticSigma ** 2)));
    for (let i = 0; i < k.length; i++) k[i] /= sum;
    const clamp = (v: number, n: number) => Math.min(n - 1, Math.max(0, v));
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { let s = 0; for (let i = -r; i <= r; i++) s += k[i + r] * f[y * w + clamp(x + i, w)]; tmp[y * w + x] = s; }
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { let s = 0; for (let i = -r; i <= r; i++) s += k[i + r] * tmp[clamp(y + i, h) * w + x]; f[y * w + x] = s; }
  };
  if (elastic) {
    for (let i = 0; i < w * h; i++) { dx[i] = rng.uniform(-1, 1); dy[i] = rng.uniform(-1, 1); }
    smooth(dx);
    smooth(dy);
    let rms = 0;
    for (let i = 0; i < w * h; i++) rms += dx[i] * dx[i] + dy[i] * dy[i];
    const k = cfg.elasticAlpha / Math.sqrt(rms / (w * h) + 1e-12);
    for (let i = 0; i < w * h; i++) { dx[i] *= k; dy[i] *= k; }
  }
  const at = (x: number, y: number) => (x >= 0 && x < w && y >= 0 && y < h ? img[y * w + x] : 0);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let px = x - cx - tx, py = y - cy - ty;
      if (elastic) { px += dx[y * w + x]; py += dy[y * w + x]; }
      const X = (m11 / det) * px + (-m01 / det) * py + cx, Y = (-m10 / det) * px + (m00 / det) * py + cy;
      const x0 = Math.floor(X), y0 = Math.floor(Y), fx = X - x0, fy = Y - y0;
      // the terms in the order of the engine's sample(), the ones outside the image skipped
      let v = 0;
      if (y0 >= 0 && y0 < h) { if (x0 >= 0 && x0 < w) v += (1 - fx) * (1 - fy) * at(x0, y0); if (x0 + 1 >= 0 && x0 + 1 < w) v += fx * (1 - fy) * at(x0 + 1, y0); }
      if (y0 + 1 >= 0 && y0 + 1 < h) { if (x0 >= 0 && x0 < w) v += (1 - fx) * fy * at(x0, y0 + 1); if (x0 + 1 >= 0 && x0 + 1 < w) v += fx * fy * at(x0 + 1, y0 + 1); }
      out[y * w + x] = v > 1 ? 1 : v;
    }
  }
}

describe('augmentation fast paths', () => {
  const cases: [string, AugmentConfig, number, number][] = [
    ['the default distortions, 28x28', DEFAULT_AUGMENT, 28, 28],
    ['always thicker or thinner and elastic, 28x28', { ...DEFAULT_AUGMENT, thicknessProbability: 1, elasticProbability: 1 }, 28, 28],
    ['large shifts that sample outside the image, 20x13', { ...DEFAULT_AUGMENT, shift: 9, elasticProbability: 1, elasticSigma: 1 }, 20, 13],
    ['a field narrower than the smoothing kernel, 5x9', { ...DEFAULT_AUGMENT, elasticProbability: 1, elasticSigma: 3 }, 5, 9],
  ];
  for (const [name, cfg, w, h] of cases) {
    it(`${name}: the same floats as the plain loops`, () => {
      const scratch = new AugmentScratch(w, h);
      const got = new Float32Array(w * h), want = new Float32Array(w * h);
      for (let seed = 0; seed < 60; seed++) {
        const gen = new Rng(seed, 99);
        const src = Float32Array.from({ length: w * h }, () => (gen.next() < 0.4 ? gen.next() : 0));
        augmentInto(src, w, h, cfg, new Rng(seed), got, scratch);
        referenceAugment(src, w, h, cfg, new Rng(seed), want);
        expect(Array.from(got)).toEqual(Array.from(want));
      }
    });
  }
});

/** A grey image, row-major, values in [0, 1] with ink = 1. */
export interface InkImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/**
 * A stroke ready to draw: n points as x,y pairs in the target image's pixel units (pixel (col, row)
 * covers [col, col + 1) x [row, row + 1)), and the pen's radius at each point, in pixels.
 */
export interface PenPath {
  readonly xy: Float64Array;
  readonly radius: Float64Array;
}

/**
 * Draws pen paths as round-capped, round-joined segments (capsules) and returns each pixel's ink coverage.
 * Coverage is computed on a grid `supersample` times finer, where each sample gets a one-sample-wide
 * linear edge ramp, then averaged down: an anti-aliased image whose ink mass is the pen's area, whatever
 * the point density. Overlapping segments saturate (max, not sum), as a real pen does.
 */
export function drawPenPaths(paths: readonly PenPath[], width: number, height: number, supersample: number, edgeSoftness = 0): InkImage {
  const fine = new Float32Array(width * supersample * height * supersample);
  const grid: FineGrid = { data: fine, width: width * supersample, height: height * supersample, halfRamp: 0.5 + edgeSoftness * supersample };
  for (const path of paths) {
    const n = path.radius.length;
    const { xy, radius } = path;
    if (n === 1) {
      stampCapsule(grid, xy[0] * supersample, xy[1] * supersample, xy[0] * supersample, xy[1] * supersample, radius[0] * supersample, radius[0] * supersample);
    }
    for (let i = 0; i + 1 < n; i++) {
      stampSegment(
        grid,
        xy[2 * i] * supersample, xy[2 * i + 1] * supersample,
        xy[2 * i + 2] * supersample, xy[2 * i + 3] * supersample,
        radius[i] * supersample, radius[i + 1] * supersample,
      );
    }
  }
  return { width, height, data: boxDownsample(grid, supersample) };
}

interface FineGrid {
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
  /** Half the width, in fine samples, of the linear ramp from no ink to full ink across the pen's edge. */
  readonly halfRamp: number;
}

/**
 * A long diagonal segment's bounding box is mostly empty; cutting it into pieces no longer than the pen's
 * diameter keeps the pixels visited proportional to the area actually inked.
 */
function stampSegment(grid: FineGrid, ax: number, ay: number, bx: number, by: number, ra: number, rb: number): void {
  const length = Math.hypot(bx - ax, by - ay);
  const pieces = Math.max(1, Math.ceil(length / Math.max(2 * Math.max(ra, rb), 2)));
  for (let k = 0; k < pieces; k++) {
    const t0 = k / pieces;
    const t1 = (k + 1) / pieces;
    stampCapsule(
      grid,
      ax + (bx - ax) * t0, ay + (by - ay) * t0,
      ax + (bx - ax) * t1, ay + (by - ay) * t1,
      ra + (rb - ra) * t0, ra + (rb - ra) * t1,
    );
  }
}

/** One capsule (a disc swept from a to b, its radius going linearly from ra to rb), in fine-grid units. */
function stampCapsule(grid: FineGrid, ax: number, ay: number, bx: number, by: number, ra: number, rb: number): void {
  const { data, width, halfRamp } = grid;
  const reach = Math.max(ra, rb) + halfRamp;
  const rampScale = 1 / (2 * halfRamp);
  const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - reach));
  const x1 = Math.min(grid.width - 1, Math.ceil(Math.max(ax, bx) + reach));
  const y0 = Math.max(0, Math.floor(Math.min(ay, by) - reach));
  const y1 = Math.min(grid.height - 1, Math.ceil(Math.max(ay, by) + reach));
  const dx = bx - ax;
  const dy = by - ay;
  const length2 = dx * dx + dy * dy;
  for (let y = y0; y <= y1; y++) {
    const py = y + 0.5;
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5;
      let t = length2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / length2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = ax + t * dx - px;
      const ey = ay + t * dy - py;
      // A linear ramp centred on the pen's edge: symmetric, so the inked area stays the pen's area.
      let cover = (ra + t * (rb - ra) + halfRamp - Math.sqrt(ex * ex + ey * ey)) * rampScale;
      if (cover <= 0) continue;
      if (cover > 1) cover = 1;
      const i = y * width + x;
      if (cover > data[i]) data[i] = cover;
    }
  }
}

function boxDownsample(grid: FineGrid, factor: number): Float32Array {
  const width = grid.width / factor;
  const height = grid.height / factor;
  const out = new Float32Array(width * height);
  const norm = 1 / (factor * factor);
  for (let y = 0; y < grid.height; y++) {
    const row = (y / factor | 0) * width;
    const fineRow = y * grid.width;
    for (let x = 0; x < grid.width; x++) out[row + (x / factor | 0)] += grid.data[fineRow + x];
  }
  for (let i = 0; i < out.length; i++) out[i] *= norm;
  return out;
}

/**
 * Separable Gaussian blur (zero outside the image), clamped to [0, 1]. Symmetric, so it keeps the centre
 * of mass where it was; sigma 0 returns a copy.
 */
export function gaussianBlur(image: InkImage, sigma: number): InkImage {
  const { width, height } = image;
  if (sigma <= 0) return { width, height, data: image.data.slice() };
  const radius = Math.ceil(3 * sigma);
  const kernel = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) sum += kernel[k + radius] = Math.exp(-(k * k) / (2 * sigma * sigma));
  for (let k = 0; k < kernel.length; k++) kernel[k] /= sum;
  const across = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let k = Math.max(-radius, -x); k <= Math.min(radius, width - 1 - x); k++) acc += kernel[k + radius] * image.data[y * width + x + k];
      across[y * width + x] = acc;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let k = Math.max(-radius, -y); k <= Math.min(radius, height - 1 - y); k++) acc += kernel[k + radius] * across[(y + k) * width + x];
      out[y * width + x] = acc > 1 ? 1 : acc;
    }
  }
  return { width, height, data: out };
}

/**
 * Centre of mass in pixel-index coordinates (pixel (col, row) sits at x = col, y = row), the convention
 * in which MNIST's digits average (14.0, 14.0). Null for an image without ink.
 */
export function centreOfMass(image: InkImage): { x: number; y: number } | null {
  let mass = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const v = image.data[y * image.width + x];
      mass += v;
      sx += v * x;
      sy += v * y;
    }
  }
  return mass > 0 ? { x: sx / mass, y: sy / mass } : null;
}

/** The w x h window of an image whose top-left pixel is (left, top). */
export function cropImage(image: InkImage, left: number, top: number, width: number, height: number): InkImage {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = x + left;
      const sy = y + top;
      if (sx >= 0 && sx < image.width && sy >= 0 && sy < image.height) data[y * width + x] = image.data[sy * image.width + sx];
    }
  }
  return { width, height, data };
}

import { parseInk } from './parse.ts';
import { centreOfMass, cropImage, drawPenPaths, gaussianBlur, type InkImage, type PenPath } from './raster.ts';
import type { Ink, InkStroke } from './types.ts';

/** Side of the image the modern network reads. */
export const IMAGE_SIZE = 28;
/** MNIST's digits have their centre of mass at pixel (14, 14) on average (measured on the training set). */
export const CENTRE_OF_MASS_TARGET = 14;

export interface InkOptions {
  /**
   * Pen diameter in pixels of the 28x28 image, whatever the ink's own units: the width is tied to the
   * normalised digit, so canvas size and zoom do not change it. The default matches MNIST's ink mass.
   */
  readonly penWidth?: number;
  /**
   * Half-width in pixels of the soft edge of the pen (ink ramps from 0 to 1 over twice this across the
   * pen's outline, on top of the anti-aliasing). It gives MNIST's grey edges while keeping the stroke's
   * core saturated and the ink inside the 20x20 box, which a Gaussian blur would not.
   */
  readonly edgeSoftness?: number;
  /** Sigma in pixels of an optional Gaussian blur of the final image; 0 = none. */
  readonly blurSigma?: number;
  /** The longer side of the digit's box (pen included) is scaled to this many pixels; MNIST used 20. */
  readonly boxSize?: number;
  /** Samples per pixel side used for anti-aliasing (coverage is averaged over supersample^2 samples). */
  readonly supersample?: number;
  /**
   * Let the pen's pressure modulate its width (radius x (0.5 + p)). Off by default: UNIPEN has no
   * pressure. The box fit still assumes the nominal width, so a firm stroke may reach past the box.
   */
  readonly pressure?: boolean;
  /** Longer side in pixels of the `cropped` step image. */
  readonly croppedSize?: number;
}

export const DEFAULT_INK_OPTIONS: Required<InkOptions> = {
  penWidth: 2.5,
  edgeSoftness: 0.25,
  blurSigma: 0,
  boxSize: 20,
  supersample: 8,
  pressure: false,
  croppedSize: 64,
};

/**
 * Points are simplified before drawing, in pixels of the 28x28 image, so that a densely sampled stroke
 * draws the same path as a sparse one, at the same cost: first a point closer than MIN_POINT_SPACING to
 * the last kept point is dropped (sub-pixel jitter), then a run of points that all lie within
 * MAX_PATH_DEVIATION of the straight segment joining its ends is drawn as that one segment. Corners are
 * kept, and every point of the ink lies within MIN_POINT_SPACING + MAX_PATH_DEVIATION (0.15 px) of the
 * path drawn.
 */
export const MIN_POINT_SPACING = 0.1;
export const MAX_PATH_DEVIATION = 0.05;
/** Longest run of points merged into one segment; bounds the simplification's work at n * MAX_MERGED_RUN. */
const MAX_MERGED_RUN = 32;
/**
 * Path length (pixels of the 28x28 image) above which points are decimated before drawing. A digit's pen
 * path is about 40-120 px long; only a scribble of many laps gets here, and it is a solid blob anyway.
 * Bounds the drawing work (about ten digits of path) so that even an ink of MAX_INK_POINTS points is
 * drawn in a few milliseconds.
 */
export const MAX_PATH_LENGTH = 1_000;

export interface InkBox {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  readonly width: number;
  readonly height: number;
}

export interface InkPreprocess {
  /** True when the ink holds no point: every image is blank and the app should say it cannot tell. */
  readonly empty: boolean;
  /** The 28x28 input of the modern network, row-major, ink 1, background 0. Same array as steps.centred.data. */
  readonly image28: Float32Array;
  readonly steps: {
    /** The digit's bounding box (pen included), longer side `croppedSize` px, aspect ratio kept, no blur. */
    readonly cropped: InkImage;
    /** The box scaled to fit 20x20 keeping its aspect ratio, centred by its box, anti-aliased and blurred. */
    readonly fitted: InkImage;
    /** The 28x28 image with the centre of mass moved to (14, 14): what the network sees. */
    readonly centred: InkImage;
  };
  /** The pen path's bounding box in ink units; null for an empty ink. */
  readonly box: InkBox | null;
  /** Pixels of the 28x28 image per ink unit; 0 when the ink is a single dot (or empty). */
  readonly scale: number;
  /** Pen diameter used, in pixels of the 28x28 image. */
  readonly penWidth: number;
  /** Centre of mass (pixel-index coordinates) of the box-centred digit, before the shift; null if empty. */
  readonly centreOfMass: { readonly x: number; readonly y: number } | null;
  /** Sub-pixel translation that moved the centre of mass to (14, 14). */
  readonly shift: { readonly dx: number; readonly dy: number };
  /** Points in the ink, and points left to draw after merging near neighbours. */
  readonly points: { readonly input: number; readonly drawn: number };
}

/**
 * Ink -> the 28x28 image the network reads, as MNIST was made (LeCun et al.: fit the digit's box into
 * 20x20 keeping its aspect ratio, anti-alias, centre the centre of mass in 28x28) but from the vector
 * strokes: the result depends only on the shape of the drawing, not on its position, size, canvas,
 * zoom or sampling rate. Throws an InkError for a malformed ink; an ink without points gives
 * `empty: true` and blank images.
 */
export function preprocessInk(ink: Ink, options: InkOptions = {}): InkPreprocess {
  const checked = parseInk(ink);
  const opts = resolveOptions(options);
  const pointsIn = checked.strokes.reduce((n, s) => n + s.length, 0);
  const box = boundingBox(checked);
  if (box === null) return emptyResult(opts);

  // The pen's centre line fills what the pen and its soft edge leave of the box, so that every inked
  // pixel lies inside the 20x20 box, as in MNIST.
  const size = Math.max(box.width, box.height);
  const magnitude = Math.max(Math.abs(box.minX), Math.abs(box.maxX), Math.abs(box.minY), Math.abs(box.maxY), 1);
  const isDot = size <= magnitude * 1e-12;
  const scale = isDot ? 0 : Math.max(opts.boxSize - inkedMargin(opts), 0) / size;

  // Box-centred in the 28x28 frame (continuous coordinates: the frame's centre is 14.0).
  const half = IMAGE_SIZE / 2;
  const midX = (box.minX + box.maxX) / 2;
  const midY = (box.minY + box.maxY) / 2;
  const paths = toPenPaths(checked, (x) => (x - midX) * scale + half, (y) => (y - midY) * scale + half, opts);
  const pointsDrawn = paths.reduce((n, p) => n + p.radius.length, 0);

  const boxCentred = gaussianBlur(drawPenPaths(paths, IMAGE_SIZE, IMAGE_SIZE, opts.supersample, opts.edgeSoftness), opts.blurSigma);
  const margin = (IMAGE_SIZE - opts.boxSize) / 2;
  const fitted = cropImage(boxCentred, Math.floor(margin), Math.floor(margin), Math.ceil(opts.boxSize), Math.ceil(opts.boxSize));
  const com = centreOfMass(boxCentred) ?? { x: half - 0.5, y: half - 0.5 };

  // A sub-pixel shift: the strokes are vectors, so moving them costs no resampling blur.
  const dx = CENTRE_OF_MASS_TARGET - com.x;
  const dy = CENTRE_OF_MASS_TARGET - com.y;
  const centred = gaussianBlur(drawPenPaths(paths.map((p) => transformPath(p, 1, dx, dy)), IMAGE_SIZE, IMAGE_SIZE, opts.supersample, opts.edgeSoftness), opts.blurSigma);

  const cropped = drawCropped(paths, box, scale, opts);
  return {
    empty: false,
    image28: centred.data,
    steps: { cropped, fitted, centred },
    box,
    scale,
    penWidth: opts.penWidth,
    centreOfMass: com,
    shift: { dx, dy },
    points: { input: pointsIn, drawn: pointsDrawn },
  };
}

function resolveOptions(options: InkOptions): Required<InkOptions> {
  const opts = { ...DEFAULT_INK_OPTIONS, ...stripUndefined(options) };
  const check = (name: keyof InkOptions, ok: boolean, want: string) => {
    if (!ok) throw new RangeError(`ink option ${name} must be ${want}, got ${String(opts[name])}`);
  };
  check('penWidth', Number.isFinite(opts.penWidth) && opts.penWidth > 0 && opts.penWidth <= 10, 'a number of pixels in (0, 10]');
  check('edgeSoftness', Number.isFinite(opts.edgeSoftness) && opts.edgeSoftness >= 0 && opts.edgeSoftness <= 2, 'a number of pixels in [0, 2]');
  check('blurSigma', Number.isFinite(opts.blurSigma) && opts.blurSigma >= 0 && opts.blurSigma <= 3, 'a number of pixels in [0, 3]');
  check('boxSize', Number.isFinite(opts.boxSize) && opts.boxSize >= 4 && opts.boxSize <= IMAGE_SIZE, `a number of pixels in [4, ${IMAGE_SIZE}]`);
  check('supersample', Number.isInteger(opts.supersample) && opts.supersample >= 1 && opts.supersample <= 16, 'an integer in [1, 16]');
  check('pressure', typeof opts.pressure === 'boolean', 'true or false');
  check('croppedSize', Number.isInteger(opts.croppedSize) && opts.croppedSize >= 8 && opts.croppedSize <= 512, 'an integer in [8, 512]');
  return opts;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function boundingBox(ink: Ink): InkBox | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const stroke of ink.strokes) {
    for (const point of stroke) {
      if (point[0] < minX) minX = point[0];
      if (point[0] > maxX) maxX = point[0];
      if (point[1] < minY) minY = point[1];
      if (point[1] > maxY) maxY = point[1];
    }
  }
  if (minX === Infinity) return null;
  return { minX, minY, maxX, maxY, width: maxX - minX, height: maxY - minY };
}

/**
 * Strokes -> pen paths in the 28x28 frame, simplified (so sampling density does not matter and a million
 * points cost little) and, for absurdly long paths, decimated.
 */
function toPenPaths(ink: Ink, mapX: (x: number) => number, mapY: (y: number) => number, opts: Required<InkOptions>): PenPath[] {
  const baseRadius = opts.penWidth / 2;
  const radiusOf = (point: readonly number[]) => (opts.pressure && point.length === 4 ? baseRadius * (0.5 + point[3]) : baseRadius);
  const lines: Polyline[] = [];
  let length = 0;
  for (const stroke of ink.strokes) {
    if (stroke.length === 0) continue;
    const line = simplify(spaced(stroke, mapX, mapY, radiusOf));
    length += pathLength(line.xs, line.ys, decimated(line.xs.length, 1));
    lines.push(line);
  }
  let stride = 1;
  while (length > MAX_PATH_LENGTH && lines.some((l) => l.xs.length - 1 > stride)) {
    stride *= 2;
    length = lines.reduce((sum, l) => sum + pathLength(l.xs, l.ys, decimated(l.xs.length, stride)), 0);
  }
  return lines.map(({ xs, ys, rs }) => {
    const keep = decimated(xs.length, stride);
    const xy = new Float64Array(2 * keep.length);
    const radius = new Float64Array(keep.length);
    keep.forEach((i, k) => {
      xy[2 * k] = xs[i];
      xy[2 * k + 1] = ys[i];
      radius[k] = rs[i];
    });
    return { xy, radius };
  });
}

interface Polyline {
  readonly xs: number[];
  readonly ys: number[];
  readonly rs: number[];
}

/** The stroke in frame coordinates, without points closer than MIN_POINT_SPACING to the last kept one. */
function spaced(stroke: InkStroke, mapX: (x: number) => number, mapY: (y: number) => number, radiusOf: (p: readonly number[]) => number): Polyline {
  const xs = [mapX(stroke[0][0])];
  const ys = [mapY(stroke[0][1])];
  const rs = [radiusOf(stroke[0])];
  const min2 = MIN_POINT_SPACING * MIN_POINT_SPACING;
  for (let i = 1; i < stroke.length; i++) {
    const x = mapX(stroke[i][0]);
    const y = mapY(stroke[i][1]);
    const ex = x - xs[xs.length - 1];
    const ey = y - ys[ys.length - 1];
    const step2 = ex * ex + ey * ey;
    // The last point is kept even when close, so that a stroke ends where it was lifted.
    if (step2 >= min2 || (i === stroke.length - 1 && step2 > 0)) {
      xs.push(x);
      ys.push(y);
      rs.push(radiusOf(stroke[i]));
    }
  }
  return { xs, ys, rs };
}

/**
 * Drops the points that a straight segment between their neighbours already draws: from the last kept
 * point (the anchor), the path goes straight to point i as long as every point in between lies within
 * MAX_PATH_DEVIATION of that segment (and, with pressure, has nearly the interpolated radius).
 */
function simplify(line: Polyline): Polyline {
  const { xs, ys, rs } = line;
  const n = xs.length;
  if (n <= 2) return line;
  const keep = [0];
  let anchor = 0;
  for (let i = 2; i < n; i++) {
    let straight = i - anchor <= MAX_MERGED_RUN;
    for (let j = anchor + 1; straight && j < i; j++) straight = deviation(line, j, anchor, i) <= MAX_PATH_DEVIATION;
    if (!straight) {
      anchor = i - 1;
      keep.push(anchor);
    }
  }
  keep.push(n - 1);
  return { xs: keep.map((i) => xs[i]), ys: keep.map((i) => ys[i]), rs: keep.map((i) => rs[i]) };
}

/** How far point j is from the segment a-b, counting a difference of pen radius as a distance too. */
function deviation({ xs, ys, rs }: Polyline, j: number, a: number, b: number): number {
  const dx = xs[b] - xs[a];
  const dy = ys[b] - ys[a];
  const length2 = dx * dx + dy * dy;
  let t = length2 > 0 ? ((xs[j] - xs[a]) * dx + (ys[j] - ys[a]) * dy) / length2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = xs[a] + t * dx - xs[j];
  const ey = ys[a] + t * dy - ys[j];
  return Math.max(Math.sqrt(ex * ex + ey * ey), Math.abs(rs[a] + t * (rs[b] - rs[a]) - rs[j]));
}

/** Indices 0, stride, 2*stride, ... and always the last one. */
function decimated(count: number, stride: number): number[] {
  const keep: number[] = [];
  for (let i = 0; i < count; i += stride) keep.push(i);
  if (keep[keep.length - 1] !== count - 1) keep.push(count - 1);
  return keep;
}

function pathLength(xs: readonly number[], ys: readonly number[], indices: readonly number[]): number {
  let length = 0;
  for (let k = 1; k < indices.length; k++) {
    const ex = xs[indices[k]] - xs[indices[k - 1]];
    const ey = ys[indices[k]] - ys[indices[k - 1]];
    length += Math.sqrt(ex * ex + ey * ey);
  }
  return length;
}

/** Scales a path (radius too) by factor about (originX, originY), then moves it by (dx, dy). */
function transformPath(path: PenPath, factor: number, dx: number, dy: number, originX = 0, originY = 0): PenPath {
  const xy = new Float64Array(path.xy.length);
  for (let i = 0; i < xy.length; i += 2) {
    xy[i] = (path.xy[i] - originX) * factor + originX + dx;
    xy[i + 1] = (path.xy[i + 1] - originY) * factor + originY + dy;
  }
  return { xy, radius: path.radius.map((r) => r * factor) };
}

/** How far the ink reaches beyond the pen's centre line, both sides together, in pixels. */
function inkedMargin(opts: Required<InkOptions>): number {
  return opts.penWidth + 2 * opts.edgeSoftness;
}

/** The inked box (pen included) drawn with its longer side croppedSize pixels. */
function drawCropped(paths: readonly PenPath[], box: InkBox, scale: number, opts: Required<InkOptions>): InkImage {
  const factor = opts.croppedSize / opts.boxSize;
  const inkedWidth = (box.width * scale + inkedMargin(opts)) * factor;
  const inkedHeight = (box.height * scale + inkedMargin(opts)) * factor;
  const width = Math.max(1, Math.min(opts.croppedSize, Math.ceil(inkedWidth - 1e-6)));
  const height = Math.max(1, Math.min(opts.croppedSize, Math.ceil(inkedHeight - 1e-6)));
  const half = IMAGE_SIZE / 2;
  // Scale about the frame's centre (where the box centre sits), then move that centre to the crop's centre.
  const placed = paths.map((p) => transformPath(p, factor, width / 2 - half, height / 2 - half, half, half));
  return drawPenPaths(placed, width, height, Math.max(2, Math.ceil(opts.supersample / 2)));
}

function emptyResult(opts: Required<InkOptions>): InkPreprocess {
  const blank = (width: number, height: number): InkImage => ({ width, height, data: new Float32Array(width * height) });
  const centred = blank(IMAGE_SIZE, IMAGE_SIZE);
  const fittedSide = Math.ceil(opts.boxSize);
  return {
    empty: true,
    image28: centred.data,
    steps: { cropped: blank(opts.croppedSize, opts.croppedSize), fitted: blank(fittedSide, fittedSide), centred },
    box: null,
    scale: 0,
    penWidth: opts.penWidth,
    centreOfMass: null,
    shift: { dx: 0, dy: 0 },
    points: { input: 0, drawn: 0 },
  };
}

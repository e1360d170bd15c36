/**
 * Renders pen-drawn digits through the app's ink pipeline next to MNIST digits of the same labels, into
 * one PNG, and prints the statistics that calibrate the pipeline (ink mass, box size, centre of mass).
 *
 *   npx tsx scripts/ink-preview.ts [FILE.jsonl ...] [--per-label 6] [--out artifacts/ink-preview.png]
 *                                  [--pen PX] [--soft PX] [--blur SIGMA] [--seed 1] [--stats 1000]
 *
 * Each row is one digit: `per-label` unipen renderings, a gap, `per-label` MNIST training digits; every
 * 28x28 image is upscaled 4x, white ink on black as the network sees it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { PNG } from 'pngjs';
import { loadMnist, type MnistSet } from '../main/data/mnist.ts';
import { inkImageStats, parseInk, preprocessInk, type Ink, type InkImageStats, type InkOptions } from '../main/ink/index.ts';

const DEFAULT_DATA_DIR = join(import.meta.dirname, '..', '..', 'shared', 'data', 'unipen-dev');
const DEFAULT_FILES = ['syn', 'ced', 'gmd', 'tos', 'uqb', 'imp', 'pri'].map((f) => join(DEFAULT_DATA_DIR, `${f}.jsonl`));
const SIDE = 28;
const ZOOM = 4;
const GAP = 2;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'per-label': { type: 'string', default: '6' },
    out: { type: 'string', default: 'artifacts/ink-preview.png' },
    pen: { type: 'string' },
    soft: { type: 'string' },
    blur: { type: 'string' },
    seed: { type: 'string', default: '1' },
    stats: { type: 'string', default: '1000' },
  },
});
const perLabel = Number(values['per-label']);
const options: InkOptions = {
  penWidth: values.pen === undefined ? undefined : Number(values.pen),
  edgeSoftness: values.soft === undefined ? undefined : Number(values.soft),
  blurSigma: values.blur === undefined ? undefined : Number(values.blur),
};
const files = positionals.length > 0 ? positionals : DEFAULT_FILES;

const inks = shuffle(files.flatMap(readInks), Number(values.seed));
const mnist = await loadMnist('train');

const rows: Float32Array[][] = [];
for (let label = 0; label <= 9; label++) {
  const pen = inks.filter((ink) => ink.label === label).slice(0, perLabel).map((ink) => preprocessInk(ink, options).image28);
  const ref = mnistOfLabel(mnist, label, perLabel);
  rows.push([...pen, ...ref]);
}
writePng(values.out, rows, perLabel);
console.log(`wrote ${values.out}: ${perLabel} unipen (left) and ${perLabel} MNIST (right) digits per row, rows 0-9`);

const statsCount = Math.min(Number(values.stats), inks.length);
const penStats = inks.slice(0, statsCount).map((ink) => inkImageStats(image28Of(preprocessInk(ink, options).image28)));
const mnistStats = Array.from({ length: 10_000 }, (_, i) => inkImageStats(image28Of(mnistImage(mnist, i))));
report(`unipen (${statsCount}, pipeline)`, penStats);
report('MNIST train (10000)', mnistStats);

function readInks(path: string): Ink[] {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => parseInk(JSON.parse(line)));
}

/** Deterministic Fisher-Yates with a small LCG, so a seed names a sample. */
function shuffle<T>(items: T[], seed: number): T[] {
  const out = items.slice();
  let state = (seed >>> 0) || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function mnistImage(set: MnistSet, index: number): Float32Array {
  const image = new Float32Array(SIDE * SIDE);
  for (let i = 0; i < image.length; i++) image[i] = set.images[index * SIDE * SIDE + i] / 255;
  return image;
}

function mnistOfLabel(set: MnistSet, label: number, count: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < set.count && out.length < count; i++) if (set.labels[i] === label) out.push(mnistImage(set, i));
  return out;
}

function image28Of(data: Float32Array) {
  return { width: SIDE, height: SIDE, data };
}

function writePng(path: string, grid: Float32Array[][], split: number): void {
  const cell = SIDE * ZOOM + GAP;
  const columns = Math.max(...grid.map((r) => r.length));
  const middle = 3 * cell; // a wide band between the two sets
  const width = columns * cell + middle;
  const height = grid.length * cell;
  const png = new PNG({ width, height });
  png.data.fill(0);
  for (let i = 0; i < width * height; i++) {
    png.data[4 * i] = 40;
    png.data[4 * i + 1] = 40;
    png.data[4 * i + 2] = 80;
    png.data[4 * i + 3] = 255;
  }
  grid.forEach((row, r) => {
    row.forEach((image, c) => {
      const left = c * cell + (c >= split ? middle : 0);
      const top = r * cell;
      for (let y = 0; y < SIDE * ZOOM; y++) {
        for (let x = 0; x < SIDE * ZOOM; x++) {
          const v = Math.round(255 * image[Math.floor(y / ZOOM) * SIDE + Math.floor(x / ZOOM)]);
          const o = 4 * ((top + y) * width + left + x);
          png.data[o] = png.data[o + 1] = png.data[o + 2] = v;
        }
      }
    });
  });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, PNG.sync.write(png));
}

function report(name: string, stats: InkImageStats[]): void {
  if (stats.length === 0) return;
  const mean = (f: (s: InkImageStats) => number) => stats.reduce((sum, s) => sum + f(s), 0) / stats.length;
  const at = (s: InkImageStats) => s.centreOfMass ?? { x: NaN, y: NaN };
  console.log(
    `${name.padEnd(28)} mass ${mean((s) => s.mass).toFixed(1).padStart(6)}  box h ${mean((s) => s.boxHeight).toFixed(2)}  w ${mean((s) => s.boxWidth).toFixed(2)}` +
      `  centre of mass (${mean((s) => at(s).x).toFixed(2)}, ${mean((s) => at(s).y).toFixed(2)})`,
  );
}

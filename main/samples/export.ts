import { strToU8, zipSync, type Zippable } from 'fflate';
import { PNG } from 'pngjs';
import { encodeIdx } from '../data/idx.ts';
import { preprocessInk } from '../ink/index.ts';
import { SAMPLES_JSONL, type Sample } from './record.ts';

export { SAMPLES_JSONL };

/**
 * Exports of the sample store.
 *
 * The zip (`exportZip`):
 * ```
 * samples.jsonl              one sample per line, DESIGN.md's ink format plus the sample's facts:
 *                            {"label":7,"strokes":[...],"id":"...","collectedAt":"...","how":"saved"}
 * images/<digit>/<id>.png    28x28 greyscale: the image the network reads (ink white on black, as MNIST)
 * README.txt                 this description
 * ```
 * The JSON Lines are the record of truth (import reads only them); npm run eval -- ink reads them too.
 *
 * The IDX export (`exportIdx`) is MNIST's own format: the same 28x28 images as bytes (0 background,
 * 255 ink) in `<name>-images-idx3-ubyte`, the labels in `<name>-labels-idx1-ubyte`; its zip also holds
 * samples.jsonl, so it imports back.
 */
export const IDX_IMAGES = 'samples-images-idx3-ubyte';
export const IDX_LABELS = 'samples-labels-idx1-ubyte';

const README = `LeNet Studio samples export

samples.jsonl            one sample per line: {"label", "strokes", "id", "collectedAt", "how"[, "predicted", "modelId"]}
                         strokes = [[[x, y], [x, y, t, p], ...], ...] (t in ms, p pressure 0..1, y grows downward)
images/<digit>/<id>.png  the 28x28 image the network reads for that ink (ink white on black, as MNIST)

Import this zip (or any JSON Lines file in that format) from the Samples view.
`;

/** The sample as a JSON Lines record. */
export function sampleLine(s: Sample): string {
  return JSON.stringify({
    label: s.label, strokes: s.ink.strokes, id: s.id, collectedAt: s.collectedAt, how: s.how,
    ...(s.predicted !== undefined ? { predicted: s.predicted } : {}), ...(s.modelId !== undefined ? { modelId: s.modelId } : {}),
  });
}

/** The network's 28x28 input for the ink, as bytes (0 background, 255 ink). */
export function sampleImageBytes(s: Sample): Uint8Array {
  const img = preprocessInk(s.ink).image28;
  const out = new Uint8Array(img.length);
  for (let i = 0; i < img.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, img[i])) * 255);
  return out;
}

export function encodeGreyPng(width: number, height: number, grey: Uint8Array): Uint8Array {
  if (grey.length !== width * height) throw new RangeError(`png: ${grey.length} bytes for a ${width}x${height} image`);
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = Buffer.from(grey);
  return new Uint8Array(PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
}

export function exportZip(samples: readonly Sample[]): Uint8Array {
  const images: Record<string, Zippable> = {};
  for (const s of samples) {
    const dir = (images[String(s.label)] ??= {}) as Record<string, Uint8Array>;
    dir[`${s.id}.png`] = encodeGreyPng(28, 28, sampleImageBytes(s));
  }
  const jsonl = samples.map((s) => `${sampleLine(s)}\n`).join('');
  // PNGs are already deflated: storing them again compressed only costs time
  return zipSync({
    'README.txt': strToU8(README),
    [SAMPLES_JSONL]: strToU8(jsonl),
    images: [images, { level: 0 }],
  }, { level: 6, mtime: new Date('2000-01-01T00:00:00Z') });
}

export function exportIdx(samples: readonly Sample[]): { images: Uint8Array; labels: Uint8Array } {
  const pixels = new Uint8Array(samples.length * 784);
  const labels = new Uint8Array(samples.length);
  samples.forEach((s, k) => {
    pixels.set(sampleImageBytes(s), k * 784);
    labels[k] = s.label;
  });
  return { images: encodeIdx([samples.length, 28, 28], pixels), labels: encodeIdx([samples.length], labels) };
}

const IDX_README = `LeNet Studio samples in MNIST's IDX format

${IDX_IMAGES}  the 28x28 images the network reads (0 background, 255 ink), in MNIST's own format
${IDX_LABELS}  their labels, in the same order
samples.jsonl  the inks the images were made from (one sample per line), so that this zip imports back

Import this zip from the Samples view: the inks are read, the images are made from them again.
`;

/**
 * Both IDX files in one zip, for a single "save as", with the inks they were made from: an image cannot
 * be turned back into strokes, so without them the export could not be imported back.
 */
export function exportIdxZip(samples: readonly Sample[]): Uint8Array {
  const { images, labels } = exportIdx(samples);
  const jsonl = samples.map((s) => `${sampleLine(s)}\n`).join('');
  return zipSync(
    { [IDX_IMAGES]: images, [IDX_LABELS]: labels, [SAMPLES_JSONL]: strToU8(jsonl), 'README.txt': strToU8(IDX_README) },
    { level: 6, mtime: new Date('2000-01-01T00:00:00Z') },
  );
}

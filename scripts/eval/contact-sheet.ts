import { writeFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import { RBF_BITMAP_HEIGHT, RBF_BITMAP_WIDTH, RBF_CENTRES } from '../../main/engine/index.ts';

export interface SheetEntry {
  /** The 28x28 image the network saw, ink 1. */
  readonly image: Float32Array;
  readonly label: number;
  readonly predicted: number;
}

const ZOOM = 3;
const CELL_W = 28 * ZOOM + 8;
const LABEL_H = RBF_BITMAP_HEIGHT + 6;
const CELL_H = 28 * ZOOM + LABEL_H + 8;

/** Draws digit d with the 7x12 bitmaps of the classic output layer (no font needed). */
function drawDigit(png: PNG, d: number, x0: number, y0: number, rgb: readonly [number, number, number]): void {
  const bitmap = RBF_CENTRES[d];
  for (let y = 0; y < RBF_BITMAP_HEIGHT; y++) {
    for (let x = 0; x < RBF_BITMAP_WIDTH; x++) {
      if (bitmap[y * RBF_BITMAP_WIDTH + x] <= 0) continue;
      const i = ((y0 + y) * png.width + x0 + x) * 4;
      png.data[i] = rgb[0];
      png.data[i + 1] = rgb[1];
      png.data[i + 2] = rgb[2];
    }
  }
}

/**
 * A contact sheet of misread digits: each cell is the input the network saw (black ink on white, 3x),
 * with the true label in green and the prediction in red beneath it.
 */
export async function writeContactSheet(path: string, entries: readonly SheetEntry[], columns = 20): Promise<void> {
  const rows = Math.max(1, Math.ceil(entries.length / columns));
  const png = new PNG({ width: columns * CELL_W, height: rows * CELL_H });
  png.data.fill(255);
  entries.forEach((e, k) => {
    const cx = (k % columns) * CELL_W + 4;
    const cy = Math.floor(k / columns) * CELL_H + 4;
    for (let y = 0; y < 28 * ZOOM; y++) {
      for (let x = 0; x < 28 * ZOOM; x++) {
        const v = Math.round(255 * (1 - Math.min(1, Math.max(0, e.image[Math.floor(y / ZOOM) * 28 + Math.floor(x / ZOOM)]))));
        const i = ((cy + y) * png.width + cx + x) * 4;
        png.data[i] = png.data[i + 1] = png.data[i + 2] = v;
      }
    }
    // a thin frame shows where the 28x28 field ends
    for (let x = -1; x <= 28 * ZOOM; x++) {
      for (const y of [-1, 28 * ZOOM]) {
        const i = ((cy + y) * png.width + cx + x) * 4;
        png.data[i] = png.data[i + 1] = png.data[i + 2] = 200;
      }
    }
    const ly = cy + 28 * ZOOM + 4;
    drawDigit(png, e.label, cx + 20, ly, [0, 140, 0]);
    drawDigit(png, e.predicted, cx + 28 * ZOOM - 28, ly, [210, 0, 0]);
  });
  await writeFile(path, PNG.sync.write(png));
}

import type { InkImage } from './raster.ts';

export interface InkImageStats {
  /** Sum of pixel values (ink = 1): MNIST's training digits average 102.8 in 28x28. */
  readonly mass: number;
  /** Rows and columns spanned by pixels above the threshold (0 for a blank image). */
  readonly boxHeight: number;
  readonly boxWidth: number;
  /** Centre of mass in pixel-index coordinates; null for a blank image. */
  readonly centreOfMass: { readonly x: number; readonly y: number } | null;
}

/**
 * Numbers that compare a rendering with MNIST: how much ink, how large, where. `threshold` decides which
 * pixels count for the box; MNIST stores bytes, so > 0 there means >= 1/255.
 */
export function inkImageStats(image: InkImage, threshold = 0.5 / 255): InkImageStats {
  let mass = 0;
  let sx = 0;
  let sy = 0;
  let top = Infinity;
  let bottom = -Infinity;
  let left = Infinity;
  let right = -Infinity;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const v = image.data[y * image.width + x];
      mass += v;
      sx += v * x;
      sy += v * y;
      if (v > threshold) {
        if (y < top) top = y;
        if (y > bottom) bottom = y;
        if (x < left) left = x;
        if (x > right) right = x;
      }
    }
  }
  return {
    mass,
    boxHeight: bottom >= top ? bottom - top + 1 : 0,
    boxWidth: right >= left ? right - left + 1 : 0,
    centreOfMass: mass > 0 ? { x: sx / mass, y: sy / mass } : null,
  };
}

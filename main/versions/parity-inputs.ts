import type { NetworkSpec } from '../engine/index.ts';
import { preprocessInk, toModelInput, type Ink } from '../ink/index.ts';

/** Digits drawn as vector strokes (a 0, a 1, a 7 with a bar, a 4, a 3) plus a blank and a noise image. */
const CHECK_INKS: Ink[] = [
  { strokes: [Array.from({ length: 25 }, (_, i) => [50 + 30 * Math.sin((i / 24) * 2 * Math.PI), 50 - 45 * Math.cos((i / 24) * 2 * Math.PI)] as const)] },
  { strokes: [[[50, 5], [52, 50], [53, 95]]] },
  { strokes: [[[10, 10], [80, 10], [40, 95]], [[25, 50], [70, 50]]] },
  { strokes: [[[60, 5], [15, 65], [85, 65]], [[62, 30], [62, 95]]] },
  { strokes: [[[15, 15], [60, 5], [70, 30], [35, 48], [75, 65], [60, 92], [15, 88]]] },
];

/** The check batch for activation, encoded for the network's input (28x28 modern or 32x32 classic). */
export function parityInputs(spec: NetworkSpec): { input: Float32Array; batch: number } {
  const arch = spec.arch === 'classic' ? 'classic' : 'modern';
  const images = CHECK_INKS.map((ink) => preprocessInk(ink).image28);
  images.push(new Float32Array(784));
  let s = 12345;
  images.push(Float32Array.from({ length: 784 }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32)));
  const size = spec.input.channels * spec.input.height * spec.input.width;
  const input = new Float32Array(images.length * size);
  images.forEach((img, k) => input.set(toModelInput(img, arch), k * size));
  return { input, batch: images.length };
}

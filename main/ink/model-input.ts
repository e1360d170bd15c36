import { CLASSIC_BACKGROUND, CLASSIC_INK, type ArchName } from '../engine/lenet5.ts';
import { IMAGE_SIZE } from './preprocess.ts';
import { InkError } from './types.ts';

/** Side of the classic network's input field: the 28x28 digit padded by 2 on every side, as in the 1998 paper. */
export const CLASSIC_FIELD_SIZE = 32;
const CLASSIC_PAD = (CLASSIC_FIELD_SIZE - IMAGE_SIZE) / 2;

/**
 * The 28x28 image (values in [0, 1], ink 1) -> the input of a network, one channel, row-major.
 * modern: the 28x28 image itself (a copy). classic: the image centred in a 32x32 field, each value v
 * mapped to -0.1 + 1.275 v (white -0.1, full ink 1.175), the way MNIST is fed to the classic model.
 */
export function toModelInput(image28: Float32Array, arch: ArchName): Float32Array {
  if (!(image28 instanceof Float32Array) || image28.length !== IMAGE_SIZE * IMAGE_SIZE) {
    throw new InkError(`toModelInput needs a ${IMAGE_SIZE}x${IMAGE_SIZE} Float32Array (${IMAGE_SIZE * IMAGE_SIZE} values), got ${image28 instanceof Float32Array ? `${image28.length} values` : typeof image28}`);
  }
  if (arch === 'modern') return image28.slice();
  if (arch !== 'classic') throw new InkError(`toModelInput: unknown architecture ${JSON.stringify(arch)}; expected 'modern' or 'classic'`);
  const field = new Float32Array(CLASSIC_FIELD_SIZE * CLASSIC_FIELD_SIZE).fill(CLASSIC_BACKGROUND);
  const gain = CLASSIC_INK - CLASSIC_BACKGROUND;
  for (let y = 0; y < IMAGE_SIZE; y++) {
    for (let x = 0; x < IMAGE_SIZE; x++) {
      field[(y + CLASSIC_PAD) * CLASSIC_FIELD_SIZE + x + CLASSIC_PAD] = CLASSIC_BACKGROUND + gain * image28[y * IMAGE_SIZE + x];
    }
  }
  return field;
}

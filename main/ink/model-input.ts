import { ARCHITECTURES, type ArchName } from '../engine/lenet5.ts';
import { imageToNetworkInput } from '../engine/dataset.ts';
import { IMAGE_SIZE } from './preprocess.ts';
import { InkError } from './types.ts';

/** Side of the classic network's input field: the 28x28 digit padded by 2 on every side, as in the 1998 paper. */
export const CLASSIC_FIELD_SIZE = 32;

/**
 * The 28x28 image (values in [0, 1], ink 1) -> the input of a network, one channel, row-major.
 * modern: the 28x28 image itself (a copy). classic: the image centred in a 32x32 field, each value v
 * mapped to -0.1 + 1.275 v (white -0.1, full ink 1.175), the way MNIST is fed to the classic model.
 */
export function toModelInput(image28: Float32Array, arch: ArchName): Float32Array {
  if (!(image28 instanceof Float32Array) || image28.length !== IMAGE_SIZE * IMAGE_SIZE) {
    throw new InkError(`toModelInput needs a ${IMAGE_SIZE}x${IMAGE_SIZE} Float32Array (${IMAGE_SIZE * IMAGE_SIZE} values), got ${image28 instanceof Float32Array ? `${image28.length} values` : typeof image28}`);
  }
  if (arch !== 'modern' && arch !== 'classic') throw new InkError(`toModelInput: unknown architecture ${JSON.stringify(arch)}; expected 'modern' or 'classic'`);
  const spec = ARCHITECTURES[arch];
  const out = new Float32Array(spec.input.channels * spec.input.height * spec.input.width);
  imageToNetworkInput(spec, image28, IMAGE_SIZE, IMAGE_SIZE, out, 0);
  return out;
}
